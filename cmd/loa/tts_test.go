package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/internal/audio"
	"loa/internal/tts"
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
		{[]string{"script", "add", "--title", "x", "--topic", "ke-hoach", "--text", huge, "--tts"}, "more than"},
		{[]string{"tts", "say", "xin chào"}, "--out"},
		{[]string{"--config", badCfg, "tts", "say", "--out", out, "xin chào"}, "Debian package espeak-ng"},
		{[]string{"--config", badCfg, "tts", "say", "--out", out, "xin chào"}, "/nonexistent/espeak-ng"},
	} {
		code, _, errs := runLoa(t, append([]string{"--data", dir}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2, one line with %q", c.args, code, errs, c.want)
		}
		// script add reads no more than the limit: it must not give that as the file's size.
		if strings.Contains(errs, fmt.Sprint(tts.MaxTextBytes+1)) {
			t.Errorf("%v: %q gives a size the file does not have", c.args, errs)
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

// seedLikeText is a one-stop notice of the kind the seed plan asks the
// commune to broadcast.
const seedLikeText = `THÔNG BÁO
Về việc tiếp nhận hồ sơ thủ tục hành chính qua dịch vụ công trực tuyến

Thực hiện Kế hoạch số 01/KH-UBND ngày 03/01/2023 của UBND xã Bình Lương về tuyên truyền CCHC năm 2023.
Từ ngày 01/7/2023, Bộ phận Một cửa UBND xã tiếp nhận hồ sơ TTHC mức độ 3, 4 qua Cổng Dịch vụ công quốc gia dichvucong.gov.vn.
Thời gian làm việc: sáng từ 7h30 đến 11h30, chiều từ 13h30 đến 17h00, từ thứ 2 đến thứ 6.
Lệ phí chứng thực là 2.000 đồng/trang; 6 tháng đầu năm xã giải quyết đúng hạn 99,6% hồ sơ.
Mọi thắc mắc xin gọi đường dây nóng 0912 345 678.
`

// TestTTSScriptAiredAndReported is issue 12's "done when": a script spoken
// from a seed-like text is queued with its voice, approved by its sha256,
// aired by the daemon and counted in the report like a recording; editing
// its text speaks it again and voids the approval.
func TestTTSScriptAiredAndReported(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (Debian package espeak-ng; make test installs it)")
	}
	s := newStation(t, "0 0 1 1 *", "5m")
	text := filepath.Join(s.dir, "bai.txt")
	if err := os.WriteFile(text, []byte(seedLikeText), 0o644); err != nil {
		t.Fatal(err)
	}
	type script struct {
		ID        int64   `json:"id"`
		Status    string  `json:"status"`
		SHA       string  `json:"sha256"`
		DurationS float64 `json:"duration_s"`
		LUFS      float64 `json:"loudness_lufs"`
		Text      string  `json:"text"`
		Voice     *struct {
			Engine, Voice, Normalizer string
		} `json:"voice"`
	}
	var sc script
	out := s.cli("script", "add", "--title", "Thông báo dịch vụ công trực tuyến", "--topic", "mot-cua-dvc",
		"--area", "thu-tuc", "--text", text, "--tts", "--by", "Văn hóa - Xã hội", "--json")
	if err := json.Unmarshal([]byte(out), &sc); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if sc.Voice == nil || sc.Voice.Engine != "espeak-ng" || sc.Voice.Voice != "vi" || sc.Voice.Normalizer != tts.NormalizerVersion {
		t.Errorf("voice %+v", sc.Voice)
	}
	if sc.Status != "submitted" || len(sc.SHA) != 64 || sc.DurationS < 20 || sc.DurationS > 300 || sc.LUFS > -5 || sc.LUFS < -50 || sc.Text != strings.TrimSpace(seedLikeText) {
		t.Errorf("script %+v", sc)
	}
	if show := s.cli("script", "show", "1"); !strings.Contains(show, "Giọng đọc") || !strings.Contains(show, "espeak-ng") {
		t.Errorf("script show:\n%s", show)
	}

	s.cli("script", "approve", "1", "--by", "Chủ tịch", "--sha256", sc.SHA[:12])
	if out := s.cli("daemon", "--schedules", s.sched, "--output", "null:instant", "--once", "thu"); !strings.Contains(out, "status=completed") {
		t.Fatalf("daemon --once: %s", out)
	}
	if items := s.cli("log", "--json"); !strings.Contains(items, `"script_id":1,`) || !strings.Contains(items, `"status":"aired"`) {
		t.Fatalf("log:\n%s", items)
	}
	var rep struct {
		Items    int64
		Scripts  int64
		AirtimeS float64 `json:"airtime_s"`
		ByTopic  []struct {
			Code     string
			Items    int64
			AirtimeS float64 `json:"airtime_s"`
		} `json:"by_topic"`
	}
	year := time.Now().In(mustLoc(t)).Format("2006")
	cmd := exec.Command(s.bin, "--data", s.data, "report", "--period", year, "--format", "json")
	cmd.Dir = s.dir
	repOut, err := cmd.Output() // stdout only: the report's warnings go to stderr
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	if err := json.Unmarshal(repOut, &rep); err != nil {
		t.Fatalf("%v: %s", err, repOut)
	}
	if rep.Items != 1 || rep.Scripts != 1 || rep.AirtimeS < sc.DurationS-1 || rep.AirtimeS > sc.DurationS+1 {
		t.Errorf("report %+v, script %.1f s", rep, sc.DurationS)
	}
	for _, tp := range rep.ByTopic {
		if tp.Code == "mot-cua-dvc" && (tp.Items != 1 || tp.AirtimeS < sc.DurationS-1) {
			t.Errorf("topic mot-cua-dvc in the report: %+v", tp)
		}
	}

	// New text: spoken again, a new sha256, the approval void, still a voice.
	if err := os.WriteFile(text, []byte(seedLikeText+"Xin trân trọng thông báo!\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := s.cli("script", "edit", "1", "--text", text); !strings.Contains(out, "duyệt lại") {
		t.Errorf("edit: %s", out)
	}
	var ed script
	if err := json.Unmarshal([]byte(s.cli("script", "show", "1", "--json")), &ed); err != nil {
		t.Fatal(err)
	}
	if ed.Status != "submitted" || ed.SHA == sc.SHA || ed.Voice == nil || ed.DurationS <= sc.DurationS {
		t.Errorf("after the text edit: %+v (before %+v)", ed, sc)
	}
}

func mustLoc(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
