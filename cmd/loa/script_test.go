package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

const demoAudio = "../../audio/demo/"

// stationState summarises what a command could have changed.
func stationState(t *testing.T, data string) string {
	t.Helper()
	var parts []string
	if db, err := sql.Open("sqlite3", filepath.Join(data, "loa.db")); err == nil {
		var n, ev int
		db.QueryRow(`SELECT count(*) FROM scripts`).Scan(&n)
		db.QueryRow(`SELECT count(*) FROM script_events`).Scan(&ev)
		db.Close()
		parts = append(parts, "scripts", strconv.Itoa(n), "events", strconv.Itoa(ev))
	}
	es, _ := os.ReadDir(filepath.Join(data, "store"))
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return strings.Join(append(parts, names...), " ")
}

// TestScriptBadInputThroughTheBinary runs the real loa for every bad input
// the queue must refuse: exit 2, one line naming the problem, and the
// database and store exactly as before.
func TestScriptBadInputThroughTheBinary(t *testing.T) {
	loa := loaBinary(t)
	data := t.TempDir()
	in := t.TempDir()
	good := demoAudio + "05-chu-truong-cchc.mp3"
	// One good script first, so "unchanged" is checked against a non-empty station.
	if out, err := exec.Command(loa, "--data", data, "script", "add", "--title", "Bài mẫu", "--topic", "chu-truong", "--audio", good).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(in, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	mp3, _ := os.ReadFile(demoAudio + "04-nong-thon-moi.mp3")
	short := write("short.wav", wavBytes(0.4))
	long := write("long.wav", wavBytes(6))
	cfg := write("short-max.toml", []byte("[scripts]\nmax_length = \"5s\"\n"))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{"--audio", filepath.Join(in, "missing.mp3")}, "missing.mp3: no such file"},
		{"directory", []string{"--audio", in}, "is a directory"},
		{"missing text", []string{"--text", filepath.Join(in, "missing.txt")}, "text " + filepath.Join(in, "missing.txt") + ": no such file"},
		{"title too long", []string{"--audio", good, "--title", strings.Repeat("Tiêu đề ", 25) + "x"}, "title: 201 characters, at most 200"},
		{"text too long", []string{"--audio", good, "--text", write("dai.txt", bytes.Repeat([]byte("Kính thưa bà con. "), 6000))}, "longer than 100 KB"},
		{"zero bytes", []string{"--audio", write("empty.mp3", nil)}, "empty (0 bytes)"},
		{"not audio", []string{"--audio", write("letter.mp3", []byte("Kính gửi UBND xã"))}, "not an audio file"},
		{"truncated mp3", []string{"--audio", write("cut.mp3", mp3[:len(mp3)/2+333])}, "truncated"},
		{"corrupt mp3", []string{"--audio", write("hong.mp3", zeroed(mp3, len(mp3)/2, 3000))}, "corrupt"},
		{"unsupported", []string{"--audio", write("song.ogg", append([]byte("OggS\x00\x02"), make([]byte, 400)...))}, "unsupported"},
		{"too short", []string{"--audio", short}, "too short"},
		{"too long", []string{"--audio", long, "--config-file", cfg}, "too long"},
		{"unknown topic", []string{"--audio", good, "--topic", "the-thao"}, `topic: unknown code "the-thao"`},
		{"unknown area", []string{"--audio", good, "--area", "giao-duc"}, `area: unknown code "giao-duc"`},
		{"unknown audience", []string{"--audio", good, "--audience", "hoc-sinh"}, `audience: unknown code "hoc-sinh"`},
		{"empty title", []string{"--audio", good, "--title", " "}, "title: must not be empty"},
		{"until before from", []string{"--audio", good, "--from", "2023-06-01", "--until", "2023-05-31"}, "until: 2023-05-31 is before from 2023-06-01"},
		{"bad flag", []string{"--audio", good, "--colour", "red"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := stationState(t, data)
			args := []string{"--data", data}
			sub := []string{"script", "add", "--title", "Bài lỗi", "--topic", "ke-hoach"}
			for i := 0; i < len(tc.args); i++ {
				if tc.args[i] == "--config-file" {
					args = append(args, "--config", tc.args[i+1])
					i++
					continue
				}
				sub = append(sub, tc.args[i])
			}
			cmd := exec.Command(loa, append(args, sub...)...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := cmd.ProcessState.ExitCode()
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			last := lines[len(lines)-1]
			if err == nil || code != 2 || !strings.Contains(last, tc.want) || !strings.HasPrefix(last, "loa: ") {
				t.Fatalf("exit %d, stderr %q; want exit 2 and a line containing %q", code, stderr.String(), tc.want)
			}
			if len(lines) != 1 {
				t.Fatalf("want one line, got %q", stderr.String())
			}
			if after := stationState(t, data); after != before {
				t.Fatalf("station changed:\n before %s\n after  %s", before, after)
			}
		})
	}
}

