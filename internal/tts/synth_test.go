package tts

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/internal/audio"
	"loa/internal/config"
	"loa/internal/inputerr"
)

func needEspeak(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (Debian package espeak-ng; make test installs it)")
	}
}

func newSynth(t testing.TB, mod func(*config.TTS)) *Synthesizer {
	t.Helper()
	c := config.Default().TTS
	if mod != nil {
		mod(&c)
	}
	s, err := NewSynthesizer(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSentences(t *testing.T) {
	long := strings.Repeat("một hai ba, ", 60) + "bốn"
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"xin chào. bà con!\nthời gian: sáng nay; chiều mai?", []string{"xin chào.", "bà con!", "thời gian:", "sáng nay;", "chiều mai?"}},
		{"một chấm hai.ba", []string{"một chấm hai.ba"}},
		{" . , \n\n", nil},
	} {
		got := Sentences(c.in)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Sentences(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	parts := Sentences(long)
	if len(parts) < 3 || strings.Join(parts, " ") != long {
		t.Errorf("a long sentence is cut into %d parts that do not rejoin: %q", len(parts), parts)
	}
	for _, p := range parts {
		if n := len([]rune(p)); n > maxSentenceRunes {
			t.Errorf("part of %d runes", n)
		}
	}
}

// TestSpeakEspeak runs espeak-ng for real: every sentence is spoken, the
// pauses are where they should be, and the WAV reads back as audio.
func TestSpeakEspeak(t *testing.T) {
	needEspeak(t)
	s := newSynth(t, nil)
	text := "Kính thưa bà con! Nghị định số 61/2018/NĐ-CP quy định cơ chế một cửa.\nBộ phận Một cửa làm việc từ 7h30 đến 17h00."
	f, res, err := s.SpeakFile(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if res.Sentences != 3 || res.Voice != (Voice{Engine: "espeak-ng", Voice: "vi", Normalizer: NormalizerVersion}) {
		t.Errorf("result %+v", res)
	}
	info, err := audio.Analyze(context.Background(), f)
	if err != nil {
		t.Fatalf("the WAV does not read back: %v", err)
	}
	// Three sentences, some 40 syllables at 150 words a minute: several
	// seconds, and never the sum of a frozen engine.
	dur := time.Duration(info.Seconds() * float64(time.Second))
	if dur < 4*time.Second || dur > 40*time.Second {
		t.Errorf("duration %s", dur)
	}
	if d := dur - res.Duration; d > 10*time.Millisecond || d < -10*time.Millisecond {
		t.Errorf("analysed %s, synthesis said %s", dur, res.Duration)
	}
	if info.IntegratedLUFS < -40 {
		t.Errorf("loudness %.1f LUFS: silence?", info.IntegratedLUFS)
	}

	// The pause is in the file: the same text with a 2 s pause is 2 × 2 s longer.
	s2 := newSynth(t, func(c *config.TTS) { c.Pause = config.Duration(2400 * time.Millisecond) })
	f2, res2, err := s2.SpeakFile(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	f2.Close()
	if d := res2.Duration - res.Duration - 2*2*time.Second; d > 50*time.Millisecond || d < -50*time.Millisecond {
		t.Errorf("pause 2.4 s vs 0.4 s: %s vs %s", res2.Duration, res.Duration)
	}
}

// A fake engine that fails on one sentence: the error quotes that sentence.
func TestSpeakReportsTheFailedSentence(t *testing.T) {
	needEspeak(t)
	dir := t.TempDir()
	eng := filepath.Join(dir, "engine")
	script := "#!/bin/sh\nin=$(cat)\ncase \"$in\" in *hỏng*) echo 'voice broke' >&2; exit 3;; esac\nprintf '%s' \"$in\" | espeak-ng -v vi --stdout\n"
	if err := os.WriteFile(eng, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	s := newSynth(t, func(c *config.TTS) { c.Command = eng })
	_, _, err := s.SpeakFile(context.Background(), "Câu một đọc được. Câu hai bị hỏng ở đây. Câu ba.")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"sentence 2 of 3", "voice broke", "câu hai bị hỏng ở đây."} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if inputerr.Is(err) {
		t.Errorf("an engine failure is not the officer's input error: %v", err)
	}
}

func TestMissingEngine(t *testing.T) {
	for _, c := range []struct{ cmd, want string }{
		{"espeak-ng-missing-xyz --stdout", "install it or set tts.command"},
		{filepath.Join(t.TempDir(), "espeak-ng") + " -v vi", "Debian package espeak-ng"},
	} {
		cfg := config.Default().TTS
		cfg.Command = c.cmd
		_, err := NewSynthesizer(cfg)
		if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), strings.Fields(c.cmd)[0]) {
			t.Errorf("command %q: error %v, want an input error naming it and %q", c.cmd, err, c.want)
		}
	}
}

func TestCheckText(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want string
	}{
		{[]byte(" \n\t "), "empty"},
		{[]byte("\ufeff"), "empty"},
		{[]byte("B\xe0i vi\xeat"), "not UTF-8"},
		{[]byte(strings.Repeat("a", MaxTextBytes+1)), "more than"},
	} {
		_, err := CheckText("bai.txt", c.in)
		if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "bai.txt") || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckText(%.20q): %v, want a one-line input error with %q", c.in, err, c.want)
		}
	}
	got, err := CheckText("bai.txt", []byte("\ufeffXa\u0303 "))
	if err != nil || got != "Xã " {
		t.Errorf("CheckText NFC: %q %v", got, err)
	}
}

func TestParseWAVStreamed(t *testing.T) {
	needEspeak(t)
	out, err := exec.Command("espeak-ng", "-v", "vi", "--stdout", "xin chào").Output()
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseWAV(out)
	if err != nil {
		t.Fatal(err)
	}
	if p.rate != 22050 || p.channels != 1 || len(p.data) < 22050 {
		t.Errorf("espeak-ng WAV read as %d Hz %d ch %d bytes", p.rate, p.channels, len(p.data))
	}
	for _, bad := range [][]byte{nil, []byte("RIFF\x00\x00\x00\x00WAVE"), out[:30]} {
		if _, err := parseWAV(bad); err == nil {
			t.Errorf("parseWAV(%q) accepted", bad)
		}
	}
}
