package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"loa/internal/audio"
)

func TestTTSNormalize(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bai.txt")
	if err := os.WriteFile(file, []byte("Nghị định số 61/2018/NĐ-CP.\nMức độ 3, 4 lúc 17h30."), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"tts", "normalize", "--text-file", file}, "nghị định số sáu mươi mốt năm hai nghìn không trăm mười tám của chính phủ.\nmức độ ba, bốn lúc mười bảy giờ ba mươi phút.\n"},
		{[]string{"tts", "normalize", "UBND", "xã", "có", "24", "thôn"}, "ủy ban nhân dân xã có hai mươi tư thôn\n"},
	} {
		code, out, errs := runLoa(t, append([]string{"--data", dir}, c.args...)...)
		if code != 0 || out != c.want {
			t.Errorf("%v: exit %d, out %q (want %q), stderr %s", c.args, code, out, c.want, errs)
		}
	}
	// The station's choices from loa.toml.
	cfg := filepath.Join(dir, "loa.toml")
	if err := os.WriteFile(cfg, []byte("[tts]\nfour = \"bốn\"\nthousand = \"ngàn\"\n[tts.abbreviations]\n\"BL\" = \"Bình Lương\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runLoa(t, "--data", dir, "tts", "normalize", "xã BL có 1.024 hộ"); code != 0 || out != "xã bình lương có một ngàn không trăm hai mươi bốn hộ\n" {
		t.Errorf("with config: exit %d, %q, %s", code, out, errs)
	}
}

// Bad input: one line on stderr, exit 2, no output file.
func TestTTSBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.txt", []byte("  \n"))
	latin1 := write("latin1.txt", []byte("B\xe0i vi\xeat"))
	huge := write("huge.txt", []byte(strings.Repeat("xã ", 40_000)))
	badCfg := write("bad.toml", []byte("[tts]\ncommand = \"/nonexistent/espeak-ng -v vi --stdout\"\n"))
	out := filepath.Join(dir, "x.wav")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"tts", "say", "--text-file", empty, "--out", out}, "empty"},
		{[]string{"tts", "say", "--text-file", latin1, "--out", out}, "not UTF-8"},
		{[]string{"tts", "say", "--text-file", huge, "--out", out}, "more than"},
		{[]string{"tts", "normalize", "--text-file", huge}, "more than"},
		{[]string{"tts", "say", "xin chào"}, "--out"},
		{[]string{"--config", badCfg, "tts", "say", "--out", out, "xin chào"}, "Debian package espeak-ng"},
		{[]string{"--config", badCfg, "tts", "say", "--out", out, "xin chào"}, "/nonexistent/espeak-ng"},
	} {
		code, _, errs := runLoa(t, append([]string{"--data", dir}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2, one line with %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed say left an output file")
	}
}

func TestTTSSay(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (Debian package espeak-ng; make test installs it)")
	}
	dir := t.TempDir()
	text := filepath.Join(dir, "bai.txt")
	if err := os.WriteFile(text, []byte("Kính thưa bà con!\nTừ ngày 01/7/2023, Bộ phận Một cửa nhận hồ sơ trực tuyến tại dichvucong.gov.vn."), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "x.wav")
	code, stdout, errs := runLoa(t, "--data", dir, "tts", "say", "--text-file", text, "--out", out)
	if code != 0 || !strings.Contains(stdout, "Đã đọc 2 câu") || !strings.Contains(stdout, "espeak-ng") {
		t.Fatalf("exit %d: %q %s", code, stdout, errs)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := audio.Analyze(context.Background(), f)
	if err != nil || info.Format != "wav" || info.Seconds() < 3 {
		t.Errorf("%s: %+v %v", out, info, err)
	}
}
