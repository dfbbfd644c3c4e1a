package playout

import (
	"context"
	"fmt"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/queue"
	"loa/internal/schedule"
)

// Queue is what planning needs from the script queue (*queue.Queue).
type Queue interface {
	Approved(ctx context.Context) ([]queue.Script, error)
	VerifyAudio(ctx context.Context, s queue.Script) (string, error)
}

// StorePlanner plans runs from the station database: approved scripts,
// topic airtime of the current half-year from the airtime log, and every
// chosen file verified against its approved hash.
type StorePlanner struct {
	Queue Queue
	Log   *airlog.Log
	// Location is the station zone: the half-year whose topic airtime is
	// balanced is the report's (and simulate's), whatever zone a programme
	// is written in. Nil: the programme's.
	Location *time.Location
}

// Plan implements Planner.
func (sp StorePlanner) Plan(ctx context.Context, prog *schedule.Programme, at time.Time) (assembly.Plan, error) {
	cands, err := sp.Queue.Approved(ctx)
	if err != nil {
		return assembly.Plan{}, fmt.Errorf("plan %s: %w", prog.Name, err)
	}
	loc := sp.Location
	if loc == nil {
		loc = prog.Location
	}
	from, _ := assembly.HalfYear(at.In(loc))
	air, err := sp.Log.TopicAirtime(ctx, from, at, false)
	if err != nil {
		return assembly.Plan{}, fmt.Errorf("plan %s: %w", prog.Name, err)
	}
	plan, err := assembly.AssembleVerified(ctx, prog, assembly.Input{At: at, Candidates: cands, TopicAirtime: air}, sp.Queue.VerifyAudio)
	if err != nil {
		return assembly.Plan{}, fmt.Errorf("plan %s: %w", prog.Name, err)
	}
	return plan, nil
}
