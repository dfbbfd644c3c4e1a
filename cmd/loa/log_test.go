package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/internal/airlog"
	"loa/internal/database"
)

// seedLog writes a small airtime log: a completed run, a run interrupted
// mid-script (recovered), a missed run and a simulated-looking empty run on
// another programme.
func seedLog(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(dir, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`INSERT INTO scripts (id, title, topic, area, created_at, updated_at) VALUES (1, 'Dịch vụ công trực tuyến mức độ 4', 'mot-cua-dvc', 'thu-tuc', 'x', 'x')`,
		`INSERT INTO scripts (id, title, topic, created_at, updated_at) VALUES (2, 'Kế hoạch CCHC năm 2026 của xã', 'ke-hoach', 'x', 'x')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	l := airlog.New(db)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) // Tuesday 17:00 +07
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	r1, err := l.OpenRun(ctx, airlog.RunSpec{Programme: "cchc-hang-tuan", Title: "Chuyên mục Cải cách hành chính", Output: "alsa", ScheduledAt: at})
	must(err)
	must(l.StartRun(ctx, r1, at.Add(ms(8)), 8.4))
	off := ms(8)
	for i, it := range []struct {
		kind  string
		id    int64
		title string
		topic string
		area  string
		secs  float64
	}{
		{"jingle", 0, "Nhạc hiệu mở đầu", "", "", 6.25},
		{"script", 1, "Dịch vụ công trực tuyến mức độ 4", "mot-cua-dvc", "thu-tuc", 184.5},
		{"script", 2, "Kế hoạch CCHC năm 2026 của xã", "ke-hoach", "", 242.125},
		{"jingle", 0, "Nhạc hiệu kết thúc", "", "", 5},
	} {
		id, err := l.StartItem(ctx, airlog.ItemSpec{RunID: r1, Position: i, Kind: it.kind, ScriptID: it.id, Title: it.title,
			Topic: it.topic, Area: it.area, ScheduledAt: at.Add(off - ms(8)), StartedAt: at.Add(off)})
		must(err)
		must(l.CloseItem(ctx, id, airlog.ItemEnd{Seconds: it.secs, Status: airlog.ItemAired}))
		off += time.Duration(it.secs*1000)*time.Millisecond + 2*time.Second
	}
	must(l.CloseRun(ctx, r1, airlog.RunEnd{EndedAt: at.Add(off - 2*time.Second), Status: airlog.RunCompleted}))

	at2 := at.Add(3 * 24 * time.Hour) // Friday
	r2, err := l.OpenRun(ctx, airlog.RunSpec{Programme: "cchc-hang-tuan", Title: "Chuyên mục Cải cách hành chính", Output: "alsa", ScheduledAt: at2})
	must(err)
	must(l.StartRun(ctx, r2, at2.Add(ms(31)), 31))
	i1, err := l.StartItem(ctx, airlog.ItemSpec{RunID: r2, Kind: "script", ScriptID: 2, Title: "Kế hoạch CCHC năm 2026 của xã",
		Topic: "ke-hoach", ScheduledAt: at2, StartedAt: at2.Add(ms(31))})
	must(err)
	must(l.Progress(ctx, i1, 97.3))
	_, err = l.RecoverOpen(ctx, "loa dừng đột ngột; đóng khi khởi động lại")
	must(err)

	_, err = l.LogMissed(ctx, airlog.RunSpec{Programme: "tong-ket-thang", Title: "Tổng kết tháng", Output: "alsa",
		ScheduledAt: time.Date(2026, 12, 5, 23, 30, 0, 0, time.UTC)}, airlog.RunMissed, "loa không chạy vào giờ phát")
	must(err)
	_, err = l.LogMissed(ctx, airlog.RunSpec{Programme: "tong-ket-thang", Title: "Tổng kết tháng", Output: "alsa",
		ScheduledAt: time.Date(2027, 1, 2, 23, 30, 0, 0, time.UTC)}, airlog.RunEmpty, "không có bài đã duyệt phù hợp")
	must(err)
}

func TestLogGolden(t *testing.T) {
	dir := t.TempDir()
	seedLog(t, dir)
	tests := []struct {
		name string
		args []string
	}{
		{"items", nil},
		{"items-json", []string{"--json"}},
		{"runs", []string{"--runs"}},
		{"runs-json", []string{"--runs", "--json"}},
		{"from-to", []string{"--from", "2026-11-27", "--to", "2026-11-27", "--json"}},
		{"programme-runs", []string{"--programme", "tong-ket-thang", "--runs"}},
		{"empty", []string{"--from", "2030-01-01"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errb := runLoa(t, append([]string{"--data", dir, "log"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errb)
			}
			checkGolden(t, filepath.Join("log", tc.name+".golden"), out)
		})
	}
}

func TestLogBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad from", []string{"--from", "24/11/2026"}, "--from"},
		{"bad to", []string{"--to", "2026-13-01"}, "--to"},
		{"reversed", []string{"--from", "2026-12-01", "--to", "2026-11-01"}, "before"},
		{"extra arg", []string{"x"}, "want 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errb := runLoa(t, append([]string{"--data", dir, "log"}, tc.args...)...)
			if code != 2 || !strings.Contains(errb, tc.want) {
				t.Fatalf("exit %d, stderr %q; want 2 mentioning %q", code, errb, tc.want)
			}
		})
	}
}

// TestLogOpenRowLabel: a row still open (on air, or left by a crash and
// not yet recovered) reads as the report words it, "chưa kết thúc"; "đang
// mở" (a literal "open") means nothing to an operator.
func TestLogOpenRowLabel(t *testing.T) {
	if got := statusLabel(""); got != "chưa kết thúc" {
		t.Errorf("open row: %q", got)
	}
}
