package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"loa/internal/airlog"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/queue"
	"loa/internal/report"
	"loa/internal/station"
	"loa/internal/taxonomy"
	"loa/internal/users"
)

// view is what every console page gets.
type view struct {
	Title   string
	Nav     string // the active menu entry
	Station string
	User    *users.User
	CSRF    string
	Error   string
	Field   string
	Notice  string
	Data    any
}

// Can reports whether the signed-in user's role grants p (to show or hide
// buttons; the service layer checks again).
func (v view) Can(p string) bool { return v.User != nil && v.User.Role.Can(users.Permission(p)) }

func (s *Server) funcs() template.FuncMap {
	loc := s.st.Location()
	return template.FuncMap{
		"topic":      taxonomy.TopicLabel,
		"area":       taxonomy.AreaLabel,
		"audience":   taxonomy.AudienceLabel,
		"priority":   func(c string) string { return taxonomy.Label(taxonomy.Priorities(), c) },
		"status":     queue.StatusLabel,
		"role":       func(r users.Role) string { return r.Label() },
		"clock":      report.Clock,
		"kind":       airlog.KindLabel,
		"note":       eventNote,
		"itemstatus": airlog.StatusLabel,
		"when": func(t any) string {
			var tt time.Time
			switch v := t.(type) {
			case time.Time:
				tt = v
			case queue.JSONTime:
				tt = v.Time
			case station.Time:
				tt = v.T
			}
			if tt.IsZero() {
				return "—"
			}
			return tt.In(loc).Format(database.ShowMinuteDate)
		},
		"day": func(t time.Time) string { return weekday(t.In(loc)) + " " + t.In(loc).Format(database.ShowDayMonth) },
		"hm":  func(t station.Time) string { return t.T.In(loc).Format(database.ShowMinute) },
		"pct": func(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) },
		"deref": func(p *int) string {
			if p == nil {
				return "không giới hạn"
			}
			return strconv.Itoa(*p)
		},
		"lufs": func(p *float64) string {
			if p == nil {
				return "—"
			}
			return strconv.FormatFloat(*p, 'f', 1, 64)
		},
		"str": func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		},
		"topics": taxonomy.Topics, "areas": taxonomy.Areas, "audiences": taxonomy.Audiences, "priorities": taxonomy.Priorities,
		"statuses": station.Statuses, "roles": users.Roles,
		"add": func(a, b int) int { return a + b },
		"sub": func(a, b int) int { return a - b },
		"query": func(v url.Values, k, val string) template.URL {
			w := url.Values{}
			for kk, vv := range v {
				w[kk] = vv
			}
			w.Set(k, val)
			return template.URL("?" + w.Encode())
		},
	}
}

// convertedNote is the queue's note on a recording ffmpeg converted
// ("audio ghi-am.m4a (sha256 …, MP4/M4A) converted to FLAC").
var convertedNote = regexp.MustCompile(`\baudio (.+? \(sha256 [0-9a-f]+, [^)]*\)) converted to FLAC`)

// eventNote shows the queue's own history notes ("queued", "edited: …",
// English in the database) with a Vietnamese lead; people's notes as typed.
func eventNote(note string) string {
	note = convertedNote.ReplaceAllString(note, "tệp $1 đã được chuyển sang FLAC")
	switch {
	case note == "queued":
		return "gửi bài"
	case strings.HasPrefix(note, "queued; "):
		return "gửi bài; " + strings.TrimPrefix(note, "queued; ")
	case strings.HasPrefix(note, "edited: "):
		return "sửa: " + strings.TrimPrefix(note, "edited: ")
	}
	return note
}

func weekday(t time.Time) string {
	return [...]string{"CN", "Th 2", "Th 3", "Th 4", "Th 5", "Th 6", "Th 7"}[t.Weekday()]
}

// parsePages parses each page with the layout.
func (s *Server) parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(s.funcs()).ParseFS(files, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", base, err)
		}
		pages[strings.TrimSuffix(base, ".html")] = t
	}
	return pages, nil
}

