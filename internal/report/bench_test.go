package report

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/taxonomy"
)

// The benchmarks share one big airtime log (about 1,000,000 air_items over
// 2010–2029), generated once per process in a temporary directory, or kept
// across runs at $LOA_BENCH_DB if set. Normal test runs never build it.
var bigDB struct {
	once sync.Once
	path string
	tmp  string // removed by TestMain
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigDB.tmp != "" {
		os.RemoveAll(bigDB.tmp)
	}
	os.Exit(code)
}

const bigRows = 1_000_000

func bigDatabase(b *testing.B) (*sql.DB, *config.Config) {
	b.Helper()
	bigDB.once.Do(func() {
		path := os.Getenv("LOA_BENCH_DB")
		if path == "" {
			dir, err := os.MkdirTemp("", "loa-report-bench")
			if err != nil {
				bigDB.err = err
				return
			}
			bigDB.tmp = dir
			path = filepath.Join(dir, "loa.db")
		}
		bigDB.path = path
		if _, err := os.Stat(path); err == nil {
			return
		}
		bigDB.err = generate(context.Background(), path, bigRows)
	})
	if bigDB.err != nil {
		b.Fatal(bigDB.err)
	}
	// A $LOA_BENCH_DB kept from an older loa is brought to this schema.
	db, err := database.OpenUpgrade(context.Background(), bigDB.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	// A kept $LOA_BENCH_DB whose generation was cut short holds the schema
	// and no rows: the benchmarks would time an empty report.
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM air_items").Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n != bigRows {
		b.Fatalf("%s holds %d air_items, want %d: delete it to generate it again", bigDB.path, n, bigRows)
	}
	return db, config.Default()
}

