package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"loa/internal/control"
	"loa/internal/inputerr"
	"loa/internal/queue"
	"loa/internal/station"
	"loa/internal/users"
)

// announceView is the urgent announcement form and, after sending, where it
// went on air.
type announceView struct {
	Approved []queue.Script
	Reply    *control.AnnounceReply
}

func (s *Server) announcePage(w http.ResponseWriter, r *http.Request, u users.User) error {
	return s.renderAnnounce(w, r, u, http.StatusOK, "", "", nil)
}

func (s *Server) renderAnnounce(w http.ResponseWriter, r *http.Request, u users.User, code int, msg, field string, rep *control.AnnounceReply) error {
	if !u.Role.Can(users.Approve) {
		return fmt.Errorf("announce: %w", station.ErrForbidden)
	}
	p, err := s.st.Scripts(r.Context(), actorOf(u), station.ScriptFilter{Status: queue.Approved, Newest: true, Limit: 200})
	if err != nil {
		return err
	}
	v := view{Title: "Phát khẩn", Nav: "phat-khan", User: &u, Error: msg, Field: field, Data: announceView{Approved: p.Items, Reply: rep}}
	if rep != nil {
		v.Notice = "Đã đưa lên sóng (" + modeLabel(rep.Mode) + ")."
	}
	s.render(w, r, code, "announce", v)
	return nil
}

// modeLabel says in Vietnamese how an announcement went on air.
func modeLabel(mode string) string {
	switch mode {
	case control.ModePreempted:
		return "cắt ngang mục đang phát"
	case control.ModeAfterItem:
		return "phát ngay sau mục đang phát"
	case control.ModeQueued:
		return "xếp sau thông báo đang phát"
	case control.ModeOwnRun:
		return "phát ngay"
	case control.ModeNextRun:
		return "đầu chương trình sắp tới"
	case control.ModeSlotEnded:
		return "chương trình bị cắt kết thúc sau thông báo"
	}
	return mode
}

// announce reads the form as a stream (fields, then the recording, which
// goes into the store unread) and hands the order to the daemon.
func (s *Server) announce(w http.ResponseWriter, r *http.Request, u users.User) error {
	s.limitBody(w, r)
	mr, err := r.MultipartReader()
	if err != nil {
		return inputerr.Field("audio", "invalid", "want a multipart/form-data body: %v", err)
	}
	form, audio, err := formUntilAudio(mr, 64<<10)
	if err != nil {
		return err
	}
	send := func(audio *queue.Upload) error {
		if !csrfOK(r, form[csrfField]) {
			return errCSRF
		}
		order, err := announceOrder(form, audio)
		if err != nil {
			return err
		}
		rep, err := s.st.Announce(r.Context(), actorOf(u), order)
		if err != nil {
			return err
		}
		return s.renderAnnounce(w, r, u, http.StatusOK, "", "", &rep)
	}
	return s.announceFailed(w, r, u, send(audio))
}

func (s *Server) announceFailed(w http.ResponseWriter, r *http.Request, u users.User, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errCSRF):
		s.forbidden(w, r, &u)
		return nil
	}
	code := httpStatus(err)
	if code == http.StatusInternalServerError || code == http.StatusForbidden {
		return err
	}
	msg, field := s.message(err)
	return s.renderAnnounce(w, r, u, code, msg, field, nil)
}

// announceOrder reads an announcement order from form fields (the
// console's form, the API's multipart body): script or the audio part,
// title, topic, level, repeat, now, and the interval as interval_min (the
// form) or interval_s (the API). Left out, repeat is 1 and the interval the
// daemon's default.
func announceOrder(form map[string]string, audio *queue.Upload) (station.AnnounceOrder, error) {
	o := station.AnnounceOrder{Audio: audio, Title: strings.TrimSpace(form["title"]), Topic: form["topic"],
		Level: form["level"], Repeat: 1}
	switch strings.TrimSpace(form["now"]) {
	case "", "0", "false":
	default:
		o.Now = true
	}
	if v := strings.TrimSpace(form["repeat"]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return o, inputerr.Field("repeat", "invalid", "repeat: %q", v)
		}
		o.Repeat = n
	}
	if v := strings.TrimSpace(form["interval_min"]); v != "" {
		// The console's minutes: 0 (or anything shorter) is the shortest.
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < 0 {
			return o, inputerr.Field("interval", "invalid", "interval: %q", v)
		}
		o.Interval = max(control.MinInterval, time.Duration(n*float64(time.Minute)))
	}
	if v := strings.TrimSpace(form["interval_s"]); v != "" {
		// The API's seconds, as given: out of range is refused.
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return o, inputerr.Field("interval", "invalid", "interval_s: %q", v)
		}
		o.Interval = time.Duration(n * float64(time.Second))
	}
	if v := strings.TrimSpace(form["script"]); v != "" && audio == nil {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return o, inputerr.Field("script", "invalid", "script: %q", v)
		}
		o.ScriptID = id
	}
	return o, nil
}

// announceJSON is the JSON body of POST /api/v1/announce (an approved
// script; a recording comes as multipart/form-data with the same fields).
type announceJSON struct {
	Script    int64   `json:"script"`
	Title     string  `json:"title"`
	Topic     string  `json:"topic"`
	Level     string  `json:"level"`
	Repeat    int     `json:"repeat"`
	IntervalS float64 `json:"interval_s"`
	Now       bool    `json:"now"`
}

// apiAnnounce puts an urgent announcement on air through the running
// daemon: a JSON body naming an approved script, or a multipart body with
// the recording in its "audio" part (last, streamed into the store).
func (s *Server) apiAnnounce(w http.ResponseWriter, r *http.Request, a station.Actor) error {
	var order station.AnnounceOrder
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		var b announceJSON
		if err := readJSON(r, &b); err != nil {
			return err
		}
		if b.Script <= 0 {
			return inputerr.Field("script", "required", "script: an approved script id is required (or send the recording as multipart/form-data)")
		}
		order = station.AnnounceOrder{ScriptID: b.Script, Title: strings.TrimSpace(b.Title), Topic: b.Topic, Level: b.Level,
			Repeat: b.Repeat, Interval: time.Duration(b.IntervalS * float64(time.Second)), Now: b.Now}
	} else {
		s.limitBody(w, r)
		if cl := r.ContentLength; cl > int64(s.st.Config.Web.MaxUploadMB)<<20 {
			return &http.MaxBytesError{Limit: int64(s.st.Config.Web.MaxUploadMB) << 20}
		}
		mr, err := r.MultipartReader()
		if err != nil {
			return inputerr.Field("body", "invalid", "want application/json or multipart/form-data: %v", err)
		}
		form, audio, err := formUntilAudio(mr, 64<<10)
		if err != nil {
			return err
		}
		if order, err = announceOrder(form, audio); err != nil {
			return err
		}
	}
	rep, err := s.st.Announce(r.Context(), a, order)
	if err != nil {
		return err
	}
	rep.At = rep.At.In(s.st.Location()) // the API's times are in the station's zone
	writeJSON(w, http.StatusOK, rep)
	return nil
}
