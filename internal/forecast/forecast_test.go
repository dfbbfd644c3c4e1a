package forecast_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/forecast"
	"loa/internal/playout"
	"loa/internal/queue"
	"loa/internal/schedule"
)

var loc = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return l
}()

// programmes loads programme files given as name → TOML body.
func programmes(t *testing.T, files map[string]string) []*schedule.Programme {
	t.Helper()
	var out []*schedule.Programme
	for name, body := range files {
		path := filepath.Join(t.TempDir(), name+".toml")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		p, probs := schedule.LoadFile(context.Background(), path, schedule.Options{Location: loc, Output: "null"})
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		out = append(out, p)
	}
	return out
}

// station is a database with approved scripts written straight into it.
type station struct {
	db  *sql.DB
	q   *queue.Queue
	log *airlog.Log
}

type scriptSpec struct {
	topic, priority string
	secs            float64
	until           string
	maxPlays        int
}

func newStation(t *testing.T, scripts []scriptSpec) *station {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "loa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = database.Tx(ctx, db, func(tx *sql.Tx) error {
		for i, s := range scripts {
			sha := fmt.Sprintf("%064x", i+1)
			var maxPlays any
			if s.maxPlays > 0 {
				maxPlays = s.maxPlays
			}
			prio := s.priority
			if prio == "" {
				prio = "normal"
			}
			approved := time.Date(2026, 11, 1, 2, i, 0, 0, time.UTC)
			if _, err := tx.Exec(`INSERT INTO scripts (title, topic, audience, audio_sha256, audio_format, sample_rate, channels,
					frames, duration_s, priority, air_until, max_plays, status, approved_by, approved_at, approved_audio_sha256,
					created_at, updated_at)
				VALUES (?, ?, 'nguoi-dan', ?, 'mp3', 44100, 1, ?, ?, ?, ?, ?, 'approved', 'Nguyễn Văn An', ?, ?, ?, ?)`,
				fmt.Sprintf("Bài %d", i+1), s.topic, sha, int64(s.secs*44100), s.secs, prio, s.until, maxPlays,
				database.FormatTime(approved), sha, database.FormatTime(approved), database.FormatTime(approved)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return &station{db: db, q: queue.New(db, nil, config.Default(), nil), log: airlog.New(db)}
}

// air writes a plan into the airtime log as a real broadcast, every item
// aired whole at its planned time, as the daemon would log it.
func (s *station) air(t *testing.T, r forecast.Run) {
	t.Helper()
	p := r.Plan
	rec := airlog.RunRecord{RunSpec: airlog.RunSpec{Programme: p.Programme, Title: p.Title, Output: r.Output, ScheduledAt: p.At},
		StartedAt: p.At, EndedAt: p.At.Add(time.Duration(p.FillS * float64(time.Second))), Status: airlog.RunCompleted}
	if len(p.Items) == 0 {
		rec.Status, rec.StartedAt, rec.EndedAt = airlog.RunEmpty, time.Time{}, time.Time{}
	}
	for i, it := range p.Items {
		start := p.At.Add(time.Duration(it.OffsetS * float64(time.Second)))
		rec.Items = append(rec.Items, airlog.ItemRecord{ItemSpec: airlog.ItemSpec{Position: i, Kind: it.Kind, ScriptID: it.ScriptID,
			Title: it.Title, Topic: it.Topic, SHA256: it.SHA256, ScheduledAt: start, StartedAt: start}, Seconds: it.Seconds,
			Status: airlog.ItemAired})
	}
	if _, err := s.log.RecordRun(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
}

// verified stands in for the store: every file is as approved.
type verified struct{ *queue.Queue }

func (verified) VerifyAudio(_ context.Context, s queue.Script) (string, error) {
	return "/store/" + s.AudioSHA256, nil
}

func ids(p assembly.Plan) string {
	var b strings.Builder
	for _, it := range p.Items {
		if it.Kind == assembly.KindScript {
			fmt.Fprintf(&b, "#%d ", it.ScriptID)
		}
	}
	for _, pr := range p.Problems {
		fmt.Fprintf(&b, "[%s] ", pr.Code)
	}
	return strings.TrimSpace(b.String())
}

// TestDaemonAirsTheForecast: the forecast of two months, made once, is what
// the daemon's planner chooses run by run when each run before it has aired
// and been logged — plays, repeat spacing, max plays, windows and topic
// airtime carried from run to run, across a half-year boundary.
func TestDaemonAirsTheForecast(t *testing.T) {
	ctx := context.Background()
	topics := []string{"chu-truong", "ke-hoach", "ket-qua", "mo-hinh", "quyen-nghia-vu", "dan-chu-ntm", "mot-cua-dvc"}
	var specs []scriptSpec
	for i := range 12 {
		s := scriptSpec{topic: topics[i%len(topics)], secs: 13 + float64((i*7)%11)}
		switch i {
		case 3:
			s.priority = "priority"
		case 5:
			s.until = "2026-12-20"
		case 8:
			s.maxPlays = 3
		}
		specs = append(specs, s)
	}
	st := newStation(t, specs)
	progs := programmes(t, map[string]string{
		"daily":   "name = \"daily\"\ntitle = \"Hằng ngày\"\ncron = \"0 17 * * *\"\nlength = \"60s\"\nrepeat_days = 2\n",
		"monthly": "name = \"monthly\"\ntitle = \"Tổng hợp\"\nmonthly = \"first sunday 06:30\"\nlength = \"3m\"\ngap = \"1s\"\n",
	})
	opt := forecast.Options{Programmes: progs, Location: loc, Lead: 2 * time.Minute}
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, loc)
	start, err := forecast.Load(ctx, st.q, st.log, from, loc)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := forecast.Runs(ctx, opt, start, time.Date(2027, 2, 1, 0, 0, 0, 0, loc), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 62+2 {
		t.Fatalf("%d runs forecast, want 64", len(runs))
	}
	daemon := playout.StorePlanner{Queue: verified{st.q}, Log: st.log, Location: loc}
	distinct := map[string]bool{}
	for _, r := range runs {
		got, err := daemon.Plan(ctx, progByName(progs, r.Plan.Programme), r.Plan.At)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got.Items {
			got.Items[i].Path = "" // the daemon's verified file; the forecast does not hash files
		}
		if !reflect.DeepEqual(got, r.Plan) {
			t.Fatalf("%s at %s: daemon airs %s, forecast said %s", r.Plan.Programme, r.Plan.At, ids(got), ids(r.Plan))
		}
		distinct[ids(r.Plan)] = true
		st.air(t, r)
	}
	if len(distinct) < 5 {
		t.Errorf("only %d distinct run contents: the case does not exercise carrying state", len(distinct))
	}
}

func progByName(progs []*schedule.Programme, name string) *schedule.Programme {
	for _, p := range progs {
		if p.Name == name {
			return p
		}
	}
	panic(name)
}

// TestLead: a run assembled (lead before air) while an earlier run is still
// on air does not see that run's scripts, as the daemon does not: the log
// counts an item once it has ended.
func TestLead(t *testing.T) {
	ctx := context.Background()
	progs := programmes(t, map[string]string{
		"a": "name = \"a\"\ntitle = \"A\"\ncron = \"0 17 * * *\"\nlength = \"60s\"\n",
		"b": "name = \"b\"\ntitle = \"B\"\ncron = \"1 17 * * *\"\nlength = \"60s\"\nrepeat_days = 1\noutput = \"wav:/tmp/b\"\n",
	})
	scripts := []queue.Script{
		{ID: 1, Topic: "ke-hoach", Status: queue.Approved, Priority: "normal", AudioSHA256: "1", SampleRate: 8000, Frames: 50 * 8000},
		{ID: 2, Topic: "mo-hinh", Status: queue.Approved, Priority: "normal", AudioSHA256: "2", SampleRate: 8000, Frames: 50 * 8000},
	}
	start := forecast.Start{At: time.Date(2027, 3, 1, 0, 0, 0, 0, loc), Scripts: scripts}
	for _, tc := range []struct {
		lead time.Duration
		want string
	}{
		{0, "a:#1 b:#2"},               // b sees a's #1 (ended 17:00:50): spacing holds it back
		{2 * time.Minute, "a:#1 b:#1"}, // b is assembled at 16:59, before a aired
	} {
		runs, err := forecast.Runs(ctx, forecast.Options{Programmes: progs, Location: loc, Lead: tc.lead}, start, time.Time{}, 2)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range runs {
			got = append(got, r.Plan.Programme+":"+ids(r.Plan))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("lead %s: %s, want %s", tc.lead, g, tc.want)
		}
		if runs[1].Output != "wav:/tmp/b" {
			t.Errorf("output %q", runs[1].Output)
		}
	}
	if len(start.Scripts) != 2 || start.Scripts[0].Plays != 0 {
		t.Error("the forecast changed the caller's scripts")
	}
}

// TestBetween: the calendar's window is the tail of the forecast from the
// start, not a forecast restarted at the window.
func TestBetween(t *testing.T) {
	ctx := context.Background()
	progs := programmes(t, map[string]string{
		"d": "name = \"d\"\ntitle = \"D\"\ncron = \"0 17 * * *\"\nlength = \"30s\"\nrepeat_days = 2\n",
	})
	var scripts []queue.Script
	for i := range 5 {
		scripts = append(scripts, queue.Script{ID: int64(i + 1), Topic: []string{"ke-hoach", "mo-hinh", "ket-qua"}[i%3],
			Status: queue.Approved, Priority: "normal", AudioSHA256: "x", SampleRate: 8000, Frames: 14 * 8000})
	}
	start := forecast.Start{At: time.Date(2027, 3, 1, 0, 0, 0, 0, loc), Scripts: scripts}
	opt := forecast.Options{Programmes: progs, Location: loc}
	from, to := time.Date(2027, 3, 4, 0, 0, 0, 0, loc), time.Date(2027, 3, 8, 0, 0, 0, 0, loc)
	week, err := forecast.Between(ctx, opt, start, from, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	all, err := forecast.Runs(ctx, opt, start, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 7 || len(week) != 4 || !reflect.DeepEqual(week, all[3:]) {
		t.Fatalf("between: %d runs, all: %d", len(week), len(all))
	}
	restarted, _ := forecast.Between(ctx, opt, forecast.Start{At: from, Scripts: scripts}, from, to, 0)
	if reflect.DeepEqual(restarted, week) {
		t.Error("a forecast restarted at the window gives the same runs: the case does not show carried state")
	}
	// the next 2 runs after from, open-ended: the same state carried
	next, err := forecast.Between(ctx, opt, start, from, time.Time{}, 2)
	if err != nil || !reflect.DeepEqual(next, week[:2]) {
		t.Errorf("next 2 after from: %d runs, %v", len(next), err)
	}
	if _, err := forecast.Runs(ctx, opt, start, time.Time{}, 0); !errors.Is(err, forecast.ErrUnbounded) {
		t.Errorf("no end, no limit: %v", err)
	}
	if _, err := forecast.Between(ctx, opt, start, from, time.Time{}, 0); !errors.Is(err, forecast.ErrUnbounded) {
		t.Errorf("between, no end, no limit: %v", err)
	}
}
