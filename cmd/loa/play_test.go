package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"loa/internal/audio"
)

func TestPlayCommand(t *testing.T) {
	dir := t.TempDir()
	a := toneFile(t, filepath.Join(dir, "a.wav"), 44100, 1, 1, 0.2)
	b := toneFile(t, filepath.Join(dir, "b.wav"), 48000, 2, 1, 0.2)
	air := filepath.Join(dir, "air")
	code, out, errs := runLoa(t, "--data", dir, "play", a, b, "--output", "null:instant+wav:"+air, "--gap", "250ms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Count(out, "đã phát") != 2 {
		t.Errorf("output:\n%s", out)
	}
	files, _ := filepath.Glob(filepath.Join(air, "*.wav"))
	if len(files) != 1 {
		t.Fatalf("air check files: %v", files)
	}
	f, _ := os.Open(files[0])
	defer f.Close()
	info, err := audio.Analyze(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	// Two 1 s items and one 250 ms gap, in the station format.
	if d := info.Seconds(); d < 2.2 || d > 2.26 || info.SampleRate != 44100 || info.Channels != 1 {
		t.Errorf("air check: %+v (%.3f s)", info, d)
	}
}

func TestPlayBadInput(t *testing.T) {
	dir := t.TempDir()
	a := toneFile(t, filepath.Join(dir, "a.wav"), 44100, 1, 1, 0.2)
	for _, args := range [][]string{
		{"play"},
		{"play", a, "--output", "speaker"},
		{"play", filepath.Join(dir, "missing.mp3"), "--output", "null:instant"},
	} {
		code, _, errs := runLoa(t, append([]string{"--data", dir}, args...)...)
		if code != 2 || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, errs)
		}
	}
}
