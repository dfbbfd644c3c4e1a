package station

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"loa/internal/control"
	"loa/internal/inputerr"
	"loa/internal/queue"
	"loa/internal/taxonomy"
	"loa/internal/users"
)

// AnnounceOrder is an urgent announcement as an approver orders it: a
// recording (stored like a script's audio) or an approved script.
type AnnounceOrder struct {
	Audio    *queue.Upload // the recording; or
	ScriptID int64         // an approved script
	Title    string        // default: the file's or the script's
	Topic    string        // "": counted apart from the plan's topics
	Level    string        // control.LevelEmergency (default) or control.LevelPriority
	Repeat   int           // plays in all, 1..10
	Interval time.Duration // start to start, at least 10 s
	Now      bool          // an emergency cuts an emergency on air instead of queueing
}

// Announce puts an urgent announcement on air through the running daemon
// (its control socket). For an emergency the order is the approval: it is
// logged with the orderer's name. Approvers and administrators may order.
func (s *Station) Announce(ctx context.Context, a Actor, o AnnounceOrder) (control.AnnounceReply, error) {
	if err := a.can(users.Approve, "announce"); err != nil {
		return control.AnnounceReply{}, err
	}
	req := control.AnnounceRequest{Level: o.Level, Title: o.Title, Topic: o.Topic, Repeat: o.Repeat,
		IntervalS: o.Interval.Seconds(), By: a.Name, Now: o.Now}
	if err := req.Check(); err != nil {
		return control.AnnounceReply{}, err
	}
	if req.Topic != "" && !taxonomy.Known(taxonomy.Topics(), req.Topic) {
		return control.AnnounceReply{}, inputerr.Field("topic", "invalid", "topic: unknown %q", req.Topic)
	}
	client := control.Client{DataDir: s.DataDir}
	switch {
	case (o.Audio == nil) == (o.ScriptID == 0):
		return control.AnnounceReply{}, inputerr.Field("audio", "required", "announce: give a recording or --script ID (one of them)")
	case o.ScriptID != 0:
		sc, err := s.Queue.Get(ctx, o.ScriptID)
		if err != nil {
			return control.AnnounceReply{}, err
		}
		if !sc.ApprovalHolds() || sc.NeedsAudio {
			return control.AnnounceReply{}, inputerr.Field("script", "not_approved", "script %d is not approved for air (status %s)", sc.ID, sc.Status)
		}
		req.SHA256, req.ScriptID = sc.AudioSHA256, sc.ID
		if req.Title == "" {
			req.Title = sc.Title
		}
		if req.Topic == "" {
			req.Topic = sc.Topic
		}
	default:
		// No daemon: say so before storing anything.
		if _, err := client.Status(ctx); err != nil {
			return control.AnnounceReply{}, err
		}
		sum, _, err := s.Queue.IngestAudio(ctx, o.Audio)
		if err != nil {
			return control.AnnounceReply{}, err
		}
		req.SHA256 = sum
		if req.Title == "" {
			req.Title = strings.TrimSuffix(filepath.Base(o.Audio.Name), filepath.Ext(o.Audio.Name))
		}
	}
	rep, err := client.Announce(ctx, req)
	if err != nil {
		return control.AnnounceReply{}, fmt.Errorf("announce: %w", err)
	}
	return rep, nil
}

// LiveStatus asks the running daemon what is on air now, the next runs and
// the outputs' health (control.ErrNoDaemon when none runs).
func (s *Station) LiveStatus(ctx context.Context, a Actor) (control.Status, error) {
	if err := a.can(users.View, "status"); err != nil {
		return control.Status{}, err
	}
	return control.Client{DataDir: s.DataDir}.Status(ctx)
}
