package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"loa/internal/audio"
)

func TestRenderCommand(t *testing.T) {
	dir := t.TempDir()
	a := toneFile(t, filepath.Join(dir, "a.wav"), 44100, 1, 2, 0.1)
	b := toneFile(t, filepath.Join(dir, "b.wav"), 22050, 2, 1, 0.3)
	out := filepath.Join(dir, "programme.wav")
	code, stdout, errs := runLoa(t, "--data", dir, "render", "--item", a, "--item", b, "--gap", "2s", "--out", out, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		SampleRate int   `json:"sample_rate"`
		Channels   int   `json:"channels"`
		Frames     int64 `json:"frames"`
		Items      []struct {
			File        string  `json:"file"`
			StartSample int64   `json:"start_sample"`
			EndSample   int64   `json:"end_sample"`
			Seconds     float64 `json:"seconds"`
			GainDB      float64 `json:"gain_db"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if got.SampleRate != 44100 || got.Channels != 1 || len(got.Items) != 2 {
		t.Fatalf("%s", stdout)
	}
	i0, i1 := got.Items[0], got.Items[1]
	if i0.File != a || i0.StartSample != 0 || i1.StartSample != i0.EndSample+88200 || i1.EndSample != got.Frames {
		t.Errorf("offsets: %s", stdout)
	}
	if i0.Seconds < 1.99 || i0.Seconds > 2 || i1.Seconds < 0.99 || i1.Seconds > 1 {
		t.Errorf("seconds: %s", stdout)
	}
	// The WAV holds exactly the reported frames, at the target loudness.
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := audio.Analyze(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	if info.Frames != got.Frames || info.SampleRate != 44100 || info.Channels != 1 {
		t.Errorf("written WAV %+v, reported %d frames", info, got.Frames)
	}
	// Permissions as for any file the user creates (umask), not a temp file's 0600.
	ref, err := os.Create(filepath.Join(dir, "ref"))
	if err != nil {
		t.Fatal(err)
	}
	ref.Close()
	fi, _ := os.Stat(out)
	rfi, _ := os.Stat(ref.Name())
	if fi.Mode().Perm() != rfi.Mode().Perm() {
		t.Errorf("programme file mode %v, want %v", fi.Mode().Perm(), rfi.Mode().Perm())
	}
	code, stdout, _ = runLoa(t, "--data", dir, "render", "--item", a, "--out", out)
	if code != 0 || !strings.Contains(stdout, "a.wav") {
		t.Errorf("text output (exit %d): %s", code, stdout)
	}
}

func TestRenderBadInput(t *testing.T) {
	dir := t.TempDir()
	a := toneFile(t, filepath.Join(dir, "a.wav"), 44100, 1, 1, 0.1)
	bad := filepath.Join(dir, "hong.mp3")
	os.WriteFile(bad, []byte("không phải âm thanh"), 0o644)
	out := filepath.Join(dir, "out.wav")
	for _, args := range [][]string{
		{"render", "--item", a, "--item", bad, "--out", out},
		{"render", "--item", a},
		{"render", "--out", out},
		{"render", "--item", a, "--gap", "-1s", "--out", out},
		{"render", "--item", filepath.Join(dir, "missing.wav"), "--out", out},
		{"render", "--item", a, "--out", dir},
	} {
		code, _, errs := runLoa(t, append([]string{"--data", dir}, args...)...)
		if code != 2 || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, errs)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("bad input left %s behind", out)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".render-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}
