package station

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/queue"
	"loa/internal/users"
)

// AddScript queues a new script submitted by a. Audio and text arrive as
// streams (queue.Upload) with the queue's size cap; the warnings are about
// the script added.
func (s *Station) AddScript(ctx context.Context, a Actor, f queue.Fields) (queue.Script, []queue.Warning, error) {
	if err := a.can(users.EditScripts, "add script"); err != nil {
		return queue.Script{}, nil, err
	}
	defer s.forecasts.changed()
	return s.Queue.Add(ctx, f, a.Name)
}

// EditScript changes a script; a change of what airs voids its approval.
// New text for a script spoken by the computer is spoken again (the audio
// changes with it, so an approval is void), unless a recording comes too.
func (s *Station) EditScript(ctx context.Context, a Actor, id int64, f queue.Fields) (queue.Script, []queue.Warning, error) {
	if err := a.can(users.EditScripts, "edit script"); err != nil {
		return queue.Script{}, nil, err
	}
	if f.Text != nil && f.Audio == nil {
		cur, err := s.Queue.Get(ctx, id)
		if err != nil {
			return queue.Script{}, nil, err
		}
		if cur.Voice != nil {
			done, err := s.SpeakFields(ctx, a, &f)
			if err != nil {
				return queue.Script{}, nil, err
			}
			defer done()
		}
	}
	defer s.forecasts.changed()
	return s.Queue.Edit(ctx, id, f, a.Name)
}

// Approve approves script id for a, only if its audio is still the
// recording whose SHA-256 the approver heard (sha256: the full hash from
// the console or API, or a prefix of at least 8 digits from the command
// line). A different recording is ErrConflict (and an input error).
func (s *Station) Approve(ctx context.Context, a Actor, id int64, sha256, note string) (queue.Script, error) {
	if err := a.can(users.Approve, "approve script"); err != nil {
		return queue.Script{}, err
	}
	defer s.forecasts.changed()
	sc, err := s.Queue.Approve(ctx, id, a.Name, note, sha256)
	if nh := (*queue.NotHeardError)(nil); errors.As(err, &nh) {
		return sc, conflict{err}
	}
	return sc, err
}

// conflict marks err as ErrConflict without changing its message.
type conflict struct{ error }

func (c conflict) Unwrap() []error { return []error{c.error, ErrConflict} }

// Reject rejects script id, with the reason.
func (s *Station) Reject(ctx context.Context, a Actor, id int64, reason string) (queue.Script, error) {
	if err := a.can(users.Approve, "reject script"); err != nil {
		return queue.Script{}, err
	}
	if strings.TrimSpace(reason) == "" {
		return queue.Script{}, inputerr.Field("note", "required", "reject: a reason is required")
	}
	defer s.forecasts.changed()
	return s.Queue.Reject(ctx, id, a.Name, reason)
}

// Retire takes script id out of use.
func (s *Station) Retire(ctx context.Context, a Actor, id int64, note string) (queue.Script, error) {
	if err := a.can(users.EditScripts, "retire script"); err != nil {
		return queue.Script{}, err
	}
	defer s.forecasts.changed()
	return s.Queue.Retire(ctx, id, a.Name, note)
}

// Script returns one script with its text.
func (s *Station) Script(ctx context.Context, a Actor, id int64) (queue.Script, error) {
	if err := a.can(users.View, "read script"); err != nil {
		return queue.Script{}, err
	}
	return s.Queue.Get(ctx, id)
}

// History returns a script's audit trail.
func (s *Station) History(ctx context.Context, a Actor, id int64) ([]queue.Event, error) {
	if err := a.can(users.View, "read script history"); err != nil {
		return nil, err
	}
	return s.Queue.History(ctx, id)
}

// ScriptFilter selects a page of the queue; empty fields match all.
type ScriptFilter struct {
	Status, Topic, Area, Audience string
	Query                         string // words in the title (case-insensitive)
	Newest                        bool   // newest first
	Limit, Offset                 int    // Limit 0: all
}

// Page is one page of a longer list.
type Page[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// Scripts lists the queue in id order, filtered by f.
func (s *Station) Scripts(ctx context.Context, a Actor, f ScriptFilter) (Page[queue.Script], error) {
	if err := a.can(users.View, "list scripts"); err != nil {
		return Page[queue.Script]{}, err
	}
	if f.Limit < 0 || f.Offset < 0 {
		return Page[queue.Script]{}, inputerr.Field("limit", "invalid", "limit and offset must not be negative")
	}
	if f.Limit > 0 { // one page from the database
		list, total, err := s.Queue.Page(ctx, queue.PageFilter{Status: f.Status, Topic: f.Topic, Area: f.Area,
			Audience: f.Audience, Title: strings.TrimSpace(f.Query), Newest: f.Newest, Limit: f.Limit, Offset: f.Offset})
		if err != nil {
			return Page[queue.Script]{}, err
		}
		return Page[queue.Script]{Items: list, Total: total, Limit: f.Limit, Offset: f.Offset}, nil
	}
	all, err := s.Queue.List(ctx, f.Status)
	if err != nil {
		return Page[queue.Script]{}, err
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	matched := all[:0]
	for _, sc := range all {
		if (f.Topic == "" || sc.Topic == f.Topic) && (f.Area == "" || sc.Area == f.Area) &&
			(f.Audience == "" || sc.Audience == f.Audience) && (q == "" || strings.Contains(strings.ToLower(sc.Title), q)) {
			matched = append(matched, sc)
		}
	}
	if f.Newest {
		slices.Reverse(matched)
	}
	return page(matched, f.Limit, f.Offset), nil
}

// Expiring lists approved scripts whose air window ends within days (at
// most 100).
func (s *Station) Expiring(ctx context.Context, a Actor, days int) ([]queue.Script, error) {
	if err := a.can(users.View, "list scripts"); err != nil {
		return nil, err
	}
	today := s.now().In(s.Location())
	list, _, err := s.Queue.Page(ctx, queue.PageFilter{Status: queue.Approved, UntilFrom: today.Format(database.DateFormat),
		UntilTo: today.AddDate(0, 0, days).Format(database.DateFormat), Limit: 100})
	return list, err
}

// page cuts one page out of list.
func page[T any](list []T, limit, offset int) Page[T] {
	p := Page[T]{Total: len(list), Limit: limit, Offset: offset}
	if offset >= len(list) {
		p.Items = []T{}
		return p
	}
	end := len(list)
	if limit > 0 && offset+limit < end {
		end = offset + limit
	}
	p.Items = list[offset:end]
	return p
}

// AudioFile opens the stored recording of script id for playback: by id
// only, never a path from the request. The caller closes it.
func (s *Station) AudioFile(ctx context.Context, a Actor, id int64) (*os.File, queue.Script, error) {
	sc, err := s.Script(ctx, a, id)
	if err != nil {
		return nil, sc, err
	}
	if sc.AudioSHA256 == "" {
		return nil, sc, fmt.Errorf("script %d has no audio: %w", id, queue.ErrNotFound)
	}
	f, err := os.Open(s.Content.Path(sc.AudioSHA256))
	if err != nil {
		return nil, sc, fmt.Errorf("open audio of script %d: %w", id, err)
	}
	return f, sc, nil
}

// IsNotFound reports whether err means the thing asked for does not exist.
func IsNotFound(err error) bool {
	return errors.Is(err, queue.ErrNotFound) || errors.Is(err, users.ErrNotFound)
}

// Statuses lists the script statuses in workflow order.
func Statuses() []string {
	return []string{queue.Submitted, queue.Approved, queue.Rejected, queue.Retired}
}