// render writes a page; the buffer keeps a template error from sending half
// a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, v view) {
	v.Station = s.st.Config.Station.Name
	v.CSRF = csrfToken(w, r)
	var b bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&b, "layout", v); err != nil {
		s.log.Error("render", "page", name, "err", err)
		http.Error(w, "Lỗi hiển thị trang.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	b.WriteTo(w)
}

// pageHandler runs for a signed-in user.
type pageHandler func(w http.ResponseWriter, r *http.Request, u users.User) error

// page requires a session (else the sign-in page) and, for a POST, a valid
// CSRF token (else 403); an error becomes an error page in Vietnamese.
func (s *Server) page(h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.sessionUser(r)
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/dang-nhap?tiep="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			} else {
				s.fail(w, r, nil, fmt.Errorf("no session: %w", users.ErrBadCredentials))
			}
			return
		}
		if r.Method == http.MethodPost && !isMultipart(r) {
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			if err := r.ParseForm(); err != nil || !csrfOK(r, r.PostForm.Get(csrfField)) {
				s.forbidden(w, r, &u)
				return
			}
		}
		if err := h(w, r, u); err != nil {
			s.fail(w, r, &u, err)
		}
	}
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, u *users.User) {
	s.render(w, r, http.StatusForbidden, "error", view{Title: "Không hợp lệ", User: u,
		Error: "Biểu mẫu đã hết hạn hoặc không đến từ trang của đài (thiếu mã CSRF). Hãy tải lại trang và thử lại."})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, u *users.User, err error) {
	code := httpStatus(err)
	if code == http.StatusInternalServerError {
		s.log.Error("page", "path", r.URL.Path, "err", err)
	}
	msg, _ := s.message(err)
	s.render(w, r, code, "error", view{Title: "Lỗi", User: u, Error: msg})
}

func (s *Server) uiRoutes() []route {
	return []route{
		{"GET /dang-nhap", s.loginPage},
		{"POST /dang-nhap", s.login},
		{"POST /dang-xuat", s.page(s.logout)},
		{"GET /{$}", s.page(s.dashboard)},
		{"GET /bai-phat", s.page(s.scriptsPage)},
		{"GET /bai-phat/moi", s.page(s.newScriptPage)},
		{"POST /bai-phat", s.page(s.addScriptForm)},
		{"GET /bai-phat/{id}", s.page(s.scriptPage)},
		{"GET /bai-phat/{id}/am-thanh", s.page(s.scriptAudio)},
		{"GET /bai-phat/{id}/sua", s.page(s.editScriptPage)},
		{"POST /bai-phat/{id}/sua", s.page(s.addScriptForm)},
		{"POST /bai-phat/{id}/duyet", s.page(s.approveScript)},
		{"POST /bai-phat/{id}/tu-choi", s.page(s.rejectScript)},
		{"POST /bai-phat/{id}/ngung", s.page(s.retireScript)},
		{"GET /duyet", s.page(s.approvalsPage)},
		{"GET /phat-khan", s.page(s.announcePage)},
		{"POST /phat-khan", s.page(s.announce)},
		{"GET /lich-phat", s.page(s.calendarPage)},
		{"GET /nhat-ky", s.page(s.logPage)},
		{"GET /bao-cao", s.page(s.reportPage)},
		{"GET /bao-cao/tai", s.page(s.reportDownload)},
		{"GET /mo-phong", s.page(s.simulatePage)},
		{"GET /mat-khau", s.page(s.passwordPage)},
		{"POST /mat-khau", s.page(s.changePassword)},
		{"GET /nguoi-dung", s.page(s.usersPage)},
		{"POST /nguoi-dung", s.page(s.addUser)},
		{"POST /nguoi-dung/{name}", s.page(s.changeUser)},
		{"GET /cong-khai", s.publicPage},
		{"GET /cong-khai/atom.xml", s.publicFeed},
	}
}

// --- sign in and out

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.sessionUser(r); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", view{Title: "Đăng nhập", Data: r.URL.Query().Get("tiep")})
}

