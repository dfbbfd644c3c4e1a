package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"loa/internal/airlog"
	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/queue"
	"loa/internal/station"
)

// apiHandler is an API handler run for an authenticated actor.
type apiHandler func(w http.ResponseWriter, r *http.Request, a station.Actor) error

func (s *Server) apiRoutes() []route {
	return []route{
		{"GET /api/v1/openapi.json", s.openAPI},
		{"GET /api/v1/scripts", s.api(s.apiScripts)},
		{"POST /api/v1/scripts", s.api(s.apiAddScript)},
		{"GET /api/v1/scripts/{id}", s.api(s.apiScript)},
		{"GET /api/v1/scripts/{id}/audio", s.api(s.apiAudio)},
		{"POST /api/v1/scripts/{id}/approve", s.api(s.apiApprove)},
		{"POST /api/v1/scripts/{id}/reject", s.api(s.apiReject)},
		{"POST /api/v1/scripts/{id}/retire", s.api(s.apiRetire)},
		{"GET /api/v1/log", s.api(s.apiLog)},
		{"GET /api/v1/runs", s.api(s.apiRuns)},
		{"GET /api/v1/status", s.api(s.apiStatus)},
		{"GET /api/v1/schedule/next", s.api(s.apiNext)},
		{"GET /api/v1/report", s.api(s.apiReport)},
		{"POST /api/v1/announce", s.api(s.apiAnnounce)},
		{"/api/", s.apiNotFound},
	}
}

