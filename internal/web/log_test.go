package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"loa/internal/airlog"
	"loa/internal/users"
)

// TestLogPagesBackInTime: the log page shows the newest items first and
// "Cũ hơn" continues from the last item shown, by time, until the oldest.
func TestLogPagesBackInTime(t *testing.T) {
	f := newFixture(t)
	start := time.Date(2026, 11, 1, 23, 30, 0, 0, time.UTC)
	var runs []airlog.RunRecord
	for d := 0; d < 3; d++ {
		at := start.AddDate(0, 0, d)
		r := airlog.RunRecord{RunSpec: airlog.RunSpec{Programme: "sang", Title: "Bản tin sáng", ScheduledAt: at},
			StartedAt: at, EndedAt: at.Add(30 * time.Minute), Status: airlog.RunCompleted}
		for i := 0; i < 25; i++ {
			r.Items = append(r.Items, airlog.ItemRecord{ItemSpec: airlog.ItemSpec{Position: i, Kind: airlog.KindJingle,
				Title: fmt.Sprintf("Mục %d-%02d", d, i), ScheduledAt: at.Add(time.Duration(i) * time.Minute),
				StartedAt: at.Add(time.Duration(i) * time.Minute)}, Seconds: 30, Status: airlog.ItemAired})
		}
		runs = append(runs, r)
	}
	if _, err := f.st.Log.RecordRuns(context.Background(), runs); err != nil {
		t.Fatal(err)
	}
	b := f.signedIn(users.Viewer)
	older := regexp.MustCompile(`<a href="([^"]+)">Cũ hơn →</a>`)
	title := regexp.MustCompile(`Mục \d-\d\d`)
	path := "/nhat-ky"
	var seen []string
	for page := 0; page < 5 && path != ""; page++ {
		_, body := b.get(path)
		seen = append(seen, title.FindAllString(body, -1)...)
		path = ""
		if m := older.FindStringSubmatch(body); m != nil {
			path = "/nhat-ky" + strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != 75 || seen[0] != "Mục 2-24" || seen[74] != "Mục 0-00" {
		t.Errorf("pages showed %d items, %v … %v", len(seen), seen[:min(3, len(seen))], seen[max(0, len(seen)-3):])
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("item %d (%s) not older than %s", i, seen[i], seen[i-1])
		}
	}
}

// TestPublicFeedAired: the Atom feed lists an aired script with its title
// as text, says in which programme by the programme's title (a citizen
// does not know "sang"), and its ids are URIs (no spaces).
func TestPublicFeedAired(t *testing.T) {
	f := newFixture(t)
	f.st.Config.Web.Public = true
	sc := f.addScript("<script>alert(1)</script> Lịch tiếp dân", tone(t, 2, 440))
	at := f.now.Add(-2 * time.Hour)
	id := sc.ID
	run := airlog.RunRecord{RunSpec: airlog.RunSpec{Programme: "sang", Title: "Bản tin sáng", ScheduledAt: at},
		StartedAt: at, EndedAt: at.Add(10 * time.Minute), Status: airlog.RunCompleted,
		Items: []airlog.ItemRecord{{ItemSpec: airlog.ItemSpec{Position: 0, Kind: airlog.KindScript, ScriptID: id,
			Title: sc.Title, Topic: sc.Topic, ScheduledAt: at, StartedAt: at}, Seconds: 2, Status: airlog.ItemAired}}}
	if _, err := f.st.Log.RecordRuns(context.Background(), []airlog.RunRecord{run}); err != nil {
		t.Fatal(err)
	}
	_, body := f.browser().get("/cong-khai/atom.xml")
	var feed atomFeed
	if err := xml.Unmarshal([]byte(body), &feed); err != nil || len(feed.Entries) != 1 {
		t.Fatalf("feed (%v):\n%s", err, body)
	}
	e := feed.Entries[0]
	if e.Title != sc.Title || strings.Contains(body, "<script>") {
		t.Errorf("entry title %q", e.Title)
	}
	if !strings.Contains(e.Summary, "Bản tin sáng") {
		t.Errorf("summary %q does not name the programme by its title", e.Summary)
	}
	for _, id := range []string{feed.ID, e.ID} {
		if u, err := url.Parse(id); err != nil || u.Scheme == "" || strings.ContainsAny(id, " \t") {
			t.Errorf("id %q is not a URI", id)
		}
	}
}

// TestLogProgrammeNames: Nhật ký phát names programmes by title, and its
// programme filter offers the station's programmes by name.
func TestLogProgrammeNames(t *testing.T) {
	f := newFixture(t)
	at := f.now.Add(-time.Hour)
	run := airlog.RunRecord{RunSpec: airlog.RunSpec{Programme: "sang", Title: "Bản tin sáng", ScheduledAt: at},
		StartedAt: at, EndedAt: at.Add(time.Minute), Status: airlog.RunCompleted,
		Items: []airlog.ItemRecord{{ItemSpec: airlog.ItemSpec{Kind: airlog.KindJingle, Title: "Nhạc hiệu", ScheduledAt: at, StartedAt: at},
			Seconds: 30, Status: airlog.ItemAired}}}
	if _, err := f.st.Log.RecordRuns(context.Background(), []airlog.RunRecord{run}); err != nil {
		t.Fatal(err)
	}
	_, body := f.signedIn(users.Viewer).get("/nhat-ky")
	for _, want := range []string{`<td data-label="Chương trình">Bản tin sáng</td>`, `list="programmes"`, `<option value="sang">Bản tin sáng</option>`} {
		if !strings.Contains(body, want) {
			t.Errorf("Nhật ký phát lacks %s", want)
		}
	}
}