// TestScriptSameAudioWarns: the same recording queued again is accepted,
// with a warning on stderr naming the script that already has it.
func TestScriptSameAudioWarns(t *testing.T) {
	data := t.TempDir()
	for i, wantErr := range []string{"", "loa: cảnh báo (warning): âm thanh trùng với bài #1 (same audio as script #1)\n"} {
		code, out, stderr := runLoa(t, "--data", data, "script", "add", "--title", "Bài", "--topic", "ke-hoach", "--audio", demoAudio+"04-nong-thon-moi.mp3")
		if code != 0 || out != strconv.Itoa(i+1)+"\n" || stderr != wantErr {
			t.Fatalf("add %d: exit %d, stdout %q, stderr %q; want id %d and stderr %q", i+1, code, out, stderr, i+1, wantErr)
		}
	}
}

// zeroed is a copy of b with n bytes from off wiped, as a bad disk sector
// or a broken transfer leaves a file: its length is intact, its middle is not.
func zeroed(b []byte, off, n int) []byte {
	c := append([]byte(nil), b...)
	clear(c[off : off+n])
	return c
}

// wavBytes is a 16-bit mono 8 kHz tone of the given length.
func wavBytes(seconds float64) []byte {
	n := int(seconds * 8000)
	b := make([]byte, 44+2*n)
	copy(b, "RIFF")
	le32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	le32(b[16:], 16)
	b[20], b[22] = 1, 1
	le32(b[24:], 8000)
	le32(b[28:], 16000)
	b[32], b[34] = 2, 16
	copy(b[36:], "data")
	le32(b[40:], uint32(2*n))
	for i := 0; i < n; i++ {
		v := int16(8000)
		if (i/20)%2 == 0 {
			v = -8000
		}
		b[44+2*i], b[45+2*i] = byte(v), byte(uint16(v)>>8)
	}
	return b
}

func le32(b []byte, v uint32) { b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24) }

// TestScriptWorkflow walks the operator's and the chairman's steps through
// the command line and checks the outputs people and programs read.
func TestScriptWorkflow(t *testing.T) {
	data := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		code, out, stderr := runLoa(t, append([]string{"--data", data}, args...)...)
		if code != 0 {
			t.Fatalf("loa %v: exit %d: %s", args, code, stderr)
		}
		return out
	}
	id := strings.TrimSpace(run("script", "add", "--title", "Nộp hồ sơ qua Cổng dịch vụ công trực tuyến", "--topic", "mot-cua-dvc",
		"--area", "thu-tuc", "--audio", demoAudio+"01-mot-cua-dien-tu.mp3", "--text", demoAudio+"01-mot-cua-dien-tu.txt",
		"--from", "2023-01-01", "--until", "2023-12-31", "--max-plays", "8"))
	if id != "1" {
		t.Fatalf("add printed %q, want the id 1", id)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(run("script", "add", "--json", "--title", "Chỉ có văn bản", "--topic", "ket-qua",
		"--text", demoAudio+"07-ket-qua-quy-1.txt")), &s); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "title", "topic", "area", "audience", "author", "status", "priority", "duration_s", "sha256",
		"sample_rate", "channels", "from", "until", "max_plays", "approved_by", "approved_at", "created_at"} {
		if _, ok := s[k]; !ok {
			t.Errorf("JSON lacks field %q", k)
		}
	}
	if s["needs_audio"] != true || s["audience"] != "nguoi-dan" || s["status"] != "submitted" {
		t.Errorf("JSON %v", s)
	}
	var added map[string]any
	json.Unmarshal([]byte(run("script", "show", "1", "--json")), &added)
	heard, _ := added["sha256"].(string)
	if len(heard) != 64 {
		t.Fatalf("show --json sha256 %q", heard)
	}
	// Without the hash of what was heard (and no terminal to confirm at)
	// nothing is approved; nor is a script with no recording.
	for _, args := range [][]string{
		{"script", "approve", "1", "--by", "Nguyễn Văn An"},
		{"script", "approve", "1", "--by", "Nguyễn Văn An", "--sha256", heard[:7]},
		{"script", "approve", "2", "--by", "Nguyễn Văn An", "--sha256", s["text_sha256"].(string)[:8]},
	} {
		if code, _, stderr := runLoa(t, append([]string{"--data", data}, args...)...); code != 2 || strings.Count(stderr, "\n") != 1 {
			t.Fatalf("loa %v: exit %d, %q; want 2 and one line", args, code, stderr)
		}
	}
	run("script", "approve", "1", "--by", "Nguyễn Văn An", "--note", "Đồng ý", "--sha256", heard[:8])
	code, _, stderr := runLoa(t, "--data", data, "script", "reject", "2", "--by", "Nguyễn Văn An")
	if code != 2 || !strings.Contains(stderr, "--reason") {
		t.Fatalf("reject without reason: %d %q", code, stderr)
	}
	run("script", "reject", "2", "--by", "Nguyễn Văn An", "--reason", "Chưa có bản ghi âm")
	checkGolden(t, "script/list.txt", run("script", "list"))
	checkGolden(t, "script/list-approved.txt", run("script", "list", "--status", "approved"))

	var shown map[string]any
	json.Unmarshal([]byte(run("script", "show", "1", "--json")), &shown)
	if shown["status"] != "approved" || shown["approved_by"] != "Nguyễn Văn An" || shown["duration_s"].(float64) < 20 {
		t.Fatalf("show --json: %v", shown)
	}
	// A new priority voids the approval: the history has old → new.
	if out := run("script", "edit", "1", "--priority", "emergency"); !strings.Contains(out, "cần duyệt lại") {
		t.Fatalf("edit output %q", out)
	}
	json.Unmarshal([]byte(run("script", "show", "1", "--json")), &shown)
	if shown["status"] != "submitted" || shown["priority"] != "emergency" {
		t.Fatalf("after priority edit: %v", shown)
	}
	if hist := run("script", "history", "1"); !strings.Contains(hist, "priority: normal → emergency; approval void") {
		t.Fatalf("history:\n%s", hist)
	}
	run("script", "approve", "1", "--by", "Nguyễn Văn An", "--sha256", heard[:12])
	// New audio voids it too.
	out := run("script", "edit", "1", "--audio", demoAudio+"02-ke-hoach-cchc-2023.mp3")
	if !strings.Contains(out, "cần duyệt lại") {
		t.Fatalf("edit output %q", out)
	}
	hist := run("script", "history", "1", "--json")
	if n := strings.Count(hist, "\n"); n != 5 || !strings.Contains(hist, "audio: "+heard[:12]+" → ") || !strings.Contains(hist, "approval void") {
		t.Fatalf("history:\n%s", hist)
	}
	run("script", "retire", "2", "--by", "Cán bộ VHTT")
	if out := run("script", "list", "--status", "retired", "--json"); strings.Count(out, "\n") != 1 {
		t.Fatalf("retired list %q", out)
	}
}

