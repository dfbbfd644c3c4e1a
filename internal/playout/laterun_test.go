package playout

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/schedule"
)

// slowPlanner is a preparation that outlasts the daemon (the renderer's
// level analysis on a loaded machine): it returns only when ctx ends.
type slowPlanner struct{}

func (slowPlanner) Plan(ctx context.Context, p *schedule.Programme, at time.Time) (assembly.Plan, error) {
	<-ctx.Done()
	return assembly.Plan{}, ctx.Err()
}

// TestLateRunNotLostWhenStoppedBeforeItOpens: a daemon starts just after a
// run's time (within grace), so it plays it late; it is stopped (or killed:
// nothing it does on stop counts) while that run is still being prepared.
// The next daemon, given the heartbeat the first one left, must find the
// run in the log or log it itself.
func TestLateRunNotLostWhenStoppedBeforeItOpens(t *testing.T) {
	for _, killed := range []bool{false, true} {
		name := "stopped"
		if killed {
			name = "killed"
		}
		t.Run(name, func(t *testing.T) { testLateRunNotLost(t, killed) })
	}
}

func testLateRunNotLost(t *testing.T, killed bool) {
	l, _ := testDB(t)
	ctx := context.Background()
	p := testProg(t, "p", "0 * * * * *") // every minute at :00
	now := time.Now()
	due := p.Runs(now.Add(-61*time.Second), now, 0)
	at := due[len(due)-1] // the latest passed run: within a 2-minute grace
	var mu sync.Mutex
	var beat time.Time
	opts := func(pl Planner, lastAlive time.Time) Options {
		return Options{
			Load:    func(context.Context) ([]*schedule.Programme, error) { return []*schedule.Programme{p}, nil },
			Planner: pl, Air: &fakeAir{}, Log: l, Logger: testLogger(t),
			Location: time.UTC, Lead: time.Second, Grace: 2 * time.Minute, Overlap: OverlapDelay,
			LastAlive: lastAlive,
			Heartbeat: func(t time.Time) error { mu.Lock(); beat = t; mu.Unlock(); return nil },
		}
	}
	started := make(chan struct{})
	o := opts(slowPlanner{}, at.Add(-time.Second))
	o.Started = func() { close(started) }
	d := New(o) // alive until just before the run
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 2)
	go func() { done <- d.Run(rctx, nil) }()
	<-started // the start heartbeat is written
	stop := func(cancel context.CancelFunc) {
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if !killed {
		stop(cancel)
	}
	mu.Lock()
	last := beat
	mu.Unlock()
	d2 := New(opts(&fakePlanner{items: []assembly.Item{script(1, 0.2, "a")}}, last))
	rctx2, cancel2 := context.WithCancel(ctx)
	defer cancel2()
	go func() { done <- d2.Run(rctx2, nil) }()
	time.Sleep(500 * time.Millisecond)
	stop(cancel2)
	if killed {
		stop(cancel) // the "killed" daemon is only let go now
	}
	runs, _ := l.Runs(ctx, airlog.Filter{})
	for _, r := range runs {
		if r.ScheduledAt.Equal(at) {
			t.Logf("run %v logged %s %q", at, r.Status, r.Reason)
			return
		}
	}
	t.Fatalf("the run at %v, due when the first daemon started, is in no log row (heartbeat left at %v); rows: %+v", at, last, runs)
}

// sleepyPlanner plans after a delay (a slow preparation).
type sleepyPlanner struct {
	fakePlanner
	delay time.Duration
}

func (s *sleepyPlanner) Plan(ctx context.Context, p *schedule.Programme, at time.Time) (assembly.Plan, error) {
	time.Sleep(s.delay)
	return s.fakePlanner.Plan(ctx, p, at)
}

// TestLateReasonSaysWhy: a run late because its preparation ran past its
// time says so (not "output busy", nothing was busy); loa daemon --once
// chooses its time once prepared, so it is not late at all.
func TestLateReasonSaysWhy(t *testing.T) {
	for _, once := range []bool{false, true} {
		t.Run(map[bool]string{false: "scheduled", true: "once"}[once], func(t *testing.T) {
			l, _ := testDB(t)
			p := testProg(t, "p", "0 0 * * * *")
			pl := &sleepyPlanner{fakePlanner{items: []assembly.Item{script(1, 0.2, "a")}}, 1500 * time.Millisecond}
			d := New(Options{Load: func(context.Context) ([]*schedule.Programme, error) { return []*schedule.Programme{p}, nil },
				Planner: pl, Air: &fakeAir{}, Log: l, Logger: testLogger(t), Location: time.UTC, Overlap: OverlapDelay, Grace: time.Minute})
			var res Result
			if once {
				var err error
				if res, err = d.Once(context.Background(), "p"); err != nil {
					t.Fatal(err)
				}
			} else {
				res = d.play(context.Background(), p, time.Now().Add(300*time.Millisecond), "")
			}
			if res.Status != airlog.RunCompleted {
				t.Fatalf("run %s %q", res.Status, res.Reason)
			}
			switch {
			case strings.Contains(res.Reason, "đầu ra bận"):
				t.Errorf("reason %q blames the output; nothing was busy", res.Reason)
			case once && strings.Contains(res.Reason, "phát muộn"):
				t.Errorf("--once run late: %q", res.Reason)
			case !once && !strings.Contains(res.Reason, "chuẩn bị"):
				t.Errorf("reason %q, want the preparation named", res.Reason)
			}
		})
	}
}

// TestHeldRunHoldsHeartbeat: a run held past its time by overlap=delay
// (another programme keeps the output) has no row yet; the heartbeat must
// stay before it, and a stop then logs it missed.
func TestHeldRunHoldsHeartbeat(t *testing.T) {
	l, _ := testDB(t)
	p := testProg(t, "p", "0 0 * * * *")
	var mu sync.Mutex
	var beat time.Time
	d := New(Options{Planner: &fakePlanner{items: []assembly.Item{script(1, 0.2, "a")}}, Air: &fakeAir{}, Log: l, Logger: testLogger(t),
		Location: time.UTC, Grace: time.Minute, Overlap: OverlapDelay,
		Heartbeat: func(t time.Time) error { mu.Lock(); beat = t; mu.Unlock(); return nil }})
	ss := sinks(d.outputFor(p))
	if _, ok := d.outputs.acquire(context.Background(), ss, "other", time.Now()); !ok {
		t.Fatal("cannot take the output")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	at := time.Now().Add(300 * time.Millisecond).Truncate(time.Millisecond) // the log keeps ms
	d.spawn(ctx, p, at, "")
	time.Sleep(time.Until(at.Add(300 * time.Millisecond)))
	d.heartbeat(time.Now())
	mu.Lock()
	b := beat
	mu.Unlock()
	if !b.Before(at) {
		t.Errorf("heartbeat %v passed the held run at %v", b, at)
	}
	cancel()
	d.extra.Wait()
	runs, _ := l.Runs(context.Background(), airlog.Filter{})
	if len(runs) != 1 || !runs[0].ScheduledAt.Equal(at) || runs[0].Status != airlog.RunMissed || runs[0].Reason != ReasonStoppedUnopened {
		t.Fatalf("runs %+v, want the held run missed: %s", runs, ReasonStoppedUnopened)
	}
	d.heartbeat(time.Now()) // logged: the heartbeat moves on
	mu.Lock()
	defer mu.Unlock()
	if beat.Before(at) {
		t.Errorf("heartbeat %v still held after the run was logged", beat)
	}
}
