package simulate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/queue"
	"loa/internal/schedule"
	"loa/internal/taxonomy"
)

// station is a station database with ~150 approved scripts across all
// topics, and the shipped schedules with fake jingles of known length.
type station struct {
	db    *sql.DB
	cfg   *config.Config
	progs []*schedule.Programme
}

const nScripts = 150

func newStation(t testing.TB) *station {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := database.Open(ctx, filepath.Join(dir, "loa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := config.Default()
	insertScripts(t, db)

	// The shipped schedules, with their jingle paths resolved in a temp dir
	// holding stand-ins (the lengths are what matter here).
	base := t.TempDir()
	lengths := map[string]float64{"intro.mp3": 6.5, "outro.mp3": 4.25, "ident.mp3": 3.1}
	if err := os.MkdirAll(filepath.Join(base, "audio", "jingles"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name := range lengths {
		if err := os.WriteFile(filepath.Join(base, "audio", "jingles", name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opt := schedule.OptionsFrom(cfg, func(_ context.Context, path string) (float64, error) { return lengths[filepath.Base(path)], nil })
	opt.BaseDir = base
	progs, err := schedule.LoadValid(ctx, "../../schedules", opt, time.Date(2027, 1, 1, 0, 0, 0, 0, cfg.Location()))
	if err != nil {
		t.Fatal(err)
	}
	return &station{db: db, cfg: cfg, progs: progs}
}

// insertScripts writes approved scripts straight into the scripts table:
// every topic, lengths 40 s to 4 min, some with air windows in 2027, some
// with max plays, a few priority and one emergency.
func insertScripts(t testing.TB, db *sql.DB) {
	t.Helper()
	topics := taxonomy.Topics()
	audiences := []string{"nguoi-dan", "nguoi-dan", "nguoi-dan", "can-bo-cong-chuc", "lanh-dao"}
	err := database.Tx(context.Background(), db, func(tx *sql.Tx) error {
		for i := range nScripts {
			topic := topics[i%len(topics)].Code
			secs := 40 + float64((i*37)%200) + float64(i%10)/10
			rate := 44100
			if i%4 == 1 {
				rate = 48000
			}
			frames := int64(secs * float64(rate))
			priority := "normal"
			switch {
			case i == 77:
				priority = "emergency"
			case i%50 == 5:
				priority = "priority"
			}
			var from, until string
			if i%10 == 3 { // a two-month campaign somewhere in 2027
				m := 1 + i%11
				from = fmt.Sprintf("2027-%02d-01", m)
				until = time.Date(2027, time.Month(m)+2, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
			}
			var maxPlays any
			if i%9 == 4 {
				maxPlays = 2
			}
			sha := fmt.Sprintf("%064x", i+1)
			created := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
			approved := created.Add(time.Duration((i*7919)%500) * time.Minute)
			if _, err := tx.Exec(`INSERT INTO scripts (title, topic, area, audience, author, audio_sha256, audio_format,
					sample_rate, channels, frames, duration_s, priority, air_from, air_until, max_plays, status,
					approved_by, approved_at, approved_audio_sha256, created_at, updated_at)
				VALUES (?, ?, '', ?, 'Công chức Văn hóa – Xã hội', ?, 'mp3', ?, 1, ?, ?, ?, ?, ?, ?, 'approved',
					'Nguyễn Văn An', ?, ?, ?, ?)`,
				fmt.Sprintf("Bài tuyên truyền số %d", i+1), topic, audiences[i%len(audiences)], sha, rate, frames,
				float64(frames)/float64(rate), priority, from, until, maxPlays,
				database.FormatTime(approved), sha, database.FormatTime(created), database.FormatTime(created)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (s *station) simulateYear(t testing.TB, year int) *Result {
	t.Helper()
	ctx := context.Background()
	scripts, err := queue.New(s.db, nil, s.cfg, nil).Approved(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) != nScripts {
		t.Fatalf("%d approved scripts, want %d", len(scripts), nScripts)
	}
	loc := s.cfg.Location()
	res, err := Simulate(ctx, Options{Programmes: s.progs, Scripts: scripts, Location: loc,
		From: time.Date(year, 1, 1, 0, 0, 0, 0, loc), To: time.Date(year+1, 1, 1, 0, 0, 0, 0, loc)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestYear simulates 2027 on the shipped schedules, records it, and checks
// the plan's promises against the airtime log.
func TestYear(t *testing.T) {
	ctx := context.Background()
	s := newStation(t)
	loc := s.cfg.Location()
	res := s.simulateYear(t, 2027)
	log := airlog.New(s.db)
	if err := Record(ctx, log, res); err != nil {
		t.Fatal(err)
	}

	// Every scheduled run happened: Tuesdays and Fridays 17:00, first
	// Sundays 06:30, counted here from the calendar, not from cron.
	want := map[string]bool{}
	for d := time.Date(2027, 1, 1, 0, 0, 0, 0, loc); d.Year() == 2027; d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Tuesday || wd == time.Friday {
			want["cchc-hang-tuan "+d.Add(17*time.Hour).UTC().Format(database.TimeFormat)] = true
		}
		if d.Weekday() == time.Sunday && d.Day() <= 7 {
			want["tong-hop-thang "+d.Add(6*time.Hour+30*time.Minute).UTC().Format(database.TimeFormat)] = true
		}
	}
	if len(want) != 105+12 { // 2027 starts on a Friday: 53 Fridays
		t.Fatalf("calendar gives %d runs", len(want))
	}
	rows := query(t, s.db, `SELECT programme, scheduled_at, status, simulated FROM air_runs`)
	got := map[string]bool{}
	for _, r := range rows {
		if r[2] != "completed" || r[3] != "1" {
			t.Errorf("run %v: want completed, simulated", r)
		}
		got[r[0]+" "+r[1]] = true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("scheduled run %s did not happen", k)
		}
	}
	if len(got) != len(want) || len(res.Runs) != len(want) {
		t.Errorf("%d runs logged, %d simulated, %d scheduled", len(got), len(res.Runs), len(want))
	}

	// No run exceeded its slot; no run aired no script (there is material).
	length := map[string]float64{}
	for _, p := range s.progs {
		length[p.Name] = p.Length.Seconds()
	}
	for _, r := range query(t, s.db, `SELECT r.programme, r.scheduled_at, MAX(i.ended_at), SUM(i.kind = 'script')
			FROM air_runs r JOIN air_items i ON i.run_id = r.id GROUP BY r.id`) {
		start, end := parse(t, r[1]), parse(t, r[2])
		if over := end.Sub(start).Seconds() - length[r[0]]; over > 0.001 {
			t.Errorf("%s at %s exceeded its slot by %.3fs", r[0], r[1], over)
		}
		if r[3] == "0" {
			t.Errorf("%s at %s aired no script", r[0], r[1])
		}
	}

	// No script aired outside its window (local date) or beyond max plays.
	for _, r := range query(t, s.db, `SELECT i.script_id, i.started_at, s.air_from, s.air_until FROM air_items i
			JOIN scripts s ON s.id = i.script_id WHERE i.kind = 'script'`) {
		day := parse(t, r[1]).In(loc).Format("2006-01-02")
		if (r[2] != "" && day < r[2]) || (r[3] != "" && day > r[3]) {
			t.Errorf("script %s aired on %s outside its window %s..%s", r[0], day, r[2], r[3])
		}
	}
	for _, r := range query(t, s.db, `SELECT i.script_id, COUNT(*), s.max_plays FROM air_items i JOIN scripts s ON s.id = i.script_id
			WHERE i.kind = 'script' AND s.max_plays IS NOT NULL GROUP BY i.script_id`) {
		var n, max int
		fmt.Sscan(r[1], &n)
		fmt.Sscan(r[2], &max)
		if n > max {
			t.Errorf("script %s aired %s times, max plays %s", r[0], r[1], r[2])
		}
	}
	// Repeat spacing of the weekly programme (repeat_days = 3).
	last := map[string]time.Time{}
	for _, r := range query(t, s.db, `SELECT r.programme, i.script_id, i.started_at FROM air_items i JOIN air_runs r ON r.id = i.run_id
			WHERE i.kind = 'script' ORDER BY i.started_at`) {
		at := parse(t, r[2]).In(loc)
		if prev, ok := last[r[1]]; ok && r[0] == "cchc-hang-tuan" {
			if days := at.Sub(prev).Hours() / 24; days < 2.5 {
				t.Errorf("script %s aired %s and again %s", r[1], prev, at)
			}
		}
		last[r[1]] = at
	}

	// Every plan topic got airtime in each half-year, by the log.
	for _, h := range []time.Time{time.Date(2027, 1, 1, 0, 0, 0, 0, loc), time.Date(2027, 7, 1, 0, 0, 0, 0, loc)} {
		from, to := assembly.HalfYear(h)
		byTopic, err := log.TopicAirtime(ctx, from, to, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, tp := range taxonomy.Topics() {
			if byTopic[tp.Code] <= 0 {
				t.Errorf("half-year from %s: topic %s got no airtime", from.Format("2006-01-02"), tp.Code)
			}
		}
		if real, err := log.TopicAirtime(ctx, from, to, false); err != nil || len(real) != 0 {
			t.Errorf("simulated airtime counted as real: %v %v", real, err)
		}
	}

	// The log's totals add up: items per run end where the run ends, and the
	// log's script seconds by topic and month equal the simulation's.
	for _, r := range query(t, s.db, `SELECT r.id, r.ended_at, MAX(i.ended_at), r.started_at, MIN(i.started_at)
			FROM air_runs r JOIN air_items i ON i.run_id = r.id GROUP BY r.id`) {
		if math.Abs(parse(t, r[1]).Sub(parse(t, r[2])).Seconds()) > 0.002 || r[3] != r[4] {
			t.Errorf("run %s: run %s..%s, items %s..%s", r[0], r[3], r[1], r[4], r[2])
		}
	}
	var simTotal float64
	for _, m := range res.Months {
		byTopic, err := log.TopicAirtime(ctx, m.From, m.To, true)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, tp := range taxonomy.Topics() {
			if d := byTopic[tp.Code] - m.ByTopic[tp.Code]; math.Abs(d) > 1e-6 {
				t.Errorf("%s %s: log %.3fs, simulation %.3fs", m.Key, tp.Code, byTopic[tp.Code], m.ByTopic[tp.Code])
			}
			sum += m.ByTopic[tp.Code]
		}
		if math.Abs(sum-m.Seconds) > 1e-6 {
			t.Errorf("%s: topics add to %.3f, total %.3f", m.Key, sum, m.Seconds)
		}
		simTotal += m.Seconds
	}
	var logTotal float64
	var logItems, simItems int
	if err := s.db.QueryRow(`SELECT SUM(seconds), COUNT(*) FROM air_items WHERE kind = 'script'`).Scan(&logTotal, &logItems); err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Halves {
		simItems += h.Scripts
	}
	if math.Abs(logTotal-simTotal) > 1e-6 || logItems != simItems {
		t.Errorf("log %d items %.3fs, simulation %d items %.3fs", logItems, logTotal, simItems, simTotal)
	}
	t.Logf("2027: %d runs, %d script items, %.1f h of scripts; distinct scripts H1 %d, H2 %d",
		len(res.Runs), logItems, logTotal/3600, res.Halves[0].Distinct, res.Halves[1].Distinct)

	// A second recording of the period writes nothing.
	err := Record(ctx, log, res)
	if !inputerr.Is(err) {
		t.Errorf("second Record = %v, want an input error", err)
	}
	var n int
	s.db.QueryRow(`SELECT COUNT(*) FROM air_runs`).Scan(&n)
	if n != len(want) {
		t.Errorf("%d runs after a refused second recording", n)
	}
}

func TestRecordRefusesRealLog(t *testing.T) {
	ctx := context.Background()
	s := newStation(t)
	log := airlog.New(s.db)
	if _, err := log.OpenRun(ctx, airlog.RunSpec{Programme: "cchc-hang-tuan", ScheduledAt: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	res := s.simulateYear(t, 2027)
	err := Record(ctx, log, res)
	if !errors.Is(err, ErrRealBroadcasts) || !inputerr.Is(err) {
		t.Fatalf("Record = %v", err)
	}
	var n int
	s.db.QueryRow(`SELECT COUNT(*) FROM air_runs WHERE simulated = 1`).Scan(&n)
	if n != 0 {
		t.Errorf("%d simulated runs written", n)
	}
}

// BenchmarkSimulateYear measures simulating one year of the shipped
// schedules against 150 scripts (no recording).
func BenchmarkSimulateYear(b *testing.B) {
	s := newStation(b)
	ctx := context.Background()
	scripts, err := queue.New(s.db, nil, s.cfg, nil).Approved(ctx)
	if err != nil {
		b.Fatal(err)
	}
	loc := s.cfg.Location()
	opt := Options{Programmes: s.progs, Scripts: scripts, Location: loc,
		From: time.Date(2027, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2028, 1, 1, 0, 0, 0, 0, loc)}
	for b.Loop() {
		if _, err := Simulate(ctx, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSimulateYearRecord adds writing the year into the airtime log.
func BenchmarkSimulateYearRecord(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := newStation(b)
		b.StartTimer()
		res := s.simulateYear(b, 2027)
		if err := Record(context.Background(), airlog.New(s.db), res); err != nil {
			b.Fatal(err)
		}
	}
}

func query(t *testing.T, db *sql.DB, q string) [][]string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func parse(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := database.ParseTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRecordAllOrNothing: a recording that fails half-way writes nothing,
// so the operator can fix the cause and record the period again (a second
// recording of a period with some runs in it is refused).
func TestRecordAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := newStation(t)
	res := s.simulateYear(t, 2027)
	if len(res.Runs) < 10 || len(res.Runs[5].Plan.Items) == 0 {
		t.Fatalf("want a year of runs with items, got %d runs", len(res.Runs))
	}
	res.Runs[5].Plan.Items[0].Kind = "bogus" // the database write of the 6th run fails
	if err := Record(ctx, airlog.New(s.db), res); err == nil {
		t.Fatal("Record succeeded with a bad item")
	}
	var runs, items int
	s.db.QueryRow(`SELECT COUNT(*) FROM air_runs`).Scan(&runs)
	s.db.QueryRow(`SELECT COUNT(*) FROM air_items`).Scan(&items)
	if runs != 0 || items != 0 {
		t.Errorf("failed recording left %d runs and %d items in the log", runs, items)
	}
}

// TestRecordReasonVietnamese: an empty run's reason in the log is read by
// people (loa log --runs, reports): Vietnamese, not assembly's English detail.
func TestRecordReasonVietnamese(t *testing.T) {
	ctx := context.Background()
	s := newStation(t)
	res := s.simulateYear(t, 2027)
	p := &res.Runs[0].Plan
	p.Items, p.FillS, p.ScriptS = nil, 0, 0
	p.Problems = []assembly.Problem{{Code: assembly.NoCandidates, Msg: "no approved script may air in this programme now"}}
	if err := Record(ctx, airlog.New(s.db), res); err != nil {
		t.Fatal(err)
	}
	var status, reason string
	s.db.QueryRow(`SELECT status, reason FROM air_runs ORDER BY id LIMIT 1`).Scan(&status, &reason)
	if want := "không có bài đã duyệt nào được phát trong chương trình này"; status != airlog.RunEmpty || reason != want {
		t.Errorf("empty run logged %s, %q; want empty, %q", status, reason, want)
	}
}