// next is a local path to go to after signing in (never another site).
func next(v string) string {
	if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") || strings.HasPrefix(v, "/\\") {
		return "/"
	}
	return v
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !csrfOK(r, r.PostForm.Get(csrfField)) {
		s.forbidden(w, r, nil)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("username"))
	keys := []string{"user:" + name, "addr:" + clientAddr(r)}
	tiep := next(r.PostForm.Get("tiep"))
	if s.throttle.blocked(keys...) {
		s.log.Warn("login throttled", "user", name, "remote", clientAddr(r))
		s.render(w, r, http.StatusTooManyRequests, "login", view{Title: "Đăng nhập", Data: tiep,
			Error: "Đăng nhập sai quá nhiều lần. Hãy đợi 15 phút rồi thử lại."})
		return
	}
	u, sid, err := s.st.Login(r.Context(), name, r.PostForm.Get("password"))
	if err != nil {
		if errors.Is(err, users.ErrBadCredentials) {
			s.throttle.fail(keys...)
			s.log.Warn("login failed", "user", name, "remote", clientAddr(r))
			s.render(w, r, http.StatusUnauthorized, "login", view{Title: "Đăng nhập", Data: tiep,
				Error: "Tên đăng nhập hoặc mật khẩu không đúng."})
			return
		}
		s.fail(w, r, nil, err)
		return
	}
	s.log.Info("login", "user", u.Name, "remote", clientAddr(r))
	setCookie(w, r, sessionCookie, sid, int(station.SessionTTL.Seconds()))
	http.Redirect(w, r, tiep, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, u users.User) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.st.Users.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/dang-nhap", http.StatusSeeOther)
	return nil
}

// --- Tổng quan

type dashboard struct {
	Status    station.Status
	Programme string // the title of the programme on air
	Elapsed   string
	Expiring  []queue.Script
	Waiting   int
	Coverage  []station.TopicCoverage
	Half      string
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, u users.User) error {
	a := actorOf(u)
	ctx := r.Context()
	st, err := s.st.Status(ctx, a)
	if err != nil {
		return err
	}
	d := dashboard{Status: st}
	if st.Run != nil {
		d.Programme = st.Run.Programme
		if t := s.programmeTitles(ctx)[st.Run.Programme]; t != "" {
			d.Programme = t + " (" + st.Run.Programme + ")"
		}
	}
	if st.Item != nil {
		d.Elapsed = report.Clock(s.now().Sub(st.Item.StartedAt.T).Seconds())
	}
	waiting, err := s.st.Scripts(ctx, a, station.ScriptFilter{Status: queue.Submitted, Limit: 1})
	if err != nil {
		return err
	}
	d.Waiting = waiting.Total
	if d.Expiring, err = s.st.Expiring(ctx, a, 7); err != nil {
		return err
	}
	from, to := s.st.HalfYear(s.now())
	if d.Coverage, err = s.st.Coverage(ctx, a, from, to); err != nil {
		return err
	}
	d.Half = from.Format(database.ShowDate) + " – " + to.AddDate(0, 0, -1).Format(database.ShowDate)
	s.render(w, r, http.StatusOK, "dashboard", view{Title: "Tổng quan", Nav: "tong-quan", User: &u, Data: d})
	return nil
}

// programmeTitles maps programme codes to their titles, from the schedule
// files as they are now (empty if they cannot be read: callers show codes).
func (s *Server) programmeTitles(ctx context.Context) map[string]string {
	m := map[string]string{}
	progs, err := s.st.Programmes(ctx, s.now())
	if err != nil {
		return m
	}
	for _, p := range progs {
		if p.Title != "" {
			m[p.Name] = p.Title
		}
	}
	return m
}

// --- Bài phát

type scriptList struct {
	Page   station.Page[queue.Script]
	Query  url.Values
	Prev   int
	Next   int
	Action string
}

func (s *Server) listScripts(r *http.Request, u users.User, f station.ScriptFilter) (scriptList, error) {
	p, err := s.st.Scripts(r.Context(), actorOf(u), f)
	if err != nil {
		return scriptList{}, err
	}
	l := scriptList{Page: p, Query: r.URL.Query(), Prev: -1, Next: -1}
	if f.Offset > 0 {
		l.Prev = max(0, f.Offset-f.Limit)
	}
	if f.Offset+f.Limit < p.Total {
		l.Next = f.Offset + f.Limit
	}
	return l, nil
}

func (s *Server) scriptsPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	f, err := s.scriptFilter(r)
	if err != nil {
		return err
	}
	f.Newest = true
	l, err := s.listScripts(r, u, f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "scripts", view{Title: "Bài phát", Nav: "bai-phat", User: &u, Data: l})
	return nil
}

func (s *Server) approvalsPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	f, err := s.scriptFilter(r)
	if err != nil {
		return err
	}
	f.Status = queue.Submitted
	l, err := s.listScripts(r, u, f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "approvals", view{Title: "Duyệt bài", Nav: "duyet", User: &u, Data: l})
	return nil
}

