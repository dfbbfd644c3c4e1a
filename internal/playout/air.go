package playout

import (
	"context"
	"time"

	"loa/internal/assembly"
	"loa/internal/schedule"
)

// Planner chooses what one run airs (StorePlanner in production).
type Planner interface {
	Plan(ctx context.Context, prog *schedule.Programme, at time.Time) (assembly.Plan, error)
}

// Air turns a plan into sound on an output (AudioAir in production; tests
// fake it).
type Air interface {
	// Prepare opens the programme's items ahead of air time; nothing is
	// sent until Program.Play.
	Prepare(ctx context.Context, output string, prog *schedule.Programme, items []assembly.Item) (Program, error)
}

// Program is one prepared programme.
type Program interface {
	// Play starts sending at once and blocks until the programme ends,
	// the output fails, or ctx is done (then it returns within ~100 ms).
	Play(ctx context.Context) error
	// Snapshot tells what went out so far. It may be called from any
	// goroutine, during Play and after it returned.
	Snapshot() Snapshot
	Close() error
}

// Snapshot is what a programme has played.
type Snapshot struct {
	Started time.Time // wall clock of the first sample; zero before
	PlayedS float64   // seconds that went out
	Items   []ItemPos // per planned item, in plan order
}

// ItemPos is where an item lies in the output, in seconds from the first
// sample (frame offsets over the sample rate).
type ItemPos struct {
	StartS float64 // < 0: not rendered yet
	EndS   float64 // < 0: still rendering
	Err    error   // the item's file failed (possibly mid-item)
}