// TestHelpOnEveryQueueAndAudioCommand: --help prints the command's usage
// and succeeds, for every command of the queue and the audio engine.
func TestHelpOnEveryQueueAndAudioCommand(t *testing.T) {
	for _, cmd := range [][]string{
		{"script"}, {"script", "add"}, {"script", "list"}, {"script", "show"}, {"script", "approve"},
		{"script", "reject"}, {"script", "edit"}, {"script", "retire"}, {"script", "history"},
		{"config"}, {"loudness"}, {"render"}, {"play"},
	} {
		code, stdout, stderr := runLoa(t, append(append([]string{"--data", t.TempDir()}, cmd...), "--help")...)
		want := "Usage: loa " + strings.Join(cmd, " ")
		if code != 0 || !strings.HasPrefix(stderr, want) || stdout != "" {
			t.Errorf("loa %v --help: exit %d, stderr %q; want 0 and usage starting %q", cmd, code, stderr, want)
		}
	}
}

// fileSHA256 is the hash an approver compares: the store keeps the bytes
// ingested, so it is the hash of the file handed in.
func fileSHA256(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestApproveConfirmedAtATerminal: without --sha256, at a terminal, the
// approver sees the hash and length and approves only by typing "có".
// util-linux's script(1) gives the real binary a pseudo-terminal.
func TestApproveConfirmedAtATerminal(t *testing.T) {
	pty, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) from util-linux is not installed: no pseudo-terminal to test at")
	}
	loa := loaBinary(t)
	data := t.TempDir()
	audio := demoAudio + "01-mot-cua-dien-tu.mp3"
	if out, err := exec.Command(loa, "--data", data, "script", "add", "--title", "Bài", "--topic", "ke-hoach", "--audio", audio).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, tc := range []struct {
		answer, status string
	}{
		{"không\n", "submitted"},
		{"có\n", "approved"},
	} {
		cmd := exec.Command(pty, "-qec", loa+" --data '"+data+"' script approve 1 --by An", "/dev/null")
		cmd.Stdin = strings.NewReader(tc.answer)
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), fileSHA256(t, audio)) || !strings.Contains(string(out), "0:21") {
			t.Fatalf("answer %q: the question did not show the hash and length:\n%s", tc.answer, out)
		}
		show, err := exec.Command(loa, "--data", data, "script", "show", "1", "--json").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(show), `"status": "`+tc.status+`"`) {
			t.Fatalf("answer %q: want %s:\n%s\n%s", tc.answer, tc.status, out, show)
		}
	}
}