func (s *Server) newScriptPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	if !u.Role.Can(users.EditScripts) {
		return fmt.Errorf("new script form: %w", station.ErrForbidden)
	}
	s.render(w, r, http.StatusOK, "new", view{Title: "Thêm bài", Nav: "bai-phat", User: &u, Data: formData{MaxMB: s.st.Config.Web.MaxUploadMB}})
	return nil
}

// addScriptForm takes the upload form. The page's script sends it with
// XMLHttpRequest to show upload progress and wants JSON back; without
// script the browser posts it and gets a page.
func (s *Server) addScriptForm(w http.ResponseWriter, r *http.Request, u users.User) error {
	xhr := r.Header.Get("X-Requested-With") == "loa"
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
	}
	var typed map[string]string // what was sent, to show again with the error
	err := s.scriptForm(w, r, id != 0, func(f queue.Fields, form map[string]string) error {
		typed = form
		if !csrfOK(r, form[csrfField]) {
			return errCSRF
		}
		var sc queue.Script
		var err error
		if id != 0 {
			sc, _, err = s.st.EditScript(r.Context(), actorOf(u), id, f)
		} else {
			sc, _, err = s.addScript(r.Context(), actorOf(u), f, form)
		}
		if err != nil {
			return err
		}
		loc := "/bai-phat/" + strconv.FormatInt(sc.ID, 10)
		if id != 0 {
			loc += "?ok=sua"
		}
		if xhr {
			writeJSON(w, http.StatusCreated, map[string]any{"id": sc.ID, "url": loc})
		} else {
			http.Redirect(w, r, loc, http.StatusSeeOther)
		}
		return nil
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errCSRF) && xhr:
		writeJSON(w, http.StatusForbidden, apiError{Error: "Thiếu mã CSRF: hãy tải lại trang.", Code: "csrf"})
		return nil
	case errors.Is(err, errCSRF):
		s.forbidden(w, r, &u)
		return nil
	case xhr:
		s.apiFail(w, r, err)
		return nil
	}
	code := httpStatus(err)
	if code >= 500 || code == http.StatusForbidden {
		return err
	}
	msg, field := s.message(err)
	d := formData{MaxMB: s.st.Config.Web.MaxUploadMB}
	if id != 0 {
		if d.Script, err = s.st.Script(r.Context(), actorOf(u), id); err != nil {
			return err
		}
	}
	if typed != nil {
		sc := &d.Script
		sc.Title, sc.Topic, sc.Area, sc.Audience = typed["title"], typed["topic"], typed["area"], typed["audience"]
		sc.Priority, sc.Author, sc.From, sc.Until, sc.Body = typed["priority"], typed["author"], typed["from"], typed["until"], typed["text"]
		sc.MaxPlays = nil
		if n, err := strconv.Atoi(typed["max_plays"]); err == nil {
			sc.MaxPlays = &n
		}
	}
	s.render(w, r, code, "new", view{Title: "Thêm bài", Nav: "bai-phat", User: &u, Error: msg, Field: field, Data: d})
	return nil
}

// formData fills the add and edit form: an edit shows the script's values.
type formData struct {
	MaxMB  int
	Script queue.Script // zero when adding
}

func (s *Server) editScriptPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	if !u.Role.Can(users.EditScripts) {
		return fmt.Errorf("edit script form: %w", station.ErrForbidden)
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sc, err := s.st.Script(r.Context(), actorOf(u), id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "new", view{Title: "Sửa bài", Nav: "bai-phat", User: &u,
		Data: formData{MaxMB: s.st.Config.Web.MaxUploadMB, Script: sc}})
	return nil
}

var errCSRF = errors.New("missing or wrong CSRF token")

type scriptDetail struct {
	Script  queue.Script
	History []queue.Event
}

func (s *Server) scriptPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a := actorOf(u)
	sc, err := s.st.Script(r.Context(), a, id)
	if err != nil {
		return err
	}
	h, err := s.st.History(r.Context(), a, id)
	if err != nil {
		return err
	}
	v := view{Title: sc.Title, Nav: "bai-phat", User: &u, Data: scriptDetail{sc, h}}
	switch r.URL.Query().Get("ok") {
	case "duyet":
		v.Notice = "Đã duyệt bài."
	case "tu-choi":
		v.Notice = "Đã từ chối bài."
	case "ngung":
		v.Notice = "Đã ngừng sử dụng bài."
	case "sua":
		v.Notice = "Đã lưu thay đổi."
		if sc.Status == queue.Submitted {
			v.Notice += " Bài cần được duyệt (lại) trước khi phát."
		}
	}
	s.render(w, r, http.StatusOK, "script", v)
	return nil
}

