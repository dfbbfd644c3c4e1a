package airlog

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/queue"
)

func openLog(t *testing.T) (*Log, *sql.DB) {
	t.Helper()
	db, err := database.Open(context.Background(), filepath.Join(t.TempDir(), database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db), db
}

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) // 17:00 in Hà Nội

func TestRunLifecycle(t *testing.T) {
	ctx := context.Background()
	l, db := openLog(t)
	if _, err := db.Exec(`INSERT INTO scripts (id, title, topic, created_at, updated_at) VALUES (7, 'Một cửa', 'mot-cua-dvc', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')`); err != nil {
		t.Fatal(err)
	}
	run, err := l.OpenRun(ctx, RunSpec{Programme: "cchc", Title: "Chuyên mục", Output: "null", ScheduledAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.OpenRun(ctx, RunSpec{Programme: "cchc", ScheduledAt: t0}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second OpenRun: %v, want ErrDuplicate", err)
	}
	if err := l.StartRun(ctx, run, t0.Add(12*time.Millisecond), 12); err != nil {
		t.Fatal(err)
	}
	j, err := l.StartItem(ctx, ItemSpec{RunID: run, Position: 0, Kind: KindJingle, Title: "intro", ScheduledAt: t0, StartedAt: t0.Add(12 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.CloseItem(ctx, j, ItemEnd{Seconds: 5.25, Status: ItemAired}); err != nil {
		t.Fatal(err)
	}
	if err := l.CloseItem(ctx, j, ItemEnd{Seconds: 1, Status: ItemAired}); err == nil {
		t.Fatal("closing a closed item succeeded")
	}
	s0 := t0.Add(7262 * time.Millisecond)
	s, err := l.StartItem(ctx, ItemSpec{RunID: run, Position: 1, Kind: KindScript, ScriptID: 7, Title: "Một cửa", Topic: "mot-cua-dvc",
		ScheduledAt: s0, StartedAt: s0})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Progress(ctx, s, 1.0); err != nil {
		t.Fatal(err)
	}
	if err := l.CloseItem(ctx, s, ItemEnd{Seconds: 61.5, Status: ItemPartial, Error: "stopped"}); err != nil {
		t.Fatal(err)
	}
	if err := l.CloseRun(ctx, run, RunEnd{EndedAt: s0.Add(61500 * time.Millisecond), Status: RunPartial, Reason: "stopped"}); err != nil {
		t.Fatal(err)
	}
	if err := l.CloseRun(ctx, run, RunEnd{Status: RunCompleted}); err == nil {
		t.Fatal("closing a closed run succeeded")
	}
	items, err := l.Items(ctx, Filter{})
	if err != nil || len(items) != 2 {
		t.Fatalf("items %v, %v", items, err)
	}
	if got := items[1]; got.ScriptID != 7 || got.Seconds != 61.5 || got.Status != ItemPartial || got.Programme != "cchc" ||
		!got.EndedAt.Equal(s0.Add(61500*time.Millisecond)) {
		t.Fatalf("script item %+v", got)
	}
	if !items[0].EndedAt.Equal(t0.Add(5262 * time.Millisecond)) {
		t.Fatalf("jingle ended %v", items[0].EndedAt)
	}
	runs, err := l.Runs(ctx, Filter{Programme: "cchc"})
	if err != nil || len(runs) != 1 || runs[0].Status != RunPartial || runs[0].StartErrorMS == nil || *runs[0].StartErrorMS != 12 {
		t.Fatalf("runs %+v, %v", runs, err)
	}
	// Closed rows are immutable and nothing can be deleted.
	for _, q := range []string{`UPDATE air_items SET seconds = 1 WHERE id = 1`, `DELETE FROM air_items`, `DELETE FROM air_runs`} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s succeeded", q)
		}
	}
	// The play count the queue derives from this log (real broadcasts only).
	sc, err := queue.New(db, nil, config.Default(), nil).Get(ctx, 7)
	if err != nil || sc.Plays != 1 || !sc.LastPlayed.Equal(s0) {
		t.Fatalf("plays %d, last %v, %v", sc.Plays, sc.LastPlayed, err)
	}
	air, err := l.TopicAirtime(ctx, t0, t0.Add(time.Hour), false)
	if err != nil || air["mot-cua-dvc"] != 61.5 || len(air) != 1 {
		t.Fatalf("airtime %v, %v", air, err)
	}
}

func TestRecoverOpen(t *testing.T) {
	ctx := context.Background()
	l, _ := openLog(t)
	// A run killed mid-item, and a run opened but killed before air.
	r1, _ := l.OpenRun(ctx, RunSpec{Programme: "a", ScheduledAt: t0})
	l.StartRun(ctx, r1, t0, 3)
	i1, _ := l.StartItem(ctx, ItemSpec{RunID: r1, Kind: KindJingle, ScheduledAt: t0, StartedAt: t0})
	l.CloseItem(ctx, i1, ItemEnd{Seconds: 4, Status: ItemAired})
	i2, _ := l.StartItem(ctx, ItemSpec{RunID: r1, Position: 1, Kind: KindScript, Title: "x", ScheduledAt: t0.Add(5 * time.Second), StartedAt: t0.Add(5 * time.Second)})
	for _, p := range []float64{1, 2, 3.4} {
		if err := l.Progress(ctx, i2, p); err != nil {
			t.Fatal(err)
		}
	}
	r2, _ := l.OpenRun(ctx, RunSpec{Programme: "b", ScheduledAt: t0.Add(time.Hour)})

	rec, err := l.RecoverOpen(ctx, "interrupted")
	if err != nil || rec != (Recovered{Items: 1, Runs: 2}) {
		t.Fatalf("recover %+v, %v", rec, err)
	}
	again, err := l.RecoverOpen(ctx, "interrupted")
	if err != nil || again != (Recovered{}) {
		t.Fatalf("second recover %+v, %v", again, err)
	}
	items, _ := l.Items(ctx, Filter{})
	want := t0.Add(8400 * time.Millisecond)
	if len(items) != 2 || items[1].Status != ItemPartial || items[1].Seconds != 3.4 || !items[1].EndedAt.Equal(want) {
		t.Fatalf("recovered items %+v", items)
	}
	runs, _ := l.Runs(ctx, Filter{})
	if runs[0].ID != r1 || runs[0].Status != RunPartial || !runs[0].EndedAt.Equal(want) || runs[0].Reason != "interrupted" {
		t.Fatalf("run 1 %+v", runs[0])
	}
	if runs[1].ID != r2 || runs[1].Status != RunMissed || !runs[1].EndedAt.IsZero() {
		t.Fatalf("run 2 %+v", runs[1])
	}
	last, err := l.LastRuns(ctx)
	if err != nil || !last["b"].Equal(t0.Add(time.Hour)) || !last["a"].Equal(t0) {
		t.Fatalf("last runs %v, %v", last, err)
	}
}

func TestLogMissedAndRecord(t *testing.T) {
	ctx := context.Background()
	l, _ := openLog(t)
	tests := []struct {
		name   string
		status string
		wantOK bool
	}{
		{"missed", RunMissed, true},
		{"empty", RunEmpty, true},
		{"completed is not missed", RunCompleted, false},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.LogMissed(ctx, RunSpec{Programme: "p", ScheduledAt: t0.Add(time.Duration(i) * time.Minute)}, tc.status, "loa was not running")
			if (err == nil) != tc.wantOK {
				t.Fatalf("LogMissed(%s): %v", tc.status, err)
			}
		})
	}
	if _, err := l.LogMissed(ctx, RunSpec{Programme: "p", ScheduledAt: t0}, RunMissed, ""); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate missed: %v", err)
	}
	if real, _ := l.HasReal(ctx); !real {
		t.Fatal("HasReal false after real runs")
	}

	l2, _ := openLog(t)
	id, err := l2.RecordRun(ctx, RunRecord{
		RunSpec:   RunSpec{Programme: "p", ScheduledAt: t0, Simulated: true},
		StartedAt: t0, EndedAt: t0.Add(30 * time.Second), Status: RunCompleted,
		Items: []ItemRecord{{ItemSpec: ItemSpec{Kind: KindScript, Topic: "ke-hoach", ScheduledAt: t0, StartedAt: t0}, Seconds: 30, Status: ItemAired}},
	})
	if err != nil || id == 0 {
		t.Fatal(id, err)
	}
	if real, _ := l2.HasReal(ctx); real {
		t.Fatal("HasReal true with only simulated runs")
	}
	items, _ := l2.Items(ctx, Filter{From: t0, To: t0.Add(time.Second)})
	if len(items) != 1 || !items[0].Simulated || !items[0].EndedAt.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("recorded items %+v", items)
	}
	for _, inc := range []bool{false, true} {
		air, _ := l2.TopicAirtime(ctx, t0, t0.Add(time.Hour), inc)
		if want := map[bool]float64{false: 0, true: 30}[inc]; air["ke-hoach"] != want {
			t.Errorf("TopicAirtime(includeSimulated=%v) = %v", inc, air)
		}
	}
}

func TestRecordRunsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	l, _ := openLog(t)
	run := func(at time.Time) RunRecord {
		return RunRecord{RunSpec: RunSpec{Programme: "p", ScheduledAt: at, Simulated: true}, StartedAt: at, EndedAt: at.Add(time.Minute),
			Status: RunCompleted}
	}
	ids, err := l.RecordRuns(ctx, []RunRecord{run(t0), run(t0.Add(time.Hour))})
	if err != nil || len(ids) != 2 {
		t.Fatal(ids, err)
	}
	// The second run of this batch duplicates one already logged: nothing
	// of the batch is written.
	if _, err := l.RecordRuns(ctx, []RunRecord{run(t0.Add(2 * time.Hour)), run(t0)}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate batch: %v", err)
	}
	runs, _ := l.Runs(ctx, Filter{})
	if len(runs) != 2 {
		t.Fatalf("%d runs after a refused batch, want 2", len(runs))
	}
}

// TestStatusLabel: a row still open (on air, or left by a crash and not yet
// recovered) reads as the report words it, "chưa kết thúc" ("đang mở", a
// literal "open", means nothing to an operator); the report's three words
// for a broadcast are the log's.
func TestStatusLabel(t *testing.T) {
	for code, want := range map[string]string{"": "chưa kết thúc", ItemAired: "đã phát", ItemPartial: "phát một phần",
		ItemFailed: "lỗi", ItemSkipped: "bỏ qua", RunMissed: "bỏ lỡ", "lạ": "lạ"} {
		if got := StatusLabel(code); got != want {
			t.Errorf("StatusLabel(%q) = %q, want %q", code, got, want)
		}
	}
}
