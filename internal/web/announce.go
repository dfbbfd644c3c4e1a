package web

import (
	"errors"
	"fmt"
	"io"
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
	form := map[string]string{}
	var order station.AnnounceOrder
	send := func(audio *queue.Upload) error {
		if !csrfOK(r, form[csrfField]) {
			return errCSRF
		}
		order.Audio = audio
		order.Title, order.Topic, order.Level = strings.TrimSpace(form["title"]), form["topic"], form["level"]
		order.Now = form["now"] != ""
		order.Repeat = 1
		if v := strings.TrimSpace(form["repeat"]); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return inputerr.Field("repeat", "invalid", "repeat: %q", v)
			}
			order.Repeat = n
		}
		order.Interval = 10 * time.Second
		if v := strings.TrimSpace(form["interval_min"]); v != "" {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || n < 0 {
				return inputerr.Field("interval", "invalid", "interval: %q", v)
			}
			order.Interval = max(order.Interval, time.Duration(n*float64(time.Minute)))
		}
		if v := strings.TrimSpace(form["script"]); v != "" && audio == nil {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return inputerr.Field("script", "invalid", "script: %q", v)
			}
			order.ScriptID = id
		}
		rep, err := s.st.Announce(r.Context(), actorOf(u), order)
		if err != nil {
			return err
		}
		return s.renderAnnounce(w, r, u, http.StatusOK, "", "", &rep)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return wrapBodyErr(err)
		}
		if part.FormName() == "audio" && part.FileName() != "" {
			err = send(&queue.Upload{Name: part.FileName(), R: part})
			return s.announceFailed(w, r, u, err)
		}
		b, err := io.ReadAll(io.LimitReader(part, 64<<10))
		if err != nil {
			return wrapBodyErr(err)
		}
		form[part.FormName()] = string(b)
	}
	return s.announceFailed(w, r, u, send(nil))
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