// scriptAudio plays the recording the page showed: the page links it with
// its SHA-256, and a recording replaced since is not served in its place.
func (s *Server) scriptAudio(w http.ResponseWriter, r *http.Request, u users.User) error {
	if want := r.URL.Query().Get("sha256"); want != "" {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		sc, err := s.st.Script(r.Context(), actorOf(u), id)
		if err != nil {
			return err
		}
		if sc.AudioSHA256 != want {
			return fmt.Errorf("audio of script %d changed: %w", id, station.ErrConflict)
		}
	}
	return s.serveAudio(w, r, actorOf(u))
}

func (s *Server) decided(w http.ResponseWriter, r *http.Request, id int64, what string, err error) error {
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/bai-phat/"+strconv.FormatInt(id, 10)+"?ok="+what, http.StatusSeeOther)
	return nil
}

func (s *Server) approveScript(w http.ResponseWriter, r *http.Request, u users.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sum := r.PostForm.Get("sha256")
	if sum == "" {
		return inputerr.Field("sha256", "required", "approve: the SHA-256 of the recording played is required")
	}
	_, err = s.st.Approve(r.Context(), actorOf(u), id, sum, r.PostForm.Get("note"))
	return s.decided(w, r, id, "duyet", err)
}

func (s *Server) rejectScript(w http.ResponseWriter, r *http.Request, u users.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_, err = s.st.Reject(r.Context(), actorOf(u), id, r.PostForm.Get("note"))
	return s.decided(w, r, id, "tu-choi", err)
}

func (s *Server) retireScript(w http.ResponseWriter, r *http.Request, u users.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_, err = s.st.Retire(r.Context(), actorOf(u), id, r.PostForm.Get("note"))
	return s.decided(w, r, id, "ngung", err)
}

// --- Lịch phát

type calDay struct {
	Date time.Time
	Runs []station.Planned
}

type calendar struct {
	Days       []calDay
	Month      bool
	Prev, Next string
	Heading    string
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	loc := s.st.Location()
	now := s.now().In(loc)
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if v := r.URL.Query().Get("tu"); v != "" {
		t, err := time.ParseInLocation(database.DateFormat, v, loc)
		if err != nil {
			return inputerr.Field("from", "invalid", "calendar: %q is not a date", v)
		}
		start = t
	}
	month := r.URL.Query().Get("xem") == "thang"
	var end time.Time
	c := calendar{Month: month}
	if month {
		start = time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, loc)
		end = start.AddDate(0, 1, 0)
		c.Prev = "?xem=thang&tu=" + start.AddDate(0, -1, 0).Format(database.DateFormat)
		c.Next = "?xem=thang&tu=" + end.Format(database.DateFormat)
		c.Heading = "Tháng " + start.Format("01/2006")
	} else {
		start = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7)) // Monday
		end = start.AddDate(0, 0, 7)
		c.Prev = "?tu=" + start.AddDate(0, 0, -7).Format(database.DateFormat)
		c.Next = "?tu=" + end.Format(database.DateFormat)
		c.Heading = "Tuần " + start.Format(database.ShowDayMonth) + " – " + end.AddDate(0, 0, -1).Format(database.ShowDate)
	}
	from := start
	if from.Before(now) {
		from = now // the past is in the log, not the forecast
	}
	var runs []station.Planned
	if from.Before(end) {
		var err error
		if runs, err = s.st.Forecast(r.Context(), actorOf(u), from, end, 0); err != nil {
			return err
		}
	}
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		day := calDay{Date: d}
		for _, run := range runs {
			if t := run.At.T.In(loc); !t.Before(d) && t.Before(d.AddDate(0, 0, 1)) {
				day.Runs = append(day.Runs, run)
			}
		}
		c.Days = append(c.Days, day)
	}
	s.render(w, r, http.StatusOK, "calendar", view{Title: "Lịch phát", Nav: "lich-phat", User: &u, Data: c})
	return nil
}

// --- Nhật ký phát

