package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"loa/internal/golden"
)

// binDir holds the loa binary built once for the tests that spawn it.
var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// loaBinary builds the real loa command once per test run, for end-to-end
// tests that run it as a separate process (signals, exit codes, files).
func loaBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "loa-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "loa")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// runLoa runs Main in-process and returns exit code, stdout and stderr.
func runLoa(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "no command given"},
		{[]string{"--help"}, 0, "Commands:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"--bogus"}, 2, "flag provided but not defined"},
		{[]string{"script"}, 2, "subcommand required"},
		{[]string{"script", "fly"}, 2, `unknown subcommand "fly"`},
		{[]string{"script", "add", "--help"}, 0, "--topic"},
		{[]string{"script", "show", "abc"}, 2, `"abc" is not a script id`},
		{[]string{"config", "--help"}, 0, "loa config"},
	} {
		code, _, stderr := runLoa(t, append([]string{"--data", t.TempDir()}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("loa %v: exit %d, stderr %q; want %d containing %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

func TestConfigCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runLoa(t, "--data", dir, "config")
	if code != 0 || !strings.Contains(out, `timezone = "Asia/Ho_Chi_Minh"`) || !strings.Contains(out, "Bình Lương") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	os.WriteFile(filepath.Join(dir, "loa.toml"), []byte("[audio]\nloudness = -16\n"), 0o644)
	code, _, stderr := runLoa(t, "--data", dir, "config")
	if code != 2 || !strings.Contains(stderr, "unknown key audio.loudness") {
		t.Fatalf("exit %d, %q", code, stderr)
	}
	alt := filepath.Join(t.TempDir(), "other.toml")
	os.WriteFile(alt, []byte("[station]\ncommune = \"Tân Lập\"\n"), 0o644)
	code, out, _ = runLoa(t, "--data", dir, "--config", alt, "config")
	if code != 0 || !strings.Contains(out, "Tân Lập") {
		t.Fatalf("--config ignored: %d\n%s", code, out)
	}
}

// A mistyped --data must not show (or create) an empty station; adding the
// first script does create it.
func TestMissingDataDir(t *testing.T) {
	data := filepath.Join(t.TempDir(), "tram")
	// One refusal, worded once, whichever command met it.
	want := "loa: data directory " + data + " does not exist (check --data or $LOA_DATA; 'loa script add', 'loa user add' or 'loa daemon' creates it)\n"
	for _, args := range [][]string{{"script", "list"}, {"log"}, {"report", "--period", "2023", "--format", "json"},
		{"user", "list"}, {"migrate"}, {"backup", "--out", filepath.Join(t.TempDir(), "b.tar")}} {
		code, _, stderr := runLoa(t, append([]string{"--data", data}, args...)...)
		if code != 2 || stderr != want {
			t.Errorf("%v: exit %d, %q; want 2, %q", args, code, stderr, want)
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Fatalf("data directory created by a read: %v", err)
	}
	code, _, stderr := runLoa(t, "--data", data, "script", "add", "--title", "Bài đầu tiên", "--topic", "ke-hoach", "--audio", demoAudio+"06-mo-hinh-tot.mp3")
	if code != 0 {
		t.Fatalf("first add: %d %s", code, stderr)
	}
}

func checkGolden(t *testing.T, name, got string) { t.Helper(); golden.Check(t, name, []byte(got)) }
