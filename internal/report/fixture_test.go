package report

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/report/reporttest"
)

// testNow is the date the test reports are dated.
var testNow = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// local is a station-local wall-clock time (Asia/Ho_Chi_Minh, UTC+7).
func local(t testing.TB, s string) time.Time {
	t.Helper()
	loc := config.Default().Location()
	v, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type script struct {
	id                    int64
	title, topic, area, a string
}

var (
	s1 = script{1, "Bài A: Chủ trương của Đảng về CCHC", "chu-truong", "the-che", "nguoi-dan"}
	s2 = script{2, "Bài B: Kế hoạch CCHC năm 2023", "ke-hoach", "thu-tuc", "can-bo-cong-chuc"}
	s3 = script{3, "Bài C: Một cửa điện tử", "mot-cua-dvc", "", "nguoi-dan"}
	s4 = script{4, "Bài D: Kết quả quý I", "ket-qua", "bo-may", "nguoi-dan"}
	s5 = script{5, "Bài E: Mô hình hay", "mo-hinh", "hien-dai-hoa", "lanh-dao"}
	s6 = script{6, "Bài F: Quyền giám sát của nhân dân", "quyen-nghia-vu", "can-bo", "nguoi-dan"}
)

func item(t testing.TB, s script, at string, secs float64, status string) reporttest.Item {
	return reporttest.Item{Kind: "script", ScriptID: s.id, Title: s.title, Topic: s.topic, Area: s.area, Audience: s.a,
		Started: local(t, at), Seconds: secs, Status: status}
}

func music(t testing.TB, kind, at string, secs float64) reporttest.Item {
	return reporttest.Item{Kind: kind, Title: kind, Started: local(t, at), Seconds: secs, Status: "aired"}
}

// fixture writes the known airtime log the tests check figures against:
//
//	run 1  2022-12-31 23:59 completed: jingle 30 s (2022); s1 at 23:59:59 1 s (2022);
//	       s1 at 2023-01-01 00:00:00 120.5 s (2023-H1, the first second)
//	run 2  2023-03-15 05:30 completed: jingle 15 s; s2 300 s; s1 200.25 s; filler 60 s
//	run 3  2023-05-10 17:00 partial: s3 partial 90.75 s; s4 failed
//	run 4  2023-05-11 17:00 missed; run 5 2023-05-12 17:00 empty
//	run 6  2023-06-30 23:30 completed, crossing midnight and the half-year:
//	       s5 23:30:00 1799 s (H1); s2 23:59:59 61 s (H1);
//	       s6 2023-07-01 00:00:00 100 s (H2, the first second)
//	run 7  2023-07-01 06:00 (= 2023-06-30 23:00 UTC) completed: s1 150 s (H2)
//	run 8  2023-04-01 05:30 completed, SIMULATED: s2 45.5 s
//	run 9  2023-06-01 17:00 open (status NULL): s3 open, progress 30 s
func fixture(t testing.TB) *sql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "loa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	type run struct {
		r     reporttest.Run
		items []reporttest.Item
	}
	runs := []run{
		{reporttest.Run{Programme: "dem", Title: "Bản tin đêm giao thừa", Scheduled: local(t, "2022-12-31 23:59:00"), Status: "completed"},
			[]reporttest.Item{music(t, "jingle", "2022-12-31 23:59:00", 30), item(t, s1, "2022-12-31 23:59:59", 1, "aired"),
				item(t, s1, "2023-01-01 00:00:00", 120.5, "aired")}},
		{reporttest.Run{Programme: "sang", Title: "Chương trình buổi sáng", Scheduled: local(t, "2023-03-15 05:30:00"), Status: "completed"},
			[]reporttest.Item{music(t, "jingle", "2023-03-15 05:30:00", 15), item(t, s2, "2023-03-15 05:30:15", 300, "aired"),
				item(t, s1, "2023-03-15 05:35:15", 200.25, "aired"), music(t, "filler", "2023-03-15 05:38:35", 60)}},
		{reporttest.Run{Programme: "chieu", Title: "Chương trình buổi chiều", Scheduled: local(t, "2023-05-10 17:00:00"), Status: "partial"},
			[]reporttest.Item{item(t, s3, "2023-05-10 17:00:00", 90.75, "partial"), item(t, s4, "2023-05-10 17:01:31", 0, "failed")}},
		{reporttest.Run{Programme: "chieu", Scheduled: local(t, "2023-05-11 17:00:00"), Status: "missed"}, nil},
		{reporttest.Run{Programme: "chieu", Scheduled: local(t, "2023-05-12 17:00:00"), Status: "empty"}, nil},
		{reporttest.Run{Programme: "dem", Title: "Bản tin đêm", Scheduled: local(t, "2023-06-30 23:30:00"), Status: "completed"},
			[]reporttest.Item{item(t, s5, "2023-06-30 23:30:00", 1799, "aired"), item(t, s2, "2023-06-30 23:59:59", 61, "aired"),
				item(t, s6, "2023-07-01 00:00:00", 100, "aired")}},
		{reporttest.Run{Programme: "sang", Title: "Chương trình buổi sáng", Scheduled: local(t, "2023-07-01 06:00:00"), Status: "completed"},
			[]reporttest.Item{item(t, s1, "2023-07-01 06:00:00", 150, "aired")}},
		{reporttest.Run{Programme: "sang", Title: "Chương trình buổi sáng", Scheduled: local(t, "2023-04-01 05:30:00"), Status: "completed", Simulated: true},
			[]reporttest.Item{func() reporttest.Item {
				i := item(t, s2, "2023-04-01 05:30:00", 45.5, "aired")
				i.Simulated = true
				return i
			}()}},
		{reporttest.Run{Programme: "chieu", Title: "Chương trình buổi chiều", Scheduled: local(t, "2023-06-01 17:00:00")},
			[]reporttest.Item{func() reporttest.Item { i := item(t, s3, "2023-06-01 17:00:00", -1, ""); i.Progress = 30; return i }()}},
	}
	for _, r := range runs {
		if _, err := reporttest.AddRun(ctx, db, r.r, r.items...); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func build(t testing.TB, db *sql.DB, cfg *config.Config, spec string) *Report {
	t.Helper()
	p, err := ParsePeriod(spec, cfg.Location())
	if err != nil {
		t.Fatal(err)
	}
	r, err := Build(context.Background(), db, cfg, p, testNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func mustPeriod(t testing.TB, spec string) Period {
	t.Helper()
	p, err := ParsePeriod(spec, config.Default().Location())
	if err != nil {
		t.Fatal(err)
	}
	return p
}
