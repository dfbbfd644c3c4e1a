package playout

import (
	"context"
	"errors"
	"sync"
	"time"

	"loa/internal/assembly"
	"loa/internal/schedule"
)

// fakePlanner returns a fixed plan (items of given lengths).
type fakePlanner struct {
	items    []assembly.Item
	problems []assembly.Problem
	err      error
	panic    bool
}

func (f *fakePlanner) Plan(ctx context.Context, p *schedule.Programme, at time.Time) (assembly.Plan, error) {
	if f.panic {
		panic("planner exploded")
	}
	if f.err != nil {
		return assembly.Plan{}, f.err
	}
	plan := assembly.Plan{Programme: p.Name, At: at, LengthS: p.Length.Seconds(), Problems: f.problems}
	off := 0.0
	for _, it := range f.items {
		it.OffsetS = off
		off += it.Seconds + p.Gap.Seconds()
		if it.Kind == assembly.KindScript {
			plan.ScriptS += it.Seconds
		}
		plan.Items = append(plan.Items, it)
	}
	plan.FillS = off
	return plan, nil
}

// fakeAir plays items in real time: each item's Seconds, gap between.
// An item titled "broken" fails after half its length.
type fakeAir struct {
	mu       sync.Mutex
	prepared int
	starts   []time.Time // first-sample times of every Play
	ready    []time.Time // when each Prepare returned
	playErr  error       // set: Play fails at once, nothing sent (a dead sound card)
	checks   int         // CheckOutput calls
}

// CheckOutput implements OutputChecker: the output works once playErr is
// cleared.
func (f *fakeAir) CheckOutput(spec string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checks++
	return f.playErr
}

func (f *fakeAir) Prepare(ctx context.Context, output string, p *schedule.Programme, items []assembly.Item) (Program, error) {
	f.mu.Lock()
	f.prepared++
	f.mu.Unlock()
	fp := &fakeProgram{air: f}
	off := 0.0
	for i, it := range items {
		if i > 0 {
			off += p.Gap.Seconds()
		}
		pos := ItemPos{StartS: off, EndS: off + it.Seconds}
		if it.Title == "broken" {
			pos.EndS = off + it.Seconds/2
			pos.Err = errors.New("corrupt frame")
		}
		fp.items = append(fp.items, pos)
		off = pos.EndS
	}
	fp.total = off
	f.mu.Lock()
	f.ready = append(f.ready, time.Now())
	f.mu.Unlock()
	return fp, nil
}

type fakeProgram struct {
	air   *fakeAir
	items []ItemPos
	total float64

	mu      sync.Mutex
	started time.Time
	played  float64
}

func (p *fakeProgram) Play(ctx context.Context) error {
	p.air.mu.Lock()
	err := p.air.playErr
	p.air.mu.Unlock()
	if err != nil {
		return err
	}
	t0 := time.Now()
	p.mu.Lock()
	p.started = t0
	p.mu.Unlock()
	p.air.mu.Lock()
	p.air.starts = append(p.air.starts, t0)
	p.air.mu.Unlock()
	tk := time.NewTicker(10 * time.Millisecond)
	defer tk.Stop()
	for {
		el := time.Since(t0).Seconds()
		p.mu.Lock()
		p.played = min(el, p.total)
		p.mu.Unlock()
		if el >= p.total {
			return nil
		}
		select {
		case <-ctx.Done():
			p.mu.Lock()
			p.played = min(time.Since(t0).Seconds(), p.total)
			p.mu.Unlock()
			return ctx.Err()
		case <-tk.C:
		}
	}
}

func (p *fakeProgram) Snapshot() Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Snapshot{Started: p.started, PlayedS: p.played}
	for _, it := range p.items {
		if it.StartS > p.played {
			it.StartS, it.EndS = -1, -1 // not rendered yet
		} else if it.EndS > p.played+0.2 {
			it.EndS = -1 // still rendering (renderer runs a little ahead)
		}
		s.Items = append(s.Items, it)
	}
	return s
}

func (p *fakeProgram) Close() error { return nil }