// generate writes n items: six programmes a day, each a jingle and ~22
// scripts, with partial and failed items, open rows and a few simulated runs.
func generate(ctx context.Context, path string, n int) error {
	db, err := database.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	loc := config.Default().Location()
	rng := rand.New(rand.NewPCG(1, 2))
	topics, areas, auds := taxonomy.Topics(), taxonomy.Areas(), taxonomy.Audiences()
	return database.Tx(ctx, db, func(tx *sql.Tx) error {
		for id := 1; id <= 500; id++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO scripts (id, title, topic, status, created_at, updated_at)
				VALUES (?, ?, ?, 'approved', '2010-01-01T00:00:00.000Z', '2010-01-01T00:00:00.000Z')`,
				id, fmt.Sprintf("Bài số %d", id), topics[id%len(topics)].Code); err != nil {
				return err
			}
		}
		runStmt, err := tx.PrepareContext(ctx, `INSERT INTO air_runs (programme, title, scheduled_at, started_at, ended_at, status, simulated)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		itemStmt, err := tx.PrepareContext(ctx, `INSERT INTO air_items (run_id, position, kind, script_id, title, topic, area, audience,
			audio_sha256, scheduled_at, started_at, ended_at, progress_s, seconds, status, simulated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		hours := []int{5, 6, 11, 17, 18, 20}
		count := 0
		for day := time.Date(2010, 1, 1, 0, 0, 0, 0, loc); count < n; day = day.AddDate(0, 0, 1) {
			for _, h := range hours {
				sched := day.Add(time.Duration(h)*time.Hour + 30*time.Minute)
				sim := rng.IntN(50) == 0
				res, err := runStmt.ExecContext(ctx, "p"+fmt.Sprint(h), fmt.Sprintf("Chương trình %d giờ", h),
					database.FormatTime(sched), database.FormatTime(sched), database.FormatTime(sched.Add(time.Hour)),
					[]string{"completed", "completed", "completed", "partial", "missed", "empty"}[rng.IntN(6)], sim)
				if err != nil {
					return err
				}
				runID, _ := res.LastInsertId()
				t := sched
				for pos := 1; pos <= 23 && count < n; pos++ {
					kind, sid := "script", any(nil)
					if pos == 1 {
						kind = "jingle"
					} else {
						sid = rng.IntN(500) + 1
					}
					secs := 60 + rng.Float64()*240
					status := any("aired")
					switch rng.IntN(40) {
					case 0:
						status = "partial"
						secs /= 2
					case 1:
						status = "failed"
						secs = 0
					}
					if count == n-1 {
						status = nil
					}
					top := topics[rng.IntN(len(topics))].Code
					area := ""
					if rng.IntN(3) > 0 {
						area = areas[rng.IntN(len(areas))].Code
					}
					aud := auds[rng.IntN(len(auds))].Code
					if _, err := itemStmt.ExecContext(ctx, runID, pos, kind, sid, fmt.Sprintf("Bài tuyên truyền số %d", sid),
						top, area, aud, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
						database.FormatTime(sched), database.FormatTime(t), database.FormatTime(t.Add(time.Duration(secs*1e9))),
						secs, secs, status, sim); err != nil {
						return err
					}
					t = t.Add(time.Duration(secs * 1e9))
					count++
				}
			}
		}
		return nil
	})
}

func benchPeriods(b *testing.B, cfg *config.Config) map[string]Period {
	y, err := ParsePeriod("2023", cfg.Location())
	if err != nil {
		b.Fatal(err)
	}
	all, err := ParseRange("2010-01-01", "2029-12-31", cfg.Location())
	if err != nil {
		b.Fatal(err)
	}
	return map[string]Period{"year": y, "all": all}
}

// countWriter counts what a format writes, so that a benchmark fails when
// it times a report of nothing.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

func benchFormat(b *testing.B, render func(context.Context, *Report, io.Writer) error) {
	benchPeriodsOf(b, render, "year", "all")
}

// benchPeriodsOf times render over the named periods and reports the size
// written (MB/op).
func benchPeriodsOf(b *testing.B, render func(context.Context, *Report, io.Writer) error, names ...string) {
	db, cfg := bigDatabase(b)
	ctx := context.Background()
	periods := benchPeriods(b, cfg)
	for _, pn := range names {
		p := periods[pn]
		b.Run(pn, func(b *testing.B) {
			for b.Loop() {
				r, err := Build(ctx, db, cfg, p, time.Date(2026, 11, 26, 9, 0, 0, 0, cfg.Location()))
				if err != nil {
					b.Fatal(err)
				}
				if r.Items == 0 {
					b.Fatalf("%s: no broadcasts in the period", pn)
				}
				if render != nil {
					var w countWriter
					if err := render(ctx, r, &w); err != nil {
						b.Fatal(err)
					}
					if w == 0 {
						b.Fatalf("%s: nothing written", pn)
					}
					b.ReportMetric(float64(w)/1e6, "MB/op")
				}
				r.Close()
			}
		})
	}
}

// BenchmarkBuild times the figures alone (render nil).
func BenchmarkBuild(b *testing.B) {
	benchFormat(b, nil)
}

// The figures the issue bounds: JSON and CSV summary under 2 s, PDF and
// XLSX under 5 s, for a log of 1,000,000 rows. "year" reports 2023 (about
// 50,000 items), "all" the whole log.
func BenchmarkJSON(b *testing.B) {
	benchFormat(b, func(ctx context.Context, r *Report, w io.Writer) error { return r.WriteJSON(w) })
}

func BenchmarkCSVSummary(b *testing.B) {
	benchFormat(b, func(ctx context.Context, r *Report, w io.Writer) error { return r.WriteSummaryCSV(w) })
}

func BenchmarkCSV(b *testing.B) {
	benchFormat(b, func(ctx context.Context, r *Report, w io.Writer) error { return r.WriteCSV(ctx, w) })
}

// BenchmarkPDF times a year's document (46,919 broadcasts, every one in
// the annex): bound 10 s and 20 MB for a year of 50,000. The whole log (a million
// rows) is not a document anyone prints.
func BenchmarkPDF(b *testing.B) {
	benchPeriodsOf(b, func(ctx context.Context, r *Report, w io.Writer) error { return r.WritePDF(ctx, w) }, "year")
}

// BenchmarkDOCX times a year's Word document (every broadcast in the
// annex).
func BenchmarkDOCX(b *testing.B) {
	benchPeriodsOf(b, func(ctx context.Context, r *Report, w io.Writer) error { return r.WriteDOCX(ctx, w) }, "year")
}

func BenchmarkXLSX(b *testing.B) {
	benchFormat(b, func(ctx context.Context, r *Report, w io.Writer) error { return r.WriteXLSX(ctx, w) })
}