type logView struct {
	Page  station.Page[station.LogItem]
	Query url.Values
	// Older is the next page back in time: the same filter ending at the
	// last item shown (a bound, not an offset, so page 20,000 costs what
	// page 1 does).
	Older  string
	Newest string
	Titles map[string]string // programme code → title, from the schedule files
}

func (s *Server) logPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	f, err := s.logFilter(r)
	if err != nil {
		return err
	}
	p, err := s.st.LogItems(r.Context(), actorOf(u), f)
	if err != nil {
		return err
	}
	v := logView{Page: p, Query: r.URL.Query(), Titles: s.programmeTitles(r.Context())}
	if n := len(p.Items); n > 0 && f.Offset+n < p.Total {
		q := url.Values{}
		for k, vs := range v.Query {
			q[k] = vs
		}
		q.Del("offset")
		q.Set("to", p.Items[n-1].StartedAt.T.UTC().Format(time.RFC3339Nano))
		v.Older = "?" + q.Encode()
	}
	if v.Query.Has("to") || v.Query.Has("offset") {
		q := url.Values{}
		for k, vs := range v.Query {
			q[k] = vs
		}
		q.Del("offset")
		q.Del("to")
		v.Newest = "?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, "log", view{Title: "Nhật ký phát", Nav: "nhat-ky", User: &u, Data: v})
	return nil
}

// --- Báo cáo, Mô phỏng

type reportView struct {
	Period   string
	Words    string // the period in Vietnamese: "6 tháng cuối năm 2026"
	Choices  []periodChoice
	Coverage []station.TopicCoverage
	Formats  []string
}

// periodChoice is a period offered on Báo cáo, by its spec and its name.
type periodChoice struct{ Spec, Words string }

// periodChoices are the periods a commune reports on, around now: this and
// last month, this quarter, this and last half-year, this and last year.
func periodChoices(now time.Time) []periodChoice {
	y, m := now.Year(), int(now.Month())
	last := time.Date(y, time.Month(m), 1, 12, 0, 0, 0, now.Location()).AddDate(0, -1, 0)
	half, lastHalf := fmt.Sprintf("%d-H1", y), fmt.Sprintf("%d-H2", y-1)
	if m > 6 {
		half, lastHalf = fmt.Sprintf("%d-H2", y), fmt.Sprintf("%d-H1", y)
	}
	var out []periodChoice
	for _, spec := range []string{now.Format("2006-01"), last.Format("2006-01"), fmt.Sprintf("%d-Q%d", y, (m-1)/3+1),
		half, lastHalf, strconv.Itoa(y), strconv.Itoa(y - 1)} {
		if p, err := report.ParsePeriod(spec, now.Location()); err == nil {
			out = append(out, periodChoice{spec, report.PeriodWords(p)})
		}
	}
	return out
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	period := r.URL.Query().Get("period")
	if period == "" {
		period = s.now().In(s.st.Location()).Format("2006-01")
	}
	choices := periodChoices(s.now().In(s.st.Location()))
	p, err := report.ParsePeriod(period, s.st.Location())
	if err != nil {
		v := view{Title: "Báo cáo", Nav: "bao-cao", User: &u, Error: "Kỳ báo cáo không hợp lệ: dùng 2026, 2026-H1, 2026-Q3 hoặc 2026-06.",
			Data: reportView{Period: period, Choices: choices}}
		s.render(w, r, http.StatusBadRequest, "report", v)
		return nil
	}
	cov, err := s.st.Coverage(r.Context(), actorOf(u), p.Start, p.End)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "report", view{Title: "Báo cáo", Nav: "bao-cao", User: &u,
		Data: reportView{Period: period, Words: report.PeriodWords(p), Choices: choices, Coverage: cov, Formats: report.Formats}})
	return nil
}

func (s *Server) reportDownload(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.writeReport(w, r, actorOf(u))
}

type simView struct {
	From, To string
	Runs     int
	Coverage []station.TopicCoverage
}

