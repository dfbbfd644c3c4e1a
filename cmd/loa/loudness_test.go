package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"loa/internal/testenv"
)

// toneFile writes a 16-bit WAV tone (997 Hz, peak amp) for the audio
// command tests.
func toneFile(t *testing.T, path string, rate, ch int, seconds, amp float64) string {
	t.Helper()
	return testenv.SineWAV(t, path, rate, ch, seconds, 997, amp)
}

func TestLoudnessCommand(t *testing.T) {
	dir := t.TempDir()
	// A 997 Hz sine of peak A measures 20·log10(A) − 3.01 LUFS per channel
	// (BS.1770's K-weighting is ~+0.69 dB there, cancelled by −0.691).
	p := toneFile(t, filepath.Join(dir, "tone.wav"), 48000, 2, 3, 0.5)
	code, out, errs := runLoa(t, "--data", dir, "loudness", p, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, k := range []string{"integrated_lufs", "true_peak_dbtp", "duration_s", "sample_rate", "channels", "frames"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, out)
		}
	}
	want := 20*math.Log10(0.5) - 3.01 + 3.01 // two channels add 3 dB
	if l := got["integrated_lufs"].(float64); math.Abs(l-want) > 0.1 {
		t.Errorf("integrated %.2f, want %.2f", l, want)
	}
	if got["frames"].(float64) != 144000 || got["duration_s"].(float64) != 3 || got["channels"].(float64) != 2 || got["sample_rate"].(float64) != 48000 {
		t.Errorf("format fields: %s", out)
	}
	if tp := got["true_peak_dbtp"].(float64); math.Abs(tp-20*math.Log10(0.5)) > 0.1 {
		t.Errorf("true peak %.2f", tp)
	}
	code, out, _ = runLoa(t, "--data", dir, "loudness", p)
	if code != 0 || !strings.Contains(out, "LUFS") || !strings.Contains(out, "144000") {
		t.Errorf("text output (exit %d):\n%s", code, out)
	}
}

func TestLoudnessBadInput(t *testing.T) {
	dir := t.TempDir()
	notAudio := filepath.Join(dir, "bai-viet.mp3")
	os.WriteFile(notAudio, []byte("Kính thưa bà con"), 0o644)
	empty := filepath.Join(dir, "empty.wav")
	os.WriteFile(empty, nil, 0o644)
	for _, args := range [][]string{
		{"loudness", notAudio},
		{"loudness", empty},
		{"loudness", filepath.Join(dir, "missing.mp3")},
		{"loudness"},
		{"loudness", notAudio, empty},
	} {
		code, _, errs := runLoa(t, append([]string{"--data", dir}, args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errs)
		}
		if strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: want a one-line error, got %q", args, errs)
		}
		if len(args) == 2 && !strings.Contains(errs, filepath.Base(args[1])) {
			t.Errorf("%v: error does not name the file: %q", args, errs)
		}
	}
}
