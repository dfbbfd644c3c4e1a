package playout

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/database"
	"loa/internal/schedule"
)

func testDB(t *testing.T) (*airlog.Log, *sql.DB) {
	t.Helper()
	db, err := database.Open(context.Background(), filepath.Join(t.TempDir(), database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for id := 1; id <= 3; id++ {
		if _, err := db.Exec(`INSERT INTO scripts (id, title, topic, created_at, updated_at) VALUES (?, 'bài', 'ke-hoach', 'x', 'x')`, id); err != nil {
			t.Fatal(err)
		}
	}
	return airlog.New(db), db
}

func testProg(t *testing.T, name, spec string) *schedule.Programme {
	t.Helper()
	p := cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)
	s, err := p.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return &schedule.Programme{Name: name, Title: "Chương trình " + name, Cron: spec, Location: time.UTC, Rule: s, Schedule: s,
		Length: time.Minute, Gap: 50 * time.Millisecond, Output: "null"}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

func script(id int64, secs float64, title string) assembly.Item {
	return assembly.Item{Kind: assembly.KindScript, ScriptID: id, Title: title, Topic: "ke-hoach", Seconds: secs}
}

func jingle(secs float64) assembly.Item {
	return assembly.Item{Kind: assembly.KindJingle, Title: assembly.TitleIntro, Seconds: secs}
}

func TestPlayOutcomes(t *testing.T) {
	tests := []struct {
		name       string
		planner    *fakePlanner
		stopAfter  time.Duration // cancel ctx this long after air; 0: never
		wantRun    string
		wantItems  []string // item statuses in order
		wantReason string   // the run's reason (read by people: Vietnamese); "": not checked
	}{
		{"completed", &fakePlanner{items: []assembly.Item{jingle(0.2), script(1, 0.3, "a"), script(2, 0.25, "b")}},
			0, airlog.RunCompleted, []string{"aired", "aired", "aired"}, ""},
		{"stopped mid-item", &fakePlanner{items: []assembly.Item{jingle(0.2), script(1, 2, "a"), script(2, 1, "b")}},
			700 * time.Millisecond, airlog.RunPartial, []string{"aired", "partial"}, ""},
		{"broken file", &fakePlanner{items: []assembly.Item{script(1, 0.4, "broken"), script(2, 0.2, "b")}},
			0, airlog.RunPartial, []string{"partial", "aired"}, ""},
		{"nothing to air", &fakePlanner{problems: []assembly.Problem{{Code: assembly.NoCandidates, Msg: "no eligible script"}}},
			0, airlog.RunEmpty, nil, "không có bài để phát: không có bài đã duyệt nào được phát trong chương trình này"},
		{"ident only", &fakePlanner{items: []assembly.Item{{Kind: assembly.KindFiller, Title: assembly.TitleFiller, Seconds: 0.2}}},
			0, airlog.RunEmpty, []string{"aired"}, ""},
		{"planner fails", &fakePlanner{err: errors.New("database is locked")}, 0, airlog.RunMissed, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The run's time is given enough lead for planning and
			// preparing, measured by progress: when the audio was ready
			// after the output is taken (300 ms before air), the test raced
			// its own schedule on a loaded machine; again with twice the lead.
			var (
				l   *airlog.Log
				air *fakeAir
				at  time.Time
				res Result
			)
			for lead := 400 * time.Millisecond; ; lead *= 2 {
				l, _ = testDB(t)
				air = &fakeAir{}
				d := New(Options{Planner: tc.planner, Air: air, Log: l, Logger: testLogger(t), Location: time.UTC, Overlap: OverlapSkip})
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				at = time.Now().Add(lead)
				if tc.stopAfter > 0 {
					time.AfterFunc(time.Until(at)+tc.stopAfter, cancel)
				}
				res = d.play(ctx, testProg(t, "p", "0 0 * * * *"), at, "")
				if len(air.ready) == 0 || air.ready[0].Before(at.Add(-300*time.Millisecond)) || lead > 5*time.Second {
					break
				}
				t.Logf("audio ready %v after the run's time with %v lead: again with more lead", air.ready[0].Sub(at), lead)
			}
			if res.Status != tc.wantRun {
				t.Fatalf("run status %q (%s), want %q", res.Status, res.Reason, tc.wantRun)
			}
			items, _ := l.Items(context.Background(), airlog.Filter{})
			var got []string
			for _, it := range items {
				got = append(got, it.Status)
			}
			if strings.Join(got, ",") != strings.Join(tc.wantItems, ",") {
				t.Fatalf("item statuses %v, want %v", got, tc.wantItems)
			}
			runs, _ := l.Runs(context.Background(), airlog.Filter{})
			if len(runs) != 1 || runs[0].Status != tc.wantRun {
				t.Fatalf("runs %+v", runs)
			}
			if tc.wantReason != "" && runs[0].Reason != tc.wantReason {
				t.Errorf("run reason %q, want %q", runs[0].Reason, tc.wantReason)
			}
			wantPlays := 0 // the start-error check below runs only when the programme played
			if len(tc.wantItems) > 0 {
				wantPlays = 1
			}
			if len(air.starts) != wantPlays {
				t.Errorf("played %d times, want %d", len(air.starts), wantPlays)
			}
			if len(air.starts) == 1 {
				// Never early; how late is measured (LOA_MEASURE), not
				// asserted here: a loaded 2-core CI machine delays a
				// goroutine by up to a second (seen: 1.0 s at load 15).
				if e := air.starts[0].Sub(at); e < 0 || e > 2*time.Second {
					t.Errorf("first sample %v after the scheduled time", e)
				}
			}
			if tc.stopAfter > 0 {
				// The partial item holds exactly what played: the run's
				// end minus the item's start.
				last := items[len(items)-1]
				if want := runs[0].EndedAt.Sub(last.StartedAt).Seconds(); math.Abs(last.Seconds-want) > 0.002 {
					t.Errorf("partial item %.3f s, run ended %.3f s after it started", last.Seconds, want)
				}
				// From the item's actual start (the jingle and gap after
				// the first sample) to the stop; a timer fires late under
				// load, never early.
				want := at.Add(tc.stopAfter).Sub(air.starts[0].Add(250 * time.Millisecond)).Seconds()
				if last.Seconds < want-0.15 || last.Seconds > want+1 {
					t.Errorf("partial item aired %.3f s, want ≈%.3f", last.Seconds, want)
				}
			}
			for _, it := range items {
				if want := it.StartedAt.Add(time.Duration(it.Seconds * float64(time.Second))); it.EndedAt.Sub(want).Abs() > time.Millisecond {
					t.Errorf("item %d ended %v, want started+seconds %v", it.Position, it.EndedAt, want)
				}
			}
		})
	}
}

// TestStartupAccountsForDowntime: runs that passed while loa was down are
// logged missed, except the latest within grace, which plays late; a run
// already logged is not touched; upcoming runs within the lead play on time.
func TestStartupAccountsForDowntime(t *testing.T) {
	l, _ := testDB(t)
	ctx := context.Background()
	p := testProg(t, "p", "*/5 * * * * *")
	now := time.Now()
	// One run was logged before loa went down.
	prev := p.Runs(now.Add(-40*time.Second), now, 1)[0]
	if _, err := l.LogMissed(ctx, airlog.RunSpec{Programme: "p", ScheduledAt: prev}, airlog.RunEmpty, "x"); err != nil {
		t.Fatal(err)
	}
	d := New(Options{
		Load:    func(context.Context) ([]*schedule.Programme, error) { return []*schedule.Programme{p}, nil },
		Planner: &fakePlanner{items: []assembly.Item{script(1, 0.3, "a")}}, Air: &fakeAir{}, Log: l, Logger: testLogger(t),
		Location: time.UTC, Lead: 2 * time.Second, Grace: 12 * time.Second, Overlap: OverlapDelay,
		LastAlive: now.Add(-60 * time.Second),
	})
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- d.Run(rctx, nil) }()
	time.Sleep(1500 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	runs, _ := l.Runs(ctx, airlog.Filter{})
	byTime := map[int64]airlog.Run{}
	for _, r := range runs {
		if _, dup := byTime[r.ScheduledAt.UnixNano()]; dup {
			t.Fatalf("duplicate run at %v", r.ScheduledAt)
		}
		byTime[r.ScheduledAt.UnixNano()] = r
	}
	var late time.Time
	for _, at := range p.Runs(prev.Add(time.Second), now.Add(time.Nanosecond), 0) {
		if now.Sub(at) <= 12*time.Second {
			late = at
		}
	}
	for _, at := range p.Runs(prev.Add(time.Second), now.Add(time.Nanosecond), 0) {
		r, ok := byTime[at.UnixNano()]
		switch {
		case !ok:
			t.Errorf("no row for %v", at)
		case at.Equal(late):
			if r.Status != airlog.RunCompleted || !strings.Contains(r.Reason, "phát muộn") {
				t.Errorf("late run %v: %s %q", at, r.Status, r.Reason)
			}
		case r.Status != airlog.RunMissed || r.Reason != ReasonDown:
			t.Errorf("run %v: %s %q, want missed", at, r.Status, r.Reason)
		}
	}
	if r := byTime[prev.UnixNano()]; r.Status != airlog.RunEmpty {
		t.Errorf("earlier run rewritten: %+v", r)
	}
}

func TestOverlap(t *testing.T) {
	for _, policy := range []string{OverlapSkip, OverlapDelay} {
		t.Run(policy, func(t *testing.T) {
			l, _ := testDB(t)
			d := New(Options{Planner: &fakePlanner{items: []assembly.Item{script(1, 0.8, "a")}}, Air: &fakeAir{}, Log: l,
				Logger: testLogger(t), Location: time.UTC, Grace: 5 * time.Second, Overlap: policy})
			// a and b share the alsa sink; c plays elsewhere, at once.
			a, b, c := testProg(t, "a", "0 0 * * * *"), testProg(t, "b", "0 0 * * * *"), testProg(t, "c", "0 0 * * * *")
			a.Output, b.Output, c.Output = "alsa+wav:x", "alsa", "wav:y"
			at := time.Now().Add(400 * time.Millisecond)
			var wg sync.WaitGroup
			res := make([]Result, 3)
			for i, p := range []*schedule.Programme{a, b, c} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					when := at
					if i == 1 {
						when = at.Add(300 * time.Millisecond)
					}
					res[i] = d.play(context.Background(), p, when, "")
				}()
			}
			wg.Wait()
			if res[0].Status != airlog.RunCompleted || res[2].Status != airlog.RunCompleted {
				t.Fatalf("a %+v, c %+v", res[0], res[2])
			}
			switch policy {
			case OverlapSkip:
				if res[1].Status != airlog.RunMissed || !strings.Contains(res[1].Reason, "chương trình a") {
					t.Fatalf("b %+v, want missed because of a", res[1])
				}
			case OverlapDelay:
				if res[1].Status != airlog.RunCompleted || res[1].StartErrorMS < 400 || !strings.Contains(res[1].Reason, "phát muộn") {
					t.Fatalf("b %+v, want completed about 0.5 s late", res[1])
				}
			}
		})
	}
}