func (s *Server) simulatePage(w http.ResponseWriter, r *http.Request, u users.User) error {
	loc := s.st.Location()
	now := s.now().In(loc)
	v := simView{From: r.URL.Query().Get("tu"), To: r.URL.Query().Get("den")}
	if v.From == "" {
		v.From = now.Format(database.DateFormat)
	}
	if v.To == "" {
		v.To = now.AddDate(0, 1, 0).Format(database.DateFormat)
	}
	from, err1 := time.ParseInLocation(database.DateFormat, v.From, loc)
	to, err2 := time.ParseInLocation(database.DateFormat, v.To, loc)
	page := view{Title: "Mô phỏng", Nav: "mo-phong", User: &u}
	if err1 != nil || err2 != nil {
		page.Error = "Ngày không hợp lệ (YYYY-MM-DD)."
	} else {
		cov, runs, err := s.st.SimulatedCoverage(r.Context(), actorOf(u), from, to.AddDate(0, 0, 1))
		if err != nil && httpStatus(err) != http.StatusBadRequest {
			return err
		}
		if err != nil {
			page.Error, _ = s.message(err)
		}
		v.Coverage, v.Runs = cov, runs
	}
	page.Data = v
	s.render(w, r, http.StatusOK, "simulate", page)
	return nil
}

// --- Người dùng

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	list, err := s.st.ListUsers(r.Context(), actorOf(u))
	if err != nil {
		return err
	}
	v := view{Title: "Người dùng", Nav: "nguoi-dung", User: &u, Data: list}
	if ok := r.URL.Query().Get("ok"); ok != "" {
		v.Notice = "Đã lưu thay đổi của " + ok + "."
	}
	s.render(w, r, http.StatusOK, "users", v)
	return nil
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request, u users.User) error {
	a := actorOf(u)
	f := r.PostForm
	nu, err := s.st.AddUser(r.Context(), a, strings.TrimSpace(f.Get("username")), users.Role(f.Get("role")), f.Get("password"))
	if err != nil {
		if httpStatus(err) != http.StatusBadRequest {
			return err
		}
		list, lerr := s.st.ListUsers(r.Context(), a)
		if lerr != nil {
			return lerr
		}
		msg, field := s.message(err)
		s.render(w, r, http.StatusBadRequest, "users", view{Title: "Người dùng", Nav: "nguoi-dung", User: &u, Error: msg, Field: field, Data: list})
		return nil
	}
	http.Redirect(w, r, "/nguoi-dung?ok="+url.QueryEscape(nu.Name), http.StatusSeeOther)
	return nil
}

func (s *Server) changeUser(w http.ResponseWriter, r *http.Request, u users.User) error {
	a := actorOf(u)
	name := r.PathValue("name")
	f := r.PostForm
	var err error
	switch f.Get("action") {
	case "disable":
		err = s.st.SetDisabled(r.Context(), a, name, true)
	case "enable":
		err = s.st.SetDisabled(r.Context(), a, name, false)
	case "role":
		err = s.st.SetRole(r.Context(), a, name, users.Role(f.Get("role")))
	case "password":
		err = s.st.SetPassword(r.Context(), a, name, f.Get("password"))
	default:
		err = inputerr.Field("action", "invalid", "user action %q", f.Get("action"))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/nguoi-dung?ok="+url.QueryEscape(name), http.StatusSeeOther)
	return nil
}

// --- Đổi mật khẩu: anyone, for their own account

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request, u users.User) error {
	s.render(w, r, http.StatusOK, "password", view{Title: "Đổi mật khẩu", Nav: "mat-khau", User: &u})
	return nil
}

// changePassword checks the current password (wrong ones count towards the
// sign-in throttle) and, once changed, sends the user to sign in again: the
// change ended every session of theirs.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, u users.User) error {
	keys := []string{"user:" + u.Name, "addr:" + clientAddr(r)}
	if s.throttle.blocked(keys...) {
		s.render(w, r, http.StatusTooManyRequests, "password", view{Title: "Đổi mật khẩu", Nav: "mat-khau", User: &u,
			Error: "Nhập sai mật khẩu quá nhiều lần. Hãy đợi 15 phút rồi thử lại."})
		return nil
	}
	err := s.st.ChangePassword(r.Context(), actorOf(u), r.PostForm.Get("current"), r.PostForm.Get("password"))
	if err != nil {
		if _, code := inputerr.FieldOf(err); code == "wrong" {
			s.throttle.fail(keys...)
		}
		if httpStatus(err) != http.StatusBadRequest {
			return err
		}
		msg, field := s.message(err)
		s.render(w, r, http.StatusBadRequest, "password", view{Title: "Đổi mật khẩu", Nav: "mat-khau", User: &u, Error: msg, Field: field})
		return nil
	}
	s.log.Info("password changed", "user", u.Name, "remote", clientAddr(r))
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/dang-nhap", http.StatusSeeOther)
	return nil
}