// api authenticates the Bearer token, runs h and turns its error into the
// JSON error shape.
func (s *Server) api(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.tokenUser(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="loa"`)
			writeJSON(w, http.StatusUnauthorized, apiError{Error: "Cần mã truy cập API hợp lệ (Authorization: Bearer …).", Code: "unauthorized"})
			return
		}
		if err := h(w, r, actorOf(u)); err != nil {
			s.apiFail(w, r, err)
		}
	}
}

type apiError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
	Code  string `json:"code,omitempty"`
}

func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	code := httpStatus(err)
	if code == http.StatusInternalServerError {
		s.log.Error("api", "path", r.URL.Path, "err", err)
	}
	msg, field := s.message(err)
	_, c := inputerr.FieldOf(err)
	writeJSON(w, code, apiError{Error: msg, Field: field, Code: c})
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, apiError{Error: "Không có địa chỉ API này.", Code: "not_found"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	b, _ := files.ReadFile("openapi.json")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b)
}

// pathID reads the {id} of the route.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, inputerr.Field("id", "invalid", "%q is not a script id", r.PathValue("id"))
	}
	return id, nil
}

// intParam reads a non-negative integer query parameter.
func intParam(r *http.Request, name string, def, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > max {
		return 0, inputerr.Field(name, "invalid", "%s: %q is not a number in 0..%d", name, v, max)
	}
	return n, nil
}

const maxPage = 1000

func pageParams(r *http.Request) (limit, offset int, err error) {
	if limit, err = intParam(r, "limit", 50, maxPage); err != nil {
		return
	}
	if limit == 0 {
		limit = 50
	}
	offset, err = intParam(r, "offset", 0, 1<<30)
	return
}

func (s *Server) scriptFilter(r *http.Request) (station.ScriptFilter, error) {
	q := r.URL.Query()
	f := station.ScriptFilter{Status: q.Get("status"), Topic: q.Get("topic"), Area: q.Get("area"),
		Audience: q.Get("audience"), Query: q.Get("q")}
	var err error
	f.Limit, f.Offset, err = pageParams(r)
	return f, err
}

func (s *Server) apiScripts(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	f, err := s.scriptFilter(r)
	if err != nil {
		return err
	}
	p, err := s.st.Scripts(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiScript(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sc, err := s.st.Script(r.Context(), a, id)
	if err != nil {
		return err
	}
	h, err := s.st.History(r.Context(), a, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		queue.Script
		History []queue.Event `json:"history"`
	}{sc, h})
	return nil
}

// limitBody caps a request body at web.max_upload_mb; reading past it
// fails with *http.MaxBytesError (413).
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, int64(s.st.Config.Web.MaxUploadMB)<<20)
}

// scriptForm reads a multipart script form as a stream: the text fields
// first, then the "audio" file part, which goes to the queue unread (it is
// streamed into the store, never held in memory), so it must come last.
// add runs once the fields are known, with the audio part if there is one.
func (s *Server) scriptForm(w http.ResponseWriter, r *http.Request, edit bool, add func(f queue.Fields, form map[string]string) error) error {
	s.limitBody(w, r)
	if cl := r.ContentLength; cl > int64(s.st.Config.Web.MaxUploadMB)<<20 {
		return &http.MaxBytesError{Limit: int64(s.st.Config.Web.MaxUploadMB) << 20}
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return inputerr.Field("audio", "invalid", "want a multipart/form-data body: %v", err)
	}
	form, audio, err := formUntilAudio(mr, 200<<10)
	if err != nil {
		return err
	}
	f, err := scriptFields(form, edit)
	if err != nil {
		return err
	}
	if audio != nil {
		f.Audio = audio
	}
	return add(f, form)
}

// formUntilAudio reads a multipart form as a stream: its text fields (each
// up to max bytes) until the "audio" file part, which it returns unread
// (nil when the form has none) so that the recording streams into the
// store, never held in memory; the audio part must come last.
func formUntilAudio(mr *multipart.Reader, max int64) (map[string]string, *queue.Upload, error) {
	form := map[string]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return form, nil, nil
		}
		if err != nil {
			return nil, nil, wrapBodyErr(err)
		}
		if part.FormName() == "audio" && part.FileName() != "" {
			return form, &queue.Upload{Name: part.FileName(), R: part}, nil
		}
		b, err := io.ReadAll(io.LimitReader(part, max))
		if err != nil {
			return nil, nil, wrapBodyErr(err)
		}
		form[part.FormName()] = string(b)
	}
}

func wrapBodyErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return inputerr.Field("audio", "invalid", "read form: %v", err)
}

// scriptFields turns form fields into queue fields. Adding, a field present
// and non-empty is set; editing, a field present is set even when empty
// (clearing an area, a window or the play limit), except the text, which
// an empty field leaves as it is.
func scriptFields(form map[string]string, edit bool) (queue.Fields, error) {
	var f queue.Fields
	str := func(name string) *string {
		v, ok := form[name]
		if !ok || (!edit && strings.TrimSpace(v) == "") {
			return nil
		}
		return &v
	}
	f.Title, f.Topic, f.Area, f.Audience = str("title"), str("topic"), str("area"), str("audience")
	f.Author, f.Priority, f.From, f.Until = str("author"), str("priority"), str("from"), str("until")
	if v := str("max_plays"); v != nil {
		n := 0
		if strings.TrimSpace(*v) != "" {
			var err error
			if n, err = strconv.Atoi(strings.TrimSpace(*v)); err != nil || n < 0 {
				return f, inputerr.Field("max_plays", "invalid", "max_plays: %q is not a number", *v)
			}
		}
		f.MaxPlays = &n
	}
	if v, ok := form["text"]; ok && strings.TrimSpace(v) != "" {
		f.Text = &queue.Upload{Name: "text", R: strings.NewReader(v), Size: int64(len(v))}
	}
	return f, nil
}

// addScript queues a new script from a form: its audio is the uploaded
// recording, or, with "tts" set (the console's "Đọc từ văn bản"), its text
// read by the station's engine.
func (s *Server) addScript(ctx context.Context, a station.Actor, f queue.Fields, form map[string]string) (queue.Script, []queue.Warning, error) {
	switch strings.ToLower(strings.TrimSpace(form["tts"])) {
	case "", "0", "false", "off":
		return s.st.AddScript(ctx, a, f)
	}
	return s.st.AddSpokenScript(ctx, a, f)
}

func (s *Server) apiAddScript(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	return s.scriptForm(w, r, false, func(f queue.Fields, form map[string]string) error {
		sc, warn, err := s.addScript(r.Context(), a, f, form)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/scripts/"+strconv.FormatInt(sc.ID, 10))
		writeJSON(w, http.StatusCreated, struct {
			queue.Script
			Warnings []queue.Warning `json:"warnings,omitempty"`
		}{sc, warn})
		return nil
	})
}

// serveAudio sends a script's stored recording; http.ServeContent answers
// Range requests (206) so the player can seek.
func (s *Server) serveAudio(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, sc, err := s.st.AudioFile(r.Context(), a, id)
	if err != nil {
		return err
	}
	defer f.Close()
	ctype := "audio/mpeg"
	if sc.AudioFormat == "wav" {
		ctype = "audio/wav"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Audio-SHA256", sc.AudioSHA256)
	w.Header().Set("ETag", `"`+sc.AudioSHA256+`"`)
	w.Header().Set("Cache-Control", "private, max-age=0")
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

func (s *Server) apiAudio(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	return s.serveAudio(w, r, a)
}

// readJSON decodes a small JSON body into v.
func readJSON(r *http.Request, v any) error {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		return inputerr.Field("body", "invalid", "want Content-Type: application/json")
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return inputerr.Field("body", "invalid", "bad JSON body: %v", err)
	}
	return nil
}

type decision struct {
	SHA256 string `json:"sha256"`
	Note   string `json:"note"`
}

func (s *Server) apiApprove(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	return s.decide(w, r, a, func(id int64, d decision) (queue.Script, error) {
		if strings.TrimSpace(d.SHA256) == "" {
			return queue.Script{}, inputerr.Field("sha256", "required", "sha256 of the recording heard is required")
		}
		return s.st.Approve(r.Context(), a, id, d.SHA256, d.Note)
	})
}

func (s *Server) apiReject(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	return s.decide(w, r, a, func(id int64, d decision) (queue.Script, error) {
		return s.st.Reject(r.Context(), a, id, d.Note)
	})
}

func (s *Server) apiRetire(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	return s.decide(w, r, a, func(id int64, d decision) (queue.Script, error) {
		return s.st.Retire(r.Context(), a, id, d.Note)
	})
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request, a station.Actor, do func(int64, decision) (queue.Script, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var d decision
	if r.ContentLength != 0 {
		if err := readJSON(r, &d); err != nil {
			return err
		}
	}
	sc, err := do(id, d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

// instant reads a query time: a local date YYYY-MM-DD (its start; as "to",
// the end of that day) or RFC 3339.
func (s *Server) instant(r *http.Request, name string, endOfDay bool) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation(database.DateFormat, v, s.st.Location())
	if err != nil {
		return t, inputerr.Field(name, "invalid", "%s: %q is not a date YYYY-MM-DD or RFC 3339 time", name, v)
	}
	if endOfDay {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

func (s *Server) logFilter(r *http.Request) (station.LogFilter, error) {
	var f station.LogFilter
	var err error
	if f.From, err = s.instant(r, "from", false); err != nil {
		return f, err
	}
	if f.To, err = s.instant(r, "to", true); err != nil {
		return f, err
	}
	f.Filter = airlog.Filter{From: f.From, To: f.To, Programme: r.URL.Query().Get("programme")}
	f.Limit, f.Offset, err = pageParams(r)
	return f, err
}

func (s *Server) apiLog(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	f, err := s.logFilter(r)
	if err != nil {
		return err
	}
	p, err := s.st.LogItems(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	f, err := s.logFilter(r)
	if err != nil {
		return err
	}
	p, err := s.st.LogRuns(r.Context(), a, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiStatus(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	st, err := s.st.Status(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// reportTypes are the download types of the report formats.
func reportType(format string) string {
	switch format {
	case "pdf":
		return "application/pdf"
	case "docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "csv", "csv-summary":
		return "text/csv; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

func (s *Server) writeReport(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	q := r.URL.Query()
	period, format := q.Get("period"), q.Get("format")
	if period == "" {
		return inputerr.Field("period", "required", "period is required (2026, 2026-H1, 2026-Q3, 2026-06)")
	}
	b, err := s.st.Report(r.Context(), a, period, format)
	if err != nil {
		return err
	}
	ext := format
	if format == "csv-summary" {
		ext = "csv"
	}
	w.Header().Set("Content-Type", reportType(format))
	if format != "json" {
		w.Header().Set("Content-Disposition", `attachment; filename="bao-cao-`+period+"."+ext+`"`)
	}
	w.Write(b)
	return nil
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	return s.writeReport(w, r, a)
}

func (s *Server) apiNext(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	n, err := intParam(r, "count", 10, 1000)
	if err != nil {
		return err
	}
	if n == 0 {
		n = 10
	}
	from, err := s.instant(r, "from", false)
	if err != nil {
		return err
	}
	if from.IsZero() {
		from = s.now()
	}
	runs, err := s.st.Forecast(r.Context(), a, from, time.Time{}, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, runs)
	return nil
}
