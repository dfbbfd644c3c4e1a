package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"loa/internal/database"
	"loa/internal/station"
)

// writeWAV writes a stand-in jingle of secs seconds whose exact length
// the audio engine reads back.
func writeWAV(t *testing.T, path string, secs float64) {
	t.Helper()
	if err := os.WriteFile(path, wavBytes(secs), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestScheduleCheckShipped checks the station's real schedules with the
// real jingles, from the repository root as `make run` does.
func TestScheduleCheckShipped(t *testing.T) {
	needJingles(t, "intro", "outro", "ident")
	data := t.TempDir()
	t.Chdir("../..")
	code, out, errs := runLoa(t, "--data", data, "schedule", "check")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"ok  cchc-hang-tuan", "cron 0 17 * * 2,5", "ok  tong-hop-thang", "monthly first sunday 06:30"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestScheduleCheckProblems: each listed problem is reported with file and
// field, all of them in one run, and the exit status is 2.
func TestScheduleCheckProblems(t *testing.T) {
	dir := t.TempDir()
	intro := filepath.Join(dir, "intro.wav")
	writeWAV(t, intro, 1.5)
	ok := "title = \"T\"\nlength = \"15m\"\n"
	tests := []struct {
		file, body string
		want       []string // substrings of one problem line each
	}{
		{"bad-cron.toml", "name = \"a\"\ncron = \"0 17 * * 8\"\n" + ok, []string{"bad-cron.toml: cron: \"0 17 * * 8\""}},
		{"topic.toml", "name = \"b\"\ncron = \"0 5 * * 1\"\ntopics = [\"ke-hoach\", \"van-hoa\"]\n" + ok, []string{"topic.toml: topics: unknown topic \"van-hoa\""}},
		{"jingle.toml", "name = \"c\"\ncron = \"0 6 * * 1\"\nintro = \"" + intro + "\"\noutro = \"khong-co.mp3\"\n" + ok,
			[]string{"jingle.toml: outro: file khong-co.mp3 does not exist"}},
		{"both.toml", "name = \"d\"\ncron = \"0 7 * * 1\"\nmonthly = \"first monday 07:00\"\n" + ok, []string{"both.toml: cron: both cron and monthly"}},
		{"neither.toml", "name = \"e\"\n" + ok, []string{"neither.toml: cron: missing"}},
		{"unknown.toml", "name = \"f\"\ncron = \"0 8 * * 1\"\nlenght = \"5m\"\n" + ok, []string{"unknown.toml: lenght: unknown key"}},
		{"monthly.toml", "name = \"g\"\nmonthly = \"last sunday 25:00\"\n" + ok, []string{"monthly.toml: monthly: \"last sunday 25:00\""}},
		// an output spec the daemon would refuse to start on
		{"output.toml", "name = \"h\"\ncron = \"0 9 * * 1\"\noutput = \"alsa+loa-ngoai-troi\"\n" + ok,
			[]string{"output.toml: output: ", "unknown part \"loa-ngoai-troi\""}},
		// overlaps: daily 17:00–17:15 against Tuesday 17:10 on the default output
		{"x-daily.toml", "name = \"x\"\ncron = \"0 17 * * *\"\n" + ok, nil},
		{"y-tue.toml", "name = \"y\"\ncron = \"10 17 * * 2\"\n" + ok, []string{"y-tue.toml: cron: run at ", "overlaps \"x\""}},
		// another output: no overlap
		{"z-other.toml", "name = \"z\"\ncron = \"10 17 * * 2\"\noutput = \"null\"\n" + ok, nil},
	}
	files := map[string]string{}
	for _, tc := range tests {
		files[tc.file] = tc.body
	}
	writeFiles(t, dir, files)
	code, out, errs := runLoa(t, "--data", t.TempDir(), "schedule", "check", "--schedules", dir)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s%s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	n := 0
	for _, tc := range tests {
		if tc.want == nil {
			for _, l := range lines {
				if strings.HasPrefix(l, filepath.Join(dir, tc.file)+":") {
					t.Errorf("%s reported: %s", tc.file, l)
				}
			}
			continue
		}
		n++
		found := false
		for _, l := range lines {
			all := true
			for _, w := range tc.want {
				all = all && strings.Contains(l, w)
			}
			found = found || all
		}
		if !found {
			t.Errorf("no line with %q in:\n%s", tc.want, out)
		}
	}
	if len(lines) != n {
		t.Errorf("%d problem lines, want %d:\n%s", len(lines), n, out)
	}
	if !strings.Contains(errs, fmt.Sprintf("%d problem(s)", n)) {
		t.Errorf("stderr: %s", errs)
	}
}

// seedScripts writes approved scripts straight into a data dir's database.
func seedScripts(t *testing.T, data string, n int) {
	t.Helper()
	db, err := database.Open(context.Background(), filepath.Join(data, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	topics := []string{"chu-truong", "ke-hoach", "ket-qua", "mo-hinh", "quyen-nghia-vu", "dan-chu-ntm", "mot-cua-dvc"}
	err = database.Tx(context.Background(), db, func(tx *sql.Tx) error {
		for i := range n {
			sha := fmt.Sprintf("%064x", i+1)
			secs := 45 + (i*53)%180
			var until string
			if i == 2 {
				until = "2027-01-31"
			}
			_, err := tx.Exec(`INSERT INTO scripts (title, topic, audience, audio_sha256, audio_format, sample_rate, channels,
					frames, duration_s, air_until, status, approved_by, approved_at, approved_audio_sha256, created_at, updated_at)
				VALUES (?, ?, 'nguoi-dan', ?, 'mp3', 44100, 1, ?, ?, ?, 'approved', 'Nguyễn Văn An', ?, ?, ?, ?)`,
				fmt.Sprintf("Bài số %d", i+1), topics[i%len(topics)], sha, secs*44100+i, float64(secs), until,
				fmt.Sprintf("2026-11-%02dT02:00:00.000Z", 1+i%25), sha, "2026-11-01T01:00:00.000Z", "2026-11-01T01:00:00.000Z")
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testSchedules writes a weekly and a monthly programme with a WAV ident.
func testSchedules(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ident := filepath.Join(dir, "ident.wav")
	writeWAV(t, ident, 12.5)
	writeFiles(t, dir, map[string]string{
		"tuan.toml":  "name = \"cchc-hang-tuan\"\ntitle = \"Chuyên mục Cải cách hành chính\"\ncron = \"0 17 * * 2,5\"\nlength = \"10m\"\ngap = \"2s\"\nrepeat_days = 3\nfill = \"filler\"\nfiller = \"" + ident + "\"\n",
		"thang.toml": "name = \"tong-hop-thang\"\ntitle = \"Tổng hợp tháng\"\nmonthly = \"first sunday 06:30\"\nlength = \"20m\"\nmax_items = 4\ntopics = [\"ket-qua\", \"mo-hinh\"]\n",
	})
	return dir
}

func TestScheduleNext(t *testing.T) {
	data := t.TempDir()
	seedScripts(t, data, 12)
	sched := testSchedules(t)
	for _, tc := range []struct{ name, golden string }{{"text", "next.golden"}, {"json", "next-json.golden"}} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"--data", data, "schedule", "next", "--schedules", sched, "--count", "4", "--from", "2026-12-31 12:00"}
			if tc.name == "json" {
				args = append(args, "--json")
			}
			code, out, errs := runLoa(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			checkGolden(t, "schedule/"+tc.golden, out)
		})
	}
	if code, _, errs := runLoa(t, "--data", data, "schedule", "next", "--schedules", sched, "--count", "0"); code != 2 {
		t.Errorf("--count 0: exit %d %s", code, errs)
	}
	if code, _, errs := runLoa(t, "--data", data, "schedule", "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: exit %d %s", code, errs)
	}
}

func TestSimulate(t *testing.T) {
	data := t.TempDir()
	seedScripts(t, data, 20)
	sched := testSchedules(t)
	args := []string{"--data", data, "simulate", "--schedules", sched, "--from", "2027-01-01", "--to", "2027-07-31"}
	code, out, errs := runLoa(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	checkGolden(t, "simulate/text.golden", out)
	code, out, errs = runLoa(t, append(args, "--json", "--record")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	checkGolden(t, "simulate/json.golden", out)

	// recorded: the log shows the simulated runs; a second recording is refused
	code, logOut, errs := runLoa(t, "--data", data, "log", "--runs", "--json", "--from", "2027-01-01", "--to", "2027-01-31")
	if code != 0 || strings.Count(logOut, `"simulated":true`) != 10 {
		t.Errorf("log after --record: exit %d %s\n%s", code, errs, logOut)
	}
	if code, _, errs := runLoa(t, append(args, "--record")...); code != 2 || !strings.Contains(errs, "already holds") {
		t.Errorf("second --record: exit %d %s", code, errs)
	}

	for _, bad := range [][]string{
		{"--from", "2027-01-01"},
		{"--from", "2027-02-01", "--to", "2027-01-01"},
		{"--from", "01/01/2027", "--to", "2027-01-31"},
	} {
		if code, _, errs := runLoa(t, append([]string{"--data", data, "simulate", "--schedules", sched}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d %s", bad, code, errs)
		}
	}
}

// demoStation queues and approves the 7 demo scripts (audio/demo) in a new
// data dir, as `make demo` does, approving each by the hash of its audio.
func demoStation(t *testing.T) string {
	t.Helper()
	tsv, err := os.ReadFile(demoAudio + "scripts.tsv")
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	n := 0
	for line := range strings.SplitSeq(strings.TrimSpace(string(tsv)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		code, out, errs := runLoa(t, "--data", data, "script", "add", "--json", "--title", f[4], "--topic", f[1], "--area", f[2],
			"--priority", f[3], "--audio", demoAudio+f[0]+".mp3", "--text", demoAudio+f[0]+".txt", "--by", "Cán bộ VHTT")
		if code != 0 {
			t.Fatalf("add %s: exit %d: %s", f[0], code, errs)
		}
		var s struct {
			ID     int64  `json:"id"`
			SHA256 string `json:"sha256"`
		}
		if err := json.Unmarshal([]byte(out), &s); err != nil || len(s.SHA256) < 16 {
			t.Fatalf("add %s: %q %v", f[0], out, err)
		}
		if code, _, errs := runLoa(t, "--data", data, "script", "approve", fmt.Sprint(s.ID), "--by", "Nguyễn Văn An",
			"--sha256", s.SHA256[:16]); code != 0 {
			t.Fatalf("approve %d: exit %d: %s", s.ID, code, errs)
		}
		n++
	}
	if n != 7 {
		t.Fatalf("%d demo scripts, want 7", n)
	}
	return data
}

// forecastRun is what `schedule next --json` and `simulate --json` say of
// one run.
type forecastRun struct {
	Type string `json:"type"`
	station.ForecastRun
}

func decodeRuns(t *testing.T, out string) []forecastRun {
	t.Helper()
	var runs []forecastRun
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var r forecastRun
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if r.Type == "" || r.Type == "run" {
			r.Type = ""
			runs = append(runs, r)
		}
	}
	return runs
}

func runIDs(r forecastRun) string {
	var ids []string
	for _, it := range r.Items {
		ids = append(ids, fmt.Sprintf("#%d", it.ScriptID))
	}
	return strings.Join(ids, " ")
}

// TestScheduleNextIsSimulate: `schedule next --count N` lists exactly what
// `simulate` airs over the same runs — a daily 60-second programme with the
// demo scripts (where planning every run against today's queue showed the
// same three scripts every day), and the shipped schedules over two months
// (where the weekly run after the monthly review repeats with spacing
// relaxed).
func TestScheduleNextIsSimulate(t *testing.T) {
	needJingles(t, "intro", "outro")
	data, err := filepath.Abs(demoStation(t))
	if err != nil {
		t.Fatal(err)
	}
	daily := t.TempDir()
	writeFiles(t, daily, map[string]string{"daily.toml": "name = \"daily\"\ntitle = \"Hằng ngày\"\ncron = \"0 17 * * *\"\nlength = \"60s\"\n"})
	t.Chdir("../..") // the shipped schedules name the jingles from the repository root
	for _, tc := range []struct {
		name, schedules string
		count           int
		to              string // simulate --to, inclusive: the day of run count
		wantDistinct    int    // at least this many different run contents
	}{
		{"daily", daily, 4, "2027-01-04", 4},
		{"shipped", "schedules", 19, "2027-02-28", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runLoa(t, "--data", data, "schedule", "next", "--schedules", tc.schedules, "--json",
				"--count", fmt.Sprint(tc.count), "--from", "2027-01-01")
			if code != 0 {
				t.Fatalf("schedule next: exit %d: %s", code, errs)
			}
			next := decodeRuns(t, out)
			code, out, errs = runLoa(t, "--data", data, "simulate", "--schedules", tc.schedules, "--json",
				"--from", "2027-01-01", "--to", tc.to)
			if code != 0 {
				t.Fatalf("simulate: exit %d: %s", code, errs)
			}
			sim := decodeRuns(t, out)
			if len(next) != tc.count || len(sim) != tc.count {
				t.Fatalf("schedule next listed %d runs, simulate %d, want %d", len(next), len(sim), tc.count)
			}
			distinct := map[string]bool{}
			for i := range next {
				if !reflect.DeepEqual(next[i], sim[i]) {
					t.Errorf("run %d: schedule next %s %s, simulate %s %s", i, next[i].At, runIDs(next[i]), sim[i].At, runIDs(sim[i]))
				}
				if len(next[i].Items) == 0 {
					t.Errorf("run %d at %s airs nothing: %+v", i, next[i].At, next[i].Problems)
				}
				distinct[runIDs(next[i])] = true
			}
			if len(distinct) < tc.wantDistinct {
				t.Errorf("%d distinct run contents, want at least %d: the forecast does not carry plays", len(distinct), tc.wantDistinct)
			}
		})
	}
}
