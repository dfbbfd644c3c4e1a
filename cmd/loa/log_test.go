package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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
		{"last-scripts", []string{"--kind", "script", "--last", "2"}},
		{"runs-missed-json", []string{"--runs", "--status", "missed", "--json"}},
		{"last-run", []string{"--runs", "--last", "1"}},
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
		{"bad status", []string{"--status", "done"}, "--status"},
		{"run status for items", []string{"--status", "completed"}, "--status"},
		{"bad kind", []string{"--kind", "song"}, "--kind"},
		{"kind of runs", []string{"--runs", "--kind", "script"}, "--kind"},
		{"last too many", []string{"--last", "1001"}, "--last"},
		{"last negative", []string{"--last", "-1"}, "--last"},
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

// bigLog fills a new data directory's airtime log with runs of ten script
// items each, an hour apart from 2010 on: n items in all.
func bigLog(t *testing.T, n int) string {
	t.Helper()
	data := t.TempDir()
	db, err := database.Open(context.Background(), filepath.Join(data, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const ts = `strftime('%Y-%m-%dT%H:%M:%fZ', '2010-01-01', '+' || (%s) || ' seconds')`
	at := func(expr string) string { return strings.Replace(ts, "%s", expr, 1) }
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? / 10 - 1)
		INSERT INTO air_runs (id, programme, title, output, scheduled_at, started_at, ended_at, status, start_error_ms)
		SELECT i + 1, 'cchc-hang-tuan', 'Chuyên mục Cải cách hành chính', 'alsa', ` + at("i * 3600") + `, ` + at("i * 3600") + `,
			` + at("i * 3600 + 600") + `, 'completed', 1.5 FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
		INSERT INTO air_items (run_id, position, kind, title, topic, scheduled_at, started_at, ended_at, seconds, status)
		SELECT i / 10 + 1, i % 10, 'script', 'Bài tuyên truyền số ' || i || ' về cải cách thủ tục hành chính', 'ke-hoach',
			` + at("(i / 10) * 3600 + (i % 10) * 60") + `, ` + at("(i / 10) * 3600 + (i % 10) * 60") + `,
			` + at("(i / 10) * 3600 + (i % 10) * 60 + 59") + `, 59, 'aired' FROM n`,
	} {
		if _, err := db.Exec(q, n); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

// lineCounter counts the lines written to it.
type lineCounter struct{ n int }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// TestLogMemoryFlat: `loa log` over a million items streams them: the
// real binary's peak resident memory stays under 64 MB for the table, the
// JSON lines and the runs, and every row is printed.
func TestLogMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a million-row airtime log (about 20 s)")
	}
	const n = 1_000_000
	start := time.Now()
	data := bigLog(t, n)
	t.Logf("generated %d items in %s", n, time.Since(start).Round(time.Millisecond))
	bin := loaBinary(t)
	for _, tc := range []struct {
		args  []string
		lines int
	}{
		{[]string{"log"}, n + 2}, // header and total
		{[]string{"log", "--json"}, n},
		{[]string{"log", "--runs"}, n/10 + 2},
	} {
		cmd := exec.Command(bin, append([]string{"--data", data}, tc.args...)...)
		out := &lineCounter{}
		var errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = out, &errb
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The child's own peak, from its /proc status while it runs: the
		// rusage Maxrss of a child started by vfork also holds the peak
		// of this test process (whose address space the child shared until
		// exec), which the million rows just generated here raise, more so
		// when the GC is slow under load (65-83 MB seen, the child ~35).
		peak := make(chan int64)
		go func() { peak <- watchHWM(cmd.Process.Pid) }()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("loa %v: %v\n%s", tc.args, err, errb.String())
		}
		rss := <-peak // KiB
		t.Logf("loa %s: %d lines in %s, peak RSS %.1f MB (rusage, with the test's: %.1f MB)", strings.Join(tc.args, " "), out.n,
			time.Since(start).Round(time.Millisecond), float64(rss)/1024, float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)/1024)
		if rss == 0 {
			t.Fatalf("loa %v: no peak RSS read from /proc", tc.args)
		}
		if out.n != tc.lines {
			t.Errorf("loa %v: %d lines, want %d", tc.args, out.n, tc.lines)
		}
		if rss > 64*1024 {
			t.Errorf("loa %v: peak RSS %.1f MB over a %d-row log, want under 64 MB", tc.args, float64(rss)/1024, n)
		}
	}
}

// watchHWM reads the peak resident set (VmHWM, KiB) of a running process
// every 20 ms until it exits, and returns the last value read (a high-water
// mark only grows; the final 20 ms are not seen).
func watchHWM(pid int) int64 {
	var hwm int64
	path := fmt.Sprintf("/proc/%d/status", pid)
	for {
		b, err := os.ReadFile(path)
		if err != nil {
			return hwm
		}
		_, rest, ok := strings.Cut(string(b), "VmHWM:")
		if !ok {
			return hwm // a zombie has no memory lines
		}
		if f := strings.Fields(rest); len(f) > 0 {
			if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				hwm = max(hwm, n)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}
