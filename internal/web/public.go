package web

import (
	"cmp"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"loa/internal/airlog"
	"loa/internal/database"
	"loa/internal/station"
	"loa/internal/users"
)

// publicActor reads what the public page shows: it has the viewer's rights
// and is used only when web.public is set.
func publicActor() station.Actor { return station.Actor{Name: "công khai", Role: users.Viewer} }

type publicRun struct {
	station.Planned
	Texts map[int64]string
}

type publicView struct {
	Runs []publicRun
}

func (s *Server) publicOff(w http.ResponseWriter, r *http.Request) bool {
	if s.st.Config.Web.Public {
		return false
	}
	s.render(w, r, http.StatusNotFound, "error", view{Title: "Không có trang này", Error: "Trang công khai chưa được bật (web.public)."})
	return true
}

// texts returns the text of each script id, read once.
func (s *Server) scriptText(r *http.Request, cache map[int64]string, id int64) string {
	if t, ok := cache[id]; ok {
		return t
	}
	sc, err := s.st.Script(r.Context(), publicActor(), id)
	if err != nil {
		return ""
	}
	cache[id] = sc.Body
	return sc.Body
}

// publicPage is the broadcast schedule of the coming week with the titles
// and texts of what will air: the plan's second channel.
func (s *Server) publicPage(w http.ResponseWriter, r *http.Request) {
	if s.publicOff(w, r) {
		return
	}
	now := s.now()
	runs, err := s.st.Forecast(r.Context(), publicActor(), now, now.AddDate(0, 0, 7), 0)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	cache := map[int64]string{}
	v := publicView{}
	for _, p := range runs {
		pr := publicRun{Planned: p, Texts: map[int64]string{}}
		for _, it := range p.Items {
			pr.Texts[it.ScriptID] = s.scriptText(r, cache, it.ScriptID)
		}
		v.Runs = append(v.Runs, pr)
	}
	s.render(w, r, http.StatusOK, "public", view{Title: "Lịch phát thanh", Data: v})
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    atomLink    `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Summary string   `xml:"summary"`
	Content atomText `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// publicFeed is an Atom feed of the scripts that aired, newest first, for
// the commune's web page to republish.
func (s *Server) publicFeed(w http.ResponseWriter, r *http.Request) {
	if s.publicOff(w, r) {
		return
	}
	now := s.now()
	p, err := s.st.LogItems(r.Context(), publicActor(), station.LogFilter{
		Filter: airlog.Filter{From: now.AddDate(0, 0, -60), To: now}, Limit: 500})
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	loc := s.st.Location()
	feed := atomFeed{Title: s.st.Config.Station.Name + " — bài đã phát", ID: "urn:loa:" + url.PathEscape(s.st.Config.Station.Commune) + ":aired",
		Updated: now.In(loc).Format(time.RFC3339), Link: atomLink{Href: "/cong-khai", Rel: "alternate"},
		Author: atomAuthor{Name: s.st.Config.Station.Name}}
	cache := map[int64]string{}
	titles := s.programmeTitles(r.Context())
	for _, it := range p.Items {
		if it.Kind != airlog.KindScript || it.Status == nil || (*it.Status != "aired" && *it.Status != "partial") || it.ScriptID == nil || it.Simulated {
			continue
		}
		at := it.StartedAt.T.In(loc)
		feed.Entries = append(feed.Entries, atomEntry{
			Title:   it.Title,
			ID:      "urn:loa:aired:" + strconv.FormatInt(it.RunID, 10) + ":" + strconv.FormatInt(*it.ScriptID, 10) + ":" + at.Format("20060102T150405"),
			Updated: at.Format(time.RFC3339),
			Summary: "Phát lúc " + at.Format(database.ShowMinuteDate) + " trong chương trình " + cmp.Or(titles[it.Programme], it.Programme),
			Content: atomText{Type: "text", Body: s.scriptText(r, cache, *it.ScriptID)},
		})
		if len(feed.Entries) == 50 {
			break
		}
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	enc.Encode(feed)
}
