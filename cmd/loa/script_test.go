package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
		{"digital silence", []string{"--audio", write("im-lang.wav", silentWAV(10, 0))}, "im-lang.wav: digital silence"},
		{"mostly silence", []string{"--audio", write("mot-giay.wav", silentWAV(10, 1))}, "mot-giay.wav: mostly silence: 90 %"},
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

// silentWAV is wavBytes with every sample after the first sound seconds zero.
func silentWAV(seconds, sound float64) []byte {
	b := wavBytes(seconds)
	clear(b[44+2*int(sound*8000):])
	return b
}

func le32(b []byte, v uint32) { b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24) }

// TestScriptWorkflow walks the operator's and the chairman's steps through
// the command line and checks the outputs people and programs read.
func TestScriptWorkflow(t *testing.T) {
	data := t.TempDir()
	run := loaOn(t, data)
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
	// A hash that is not hex, or not this recording's, is the approver's
	// input: exit 2, naming --sha256, never "changed meanwhile".
	other := strings.Repeat("0", 12)
	if strings.HasPrefix(heard, other) {
		other = strings.Repeat("1", 12)
	}
	for _, c := range []struct{ sum, want string }{
		{"zzzzzzzzz", "hex digits"},
		{other, "listen again"},
	} {
		code, _, stderr := runLoa(t, "--data", data, "script", "approve", "1", "--by", "Nguyễn Văn An", "--sha256", c.sum)
		if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--sha256") || !strings.Contains(stderr, c.want) ||
			strings.Contains(stderr, "meanwhile") {
			t.Fatalf("approve --sha256 %s: exit %d, %q; want 2, one line naming --sha256 with %q", c.sum, code, stderr, c.want)
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

// phoneFormats generates, with ffmpeg (and sox for AMR-NB, which Debian's
// ffmpeg cannot encode), the formats recordings arrive in from phones and
// chat apps, from one 6-second speech-like source. It returns name → path.
func phoneFormats(t *testing.T, dir string) map[string]string {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: cannot make the phone-format fixtures (make test installs it)", tool)
		}
	}
	sh := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	src := filepath.Join(dir, "src.wav")
	// Syllable-like bursts of a voiced tone with pink noise under them.
	sh("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
		"aevalsrc=0.25*sin(2*PI*180*t+3*sin(2*PI*4*t))*(0.55+0.45*sin(2*PI*3.1*t))+0.08*sin(2*PI*900*t)*(0.5+0.5*sin(2*PI*2.3*t)):s=44100:d=6",
		"-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.02:seed=3:r=44100:d=6",
		"-filter_complex", "amix=inputs=2:normalize=0", "-c:a", "pcm_s16le", src)
	out := map[string]string{}
	ff := func(name string, args ...string) {
		p := filepath.Join(dir, name)
		sh("ffmpeg", append(append([]string{"-v", "error", "-y", "-i", src}, args...), p)...)
		out[name] = p
	}
	ff("ghi-am.m4a", "-c:a", "aac", "-b:a", "64k")
	ff("zalo.aac", "-ac", "1", "-ar", "16000", "-c:a", "aac", "-b:a", "32k")
	ff("voice.opus", "-ac", "1", "-c:a", "libopus", "-b:a", "24k")
	ff("may-ghi-am.wma", "-c:a", "wmav2", "-b:a", "64k")
	ff("ban-tin.flac", "-c:a", "flac")
	ff("ban-tin.ogg", "-c:a", "libvorbis", "-q:a", "3")
	amr := filepath.Join(dir, "dien-thoai.amr")
	if b, _ := exec.Command("sox", "-h").CombinedOutput(); strings.Contains(string(b), "amr-nb") {
		sh("sox", src, "-r", "8000", "-c", "1", "-t", "amr-nb", amr)
		out["dien-thoai.amr"] = amr
		// Phones' own recorders put AMR in a 3GP container.
		p := filepath.Join(dir, "dien-thoai.3gp")
		sh("ffmpeg", "-v", "error", "-y", "-i", amr, "-c:a", "copy", p)
		out["dien-thoai.3gp"] = p
	} else {
		t.Log("sox cannot write AMR-NB here: AMR in 3GP replaced by AAC in 3GP")
		ff("dien-thoai.3gp", "-ac", "1", "-ar", "8000", "-c:a", "aac", "-b:a", "12k")
	}
	return out
}

// ffmpegReference is what ffmpeg decodes from a file: frames and
// integrated loudness.
func ffmpegReference(t *testing.T, path string) (frames int64, lufs float64) {
	t.Helper()
	b, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-c:a", "pcm_s16le", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg decode %s: %v", path, err)
	}
	ch, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=channels", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	n, _ := strconv.Atoi(strings.Trim(string(ch), ",\n "))
	frames = int64(len(b) / 2 / max(n, 1))
	out, _ := exec.Command("ffmpeg", "-nostats", "-hide_banner", "-i", path, "-af", "ebur128", "-f", "null", "-").CombinedOutput()
	m := regexp.MustCompile(`(?s)Summary:.*?I:\s+(-?[0-9.]+) LUFS`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no ebur128 summary for %s:\n%s", path, out)
	}
	lufs, _ = strconv.ParseFloat(string(m[1]), 64)
	return frames, lufs
}

