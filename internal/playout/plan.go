package playout

import (
	"context"
	"fmt"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/forecast"
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

// Plan implements Planner: the station read as the forecast reads it
// (forecast.Load), so `loa schedule next` and `loa simulate` show what this
// airs.
func (sp StorePlanner) Plan(ctx context.Context, prog *schedule.Programme, at time.Time) (assembly.Plan, error) {
	loc := sp.Location
	if loc == nil {
		loc = prog.Location
	}
	st, err := forecast.Load(ctx, sp.Queue, sp.Log, at, loc)
	if err != nil {
		return assembly.Plan{}, fmt.Errorf("plan %s: %w", prog.Name, err)
	}
	plan, err := assembly.AssembleVerified(ctx, prog, st.Input(at), sp.Queue.VerifyAudio)
	if err != nil {
		return assembly.Plan{}, fmt.Errorf("plan %s: %w", prog.Name, err)
	}
	return plan, nil
}
