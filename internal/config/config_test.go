package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/internal/inputerr"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadMissingOptionalGivesDefaults(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), "none.toml"), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Location().String() != "Asia/Ho_Chi_Minh" || c.Scripts.MaxLength.D() != 30*time.Minute {
		t.Fatalf("defaults not applied: %+v", c)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.toml"), false); !inputerr.Is(err) {
		t.Fatalf("missing explicit config: want input error, got %v", err)
	}
}

func TestLoadOverrides(t *testing.T) {
	p := write(t, "[station]\nname = \"Đài xã Test\"\n[scripts]\nmax_length = \"10m\"\n[audio]\ntarget_lufs = -18.5\n")
	c, err := Load(p, false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Station.Name != "Đài xã Test" || c.Scripts.MaxLength.D() != 10*time.Minute || c.Audio.TargetLUFS != -18.5 {
		t.Fatalf("overrides not applied: %+v", c)
	}
	if c.Station.Commune != "Bình Lương" {
		t.Fatal("untouched key lost its default")
	}
}

func TestLoadErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"[station]\ncolour = 1\n", "unknown key station.colour"},
		{"bogus = true\n", "unknown key bogus"},
		{"[station]\ntimezone = \"Mars/Olympus\"\n", "station.timezone"},
		{"[station]\ntimezone = \"Local\"\n", "station.timezone"},
		{"[scripts]\nmax_length = \"forever\"\n", "forever"},
		{"[scripts]\nmax_length = \"0s\"\n", "scripts.max_length"},
		{"[audio]\nchannels = 6\n", "audio.channels"},
		{"[audio]\ntarget_lufs = 3\n", "audio.target_lufs"},
		{"[audio]\nsample_rate = \"fast\"\n", "sample_rate"},
		{"[playout]\noverlap = \"mix\"\n", "playout.overlap"},
		{"[ingest]\nmax_file_mb = 0\n", "ingest.max_file_mb"},
		{"[station]\nname = \"  \"\n", "station.name"},
		{"[station\n", "config"},
		{"[report]\nsign_for = \"Q.\"\n", "report.sign_for"},
		{"[report]\nsign_for = \"KT.\"\n", "report.sign_for"},
		{"[report]\nrecipients = [\"Sở Nội vụ tỉnh\", \" - ;\"]\n", "report.recipients"},
		{"[report]\nrecipients = []\n", "report.recipients"}, // "Nơi nhận:" with nothing under it
	} {
		_, err := Load(write(t, tc.body), false)
		if err == nil || !inputerr.Is(err) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: got %v, want one-line input error containing %q", tc.body, err, tc.want)
		}
	}
}

// TestReportKeys checks the document details of [report]: recipients
// replace the default list (written bare or as printed, "- …;"), and the
// place is no longer fixed to Bình Lương.
func TestReportKeys(t *testing.T) {
	c := Default()
	if len(c.Report.Recipients) != 6 || c.Report.Recipients[1] != "Sở Nội vụ tỉnh" || c.Report.SignFor != "TM." || c.Report.Place != "" {
		t.Errorf("defaults: %+v", c.Report)
	}
	p := write(t, "[station]\ncommune = \"Tân Lập\"\n[report]\nnumber = \" 15/BC-UBND \"\nsign_for = \"KT.\"\nsigner_title = \"PHÓ CHỦ TỊCH\"\n"+
		"recipients = [\"- Sở Nội vụ tỉnh;\", \"Lưu: VT.\"]\nprovince = \"Phú Thọ\"\n")
	c, err := Load(p, false)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Report
	if r.Number != "15/BC-UBND" || r.SignFor != "KT." || strings.Join(r.Recipients, "|") != "Sở Nội vụ tỉnh|Lưu: VT" || r.Province != "Phú Thọ" || r.Place != "" {
		t.Errorf("report keys: %+v", r)
	}
}

func TestTOMLRoundTrip(t *testing.T) {
	c := Default()
	c.Audio.Fade = Duration(30 * time.Millisecond)
	s, err := c.TOML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(write(t, s), false)
	if err != nil {
		t.Fatalf("reload of printed config: %v\n%s", err, s)
	}
	if back.Audio.Fade != c.Audio.Fade || back.Station != c.Station || back.Playout != c.Playout {
		t.Fatalf("round trip changed config:\n%s", s)
	}
}