// TestCronRunsAndPanics runs the daemon on a per-second schedule: every
// run starts on time; a panicking planner is recovered, logged, and leaves
// a closed row; SIGHUP-style reload swaps the programme set.
func TestCronRunsAndPanics(t *testing.T) {
	l, _ := testDB(t)
	ctx := context.Background()
	planner := &fakePlanner{items: []assembly.Item{script(1, 0.3, "a")}}
	var mu sync.Mutex
	progs := []*schedule.Programme{testProg(t, "every2", "*/2 * * * * *")}
	boom := &fakePlanner{panic: true}
	air := &fakeAir{}
	d := New(Options{
		Load: func(context.Context) ([]*schedule.Programme, error) {
			mu.Lock()
			defer mu.Unlock()
			return progs, nil
		},
		Planner: plannerFunc(func(ctx context.Context, p *schedule.Programme, at time.Time) (assembly.Plan, error) {
			if p.Name == "boom" {
				return boom.Plan(ctx, p, at)
			}
			return planner.Plan(ctx, p, at)
		}),
		Air: air, Log: l, Logger: testLogger(t), Location: time.UTC, Lead: 500 * time.Millisecond, Grace: time.Second,
		Overlap: OverlapSkip,
	})
	rctx, cancel := context.WithCancel(ctx)
	reload := make(chan struct{})
	done := make(chan error)
	go func() { done <- d.Run(rctx, reload) }()
	time.Sleep(4500 * time.Millisecond)
	mu.Lock()
	progs = append(progs, testProg(t, "boom", "1/2 * * * * *"))
	mu.Unlock()
	reload <- struct{}{}
	time.Sleep(3 * time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	runs, _ := l.Runs(ctx, airlog.Filter{})
	var ok, boomed int
	for _, r := range runs {
		switch r.Programme {
		case "every2":
			if r.Status == airlog.RunCompleted {
				ok++
			}
		case "boom":
			if r.Status == airlog.RunMissed && strings.Contains(r.Reason, "planner exploded") {
				boomed++
			}
		}
	}
	if ok < 3 || boomed < 1 {
		t.Fatalf("completed every2 runs %d, recovered boom runs %d; runs %+v", ok, boomed, runs)
	}
	errs := startErrors(air)
	t.Logf("start error over %d runs: median %v, worst %v", len(errs), errs[len(errs)/2], errs[len(errs)-1])
	// The median, loosely: on a loaded 2-core machine runs start hundreds
	// of ms late (seen: worst 766 ms at load 13, median 100 ms of 3 runs at
	// load 15); a daemon late by a second every time still fails here. The
	// real figures come from LOA_MEASURE (cmd/loa TestDaemonMeasure).
	if errs[len(errs)/2] > time.Second {
		t.Errorf("median start error %v", errs[len(errs)/2])
	}
}

type plannerFunc func(ctx context.Context, p *schedule.Programme, at time.Time) (assembly.Plan, error)

func (f plannerFunc) Plan(ctx context.Context, p *schedule.Programme, at time.Time) (assembly.Plan, error) {
	return f(ctx, p, at)
}

// startErrors is how far each first sample left its whole second, sorted.
func startErrors(air *fakeAir) []time.Duration {
	air.mu.Lock()
	defer air.mu.Unlock()
	var out []time.Duration
	for _, s := range air.starts {
		out = append(out, s.Sub(s.Truncate(time.Second)))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func TestLockRefusesSecondDaemon(t *testing.T) {
	dir := t.TempDir()
	l1, last, err := AcquireLock(dir)
	if err != nil || !last.IsZero() {
		t.Fatalf("first lock: %v, last alive %v", err, last)
	}
	if _, _, err := AcquireLock(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: %v, want ErrLocked", err)
	}
	l1.Release() // no heartbeat kept: still "never alive"
	l2, last, err := AcquireLock(dir)
	if err != nil || !last.IsZero() {
		t.Fatalf("relock: %v, last alive %v", err, last)
	}
	l2.Touch(time.Now())
	l2.Release()
	l2, last, err = AcquireLock(dir)
	if err != nil || last.IsZero() || time.Since(last) > time.Minute {
		t.Fatalf("relock: %v, last alive %v", err, last)
	}
	l2.Release()
	if _, err := os.Stat(filepath.Join(dir, LockFile)); err != nil {
		t.Fatal(err)
	}
}

// TestHeartbeatApartFromLock is issue 9's sequence: the daemon beats, then
// crashes; later a process takes the lock without keeping the schedule
// (loa daemon --once, loa migrate, a start that fails) and exits. The next
// daemon still sees the crashed daemon's last heartbeat, so the runs of
// the outage are counted from it (TestStartupAccountsForDowntime shows
// they are then logged missed; cmd/loa's TestDaemonHeartbeatAfterOnce does
// it on the real binary).
func TestHeartbeatApartFromLock(t *testing.T) {
	dir := t.TempDir()
	l, _, err := AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	beat := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	if err := l.Touch(beat); err != nil {
		t.Fatal(err)
	}
	l.f.Close() // the crash: no last heartbeat
	other, last, err := AcquireLock(dir)
	if err != nil || !last.Equal(beat) {
		t.Fatalf("--once: %v, last alive %v, want %v", err, last, beat)
	}
	time.Sleep(20 * time.Millisecond)
	other.Release()
	d, last, err := AcquireLock(dir)
	if err != nil || !last.Equal(beat) {
		t.Fatalf("daemon after --once: %v, last alive %v, want the crashed daemon's %v", err, last, beat)
	}
	d.Release()
}

func TestSinks(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"alsa", "alsa"},
		{"alsa+wav:/var/air", "alsa|wav:/var/air"},
		{"wav:/a+alsa", "alsa|wav:/a"},
	}
	for _, tc := range tests {
		if got := strings.Join(sinks(tc.spec), "|"); got != tc.want {
			t.Errorf("sinks(%q) = %q, want %q", tc.spec, got, tc.want)
		}
	}
	paced := []struct{ spec, want string }{
		{"wav:/x", "null+wav:/x"},
		{"alsa+wav:/x", "alsa+wav:/x"},
		{"null:instant+wav:/x", "null:instant+wav:/x"},
		{"null", "null"},
	}
	for _, tc := range paced {
		if got := PacedSpec(tc.spec); got != tc.want {
			t.Errorf("PacedSpec(%q) = %q, want %q", tc.spec, got, tc.want)
		}
	}
}

// TestBackToBackRunsNotSkipped: cron fires a run's job Lead before air, so
// with back-to-back runs (a run longer than its period minus Lead) the
// previous run's job is still playing then and SkipIfStillRunning skips
// the firing. The run did not overlap anything: it must still air.
func TestBackToBackRunsNotSkipped(t *testing.T) {
	l, _ := testDB(t)
	p := testProg(t, "lien", "*/3 * * * * *")
	p.Length = 3 * time.Second
	d := New(Options{
		Load:    func(context.Context) ([]*schedule.Programme, error) { return []*schedule.Programme{p}, nil },
		Planner: &fakePlanner{items: []assembly.Item{script(1, 2, "a")}},
		Air:     &fakeAir{}, Log: l, Logger: testLogger(t), Location: time.UTC,
		Lead: 2500 * time.Millisecond, Grace: time.Second, Overlap: OverlapDelay,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx, nil) }()
	// Stop by progress, not after a fixed time: once three runs completed,
	// early in a run's item, when the next run has not opened yet (it opens
	// 300 ms before its time). A stop just before a run's time would log it
	// missed ("loa dừng trước giờ phát"): the test would race the schedule
	// it measures.
	deadline := time.Now().Add(40 * time.Second)
	for {
		runs, _ := l.Runs(context.Background(), airlog.Filter{})
		completed, onAirFor := 0, time.Duration(-1)
		for _, r := range runs {
			switch {
			case r.Status == airlog.RunCompleted:
				completed++
			case r.Status == "" && !r.StartedAt.IsZero():
				onAirFor = time.Since(r.StartedAt)
			}
		}
		if completed >= 3 && onAirFor >= 0 && onAirFor < time.Second {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("three runs did not complete in 40 s: %+v", runs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	runs, _ := l.Runs(context.Background(), airlog.Filter{})
	for _, r := range runs {
		if r.Status == airlog.RunMissed {
			t.Errorf("run at %s missed: %s", r.ScheduledAt.Format("15:04:05.000"), r.Reason)
		}
	}
}

// TestLogWriteOutlastsLockedDatabase: a second writer holds the database
// lock from before a run's first item starts until the item's start has
// failed (past the 10 s busy timeout, after the run's start failed too):
// it is retried and written once the lock is free, with the instants and
// seconds that went out; nothing dropped.
func TestLogWriteOutlastsLockedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("holds the database lock for two busy timeouts (~20 s)")
	}
	l, db := testDB(t)
	ctx := context.Background()
	var path string
	if err := db.QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		t.Fatal(err)
	}
	other, err := database.Open(ctx, path) // a second writer (the console, a CLI command)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	var logs lockedBuffer
	air := &fakeAir{}
	d := New(Options{Planner: &fakePlanner{items: []assembly.Item{script(1, 2, "a"), script(2, 3, "b")}}, Air: air, Log: l,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Location: time.UTC, Overlap: OverlapSkip})
	at := time.Now().Add(time.Second)
	done := make(chan Result, 1)
	go func() { done <- d.play(ctx, testProg(t, "p", "0 0 * * * *"), at, "") }()
	// Take the lock once the run is open, before its first item starts.
	for {
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM air_runs`).Scan(&n)
		if n == 1 {
			break
		}
		if time.Now().After(at) {
			t.Fatal("the run did not open before its time")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	// Hold it until an item start has failed (by progress: a loaded
	// machine shifts every write), then free it.
	for deadline := time.Now().Add(90 * time.Second); !strings.Contains(logs.String(), `msg="log item start (will retry)"`); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no item start failed while the database was locked:\n%s", logs.String())
		}
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		t.Fatal(err)
	}
	res := <-done
	items, err := l.Items(ctx, airlog.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	runs, err := l.Runs(ctx, airlog.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	start := air.starts[0]
	if res.Status != airlog.RunCompleted || len(items) != 2 || len(runs) != 1 || !runs[0].StartedAt.Equal(start.Truncate(time.Millisecond)) {
		t.Fatalf("run %+v %+v (first sample %v), items %+v", res, runs, start, items)
	}
	for i, want := range []struct{ off, secs float64 }{{0, 2}, {2.05, 3}} {
		it := items[i]
		if it.Status != airlog.ItemAired || math.Abs(it.Seconds-want.secs) > 0.02 ||
			math.Abs(it.StartedAt.Sub(start).Seconds()-want.off) > 0.002 {
			t.Errorf("item %d: %s %.3f s from %v, want aired %.3f s from +%.3f s", i, it.Status, it.Seconds, it.StartedAt.Sub(start), want.secs, want.off)
		}
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestOutputFailureLoggedFailedAlarmOnce: runs on an output that cannot
// play are logged failed with the reason (never missed); the alarm is
// raised once, not per run; the output is retried and its return logged.
func TestOutputFailureLoggedFailedAlarmOnce(t *testing.T) {
	l, _ := testDB(t)
	var logs lockedBuffer
	air := &fakeAir{playErr: errors.New("output alsa: no usable sound device")}
	d := New(Options{Planner: &fakePlanner{items: []assembly.Item{script(1, 0.2, "a")}}, Air: air, Log: l,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Location: time.UTC, Overlap: OverlapSkip})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := testProg(t, "p", "0 0 * * * *")
	for i := range 2 {
		res := d.play(ctx, p, time.Now().Add(400*time.Millisecond), "")
		if res.Status != airlog.RunFailed || !strings.Contains(res.Reason, "lỗi đầu ra: output alsa: no usable sound device") {
			t.Fatalf("run %d: %s %q, want failed with the output's error", i, res.Status, res.Reason)
		}
	}
	if n := strings.Count(logs.String(), "ALARM"); n != 1 {
		t.Errorf("%d alarms for two failed runs, want 1:\n%s", n, logs.String())
	}
	runs, _ := l.Runs(context.Background(), airlog.Filter{})
	if len(runs) != 2 || runs[0].Status != airlog.RunFailed || runs[1].Status != airlog.RunFailed {
		t.Fatalf("logged runs %+v", runs)
	}
	// The retry (every 30 s) finds it working again.
	air.mu.Lock()
	air.playErr = nil
	air.mu.Unlock()
	if testing.Short() {
		return
	}
	deadline := time.Now().Add(outputRetry + 5*time.Second)
	for !strings.Contains(logs.String(), "output works again") {
		if time.Now().After(deadline) {
			t.Fatalf("no retry within %v:\n%s", outputRetry, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