// TestScriptAddPhoneFormats runs the real binary on every format people
// send. FLAC and Ogg Vorbis are decoded natively; the rest go through
// ffmpeg, are stored as FLAC of the same length and loudness as ffmpeg
// decodes the original, and the history keeps the original's name and
// hash. Without ffmpeg they are refused, in Vietnamese and English, with
// nothing stored.
func TestScriptAddPhoneFormats(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes a fixture per format with ffmpeg and runs the binary on each")
	}
	loa := loaBinary(t)
	files := phoneFormats(t, t.TempDir())
	data := t.TempDir()
	noFFmpeg := filepath.Join(t.TempDir(), "no-ffmpeg.toml")
	os.WriteFile(noFFmpeg, []byte("[ingest]\nffmpeg = \"/nonexistent/ffmpeg\"\n"), 0o644)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal(err)
	}
	withFFmpeg := filepath.Join(t.TempDir(), "ffmpeg.toml")
	os.WriteFile(withFFmpeg, []byte("[ingest]\nffmpeg = \""+ffmpeg+"\"\n"), 0o644)
	for i, name := range names {
		path := files[name]
		native := strings.HasSuffix(name, ".flac") || strings.HasSuffix(name, ".ogg")
		t.Run(name, func(t *testing.T) {
			// Without ffmpeg first: by configuration, and with no ffmpeg on PATH.
			for _, env := range [][]string{{"--config", noFFmpeg}, nil} {
				before := stationState(t, data)
				cmd := exec.Command(loa, append(append([]string{"--data", data}, env...),
					"script", "add", "--title", "Ghi âm "+name, "--topic", "ke-hoach", "--audio", path)...)
				cmd.Env = append(os.Environ(), "PATH="+t.TempDir())
				var stderr strings.Builder
				cmd.Stderr = &stderr
				err := cmd.Run()
				if native {
					if err != nil {
						t.Fatalf("native format refused without ffmpeg: %v %s", err, stderr.String())
					}
					continue
				}
				msg := stderr.String()
				if code := cmd.ProcessState.ExitCode(); code != 2 || strings.Count(msg, "\n") != 1 ||
					!strings.Contains(msg, "gửi lại tệp MP3 hoặc WAV") || !strings.Contains(msg, "install ffmpeg (Debian package ffmpeg") ||
					!strings.Contains(msg, "audio "+path+": ") {
					t.Fatalf("without ffmpeg: exit %d, stderr %q; want exit 2 and one line, in both languages, with what to do", code, msg)
				}
				// An ffmpeg the configuration names but that is not there
				// is said, for the administrator who believes it installed.
				if named := env != nil; named != strings.Contains(msg, "/nonexistent/ffmpeg (config ingest.ffmpeg)") {
					t.Fatalf("ingest.ffmpeg named: %v, stderr %q", named, msg)
				}
				if after := stationState(t, data); after != before {
					t.Fatalf("refused file changed the station:\n before %s\n after  %s", before, after)
				}
			}
			if native {
				return
			}
			// ffmpeg found on PATH, or named by ingest.ffmpeg with nothing on PATH.
			cmd := exec.Command(loa, "--data", data, "script", "add", "--json", "--title", "Ghi âm "+name, "--topic", "ke-hoach", "--audio", path)
			if i%2 == 1 {
				cmd.Args = append([]string{loa, "--config", withFFmpeg}, cmd.Args[1:]...)
				cmd.Env = append(os.Environ(), "PATH="+t.TempDir())
			}
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("with ffmpeg: %v %s", err, stderr.String())
			}
			var s struct {
				ID     int64   `json:"id"`
				Format string  `json:"format"`
				Frames int64   `json:"frames"`
				LUFS   float64 `json:"loudness_lufs"`
				SHA256 string  `json:"sha256"`
			}
			if err := json.Unmarshal([]byte(stdout.String()), &s); err != nil {
				t.Fatal(err)
			}
			frames, lufs := ffmpegReference(t, path)
			t.Logf("%s: stored %s, %d frames, %.2f LUFS; ffmpeg decodes the original to %d frames, %.1f LUFS", name, s.Format, s.Frames, s.LUFS, frames, lufs)
			if s.Format != "flac" || s.Frames != frames || math.Abs(s.LUFS-lufs) > 0.2 {
				t.Errorf("stored %s %d frames %.2f LUFS; want FLAC of %d frames at %.1f ± 0.2 LUFS", s.Format, s.Frames, s.LUFS, frames, lufs)
			}
			code, hist, _ := runLoa(t, "--data", data, "script", "history", strconv.FormatInt(s.ID, 10), "--json")
			orig, _ := os.ReadFile(path)
			sum := sha256.Sum256(orig)
			if code != 0 || !strings.Contains(hist, "audio "+name+" (sha256 "+hex.EncodeToString(sum[:])+", ") || !strings.Contains(hist, "converted to FLAC") {
				t.Errorf("history does not keep the original's name and hash:\n%s", hist)
			}
			// Approval binds to the stored audio.
			if code, _, stderr := runLoa(t, "--data", data, "script", "approve", strconv.FormatInt(s.ID, 10), "--by", "Chủ tịch", "--sha256", s.SHA256[:12]); code != 0 {
				t.Errorf("approve the stored audio: exit %d %s", code, stderr)
			}
		})
	}
}
