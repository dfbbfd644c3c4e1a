// Package config holds the station's configuration: a TOML file (loa.toml in
// the data directory unless --config names another) over defaults compiled
// into loa. Every key is optional; an unknown key or a bad value is an error
// that names it.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/unicode/norm"

	"loa/internal/inputerr"
)

// FileName is the configuration file looked for in the data directory.
const FileName = "loa.toml"

// Config is the effective configuration.
type Config struct {
	Station  Station  `toml:"station"`
	Report   Report   `toml:"report"`
	Scripts  Scripts  `toml:"scripts"`
	Audio    Audio    `toml:"audio"`
	Playout  Playout  `toml:"playout"`
	Announce Announce `toml:"announce"`
	Ingest   Ingest   `toml:"ingest"`
	Web      Web      `toml:"web"`
	TTS      TTS      `toml:"tts"`
	location *time.Location
}

// Station names the station and where it is.
type Station struct {
	Name     string `toml:"name"`     // "Đài Truyền thanh xã Bình Lương"
	Commune  string `toml:"commune"`  // "Bình Lương"
	Timezone string `toml:"timezone"` // IANA name; schedules and reports use it
}

// Report is how the chairman's report is issued: its number, who receives
// it, who signs it and how (Nghị định 30/2020).
type Report struct {
	SignerName  string `toml:"signer_name"`
	SignerTitle string `toml:"signer_title"` // "CHỦ TỊCH", "PHÓ CHỦ TỊCH"
	// SignFor is how the signer signs for the committee: "TM." (on behalf
	// of the People's Committee), "KT." (a vice-chairman for the chairman:
	// TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH) or "" (in their
	// own name).
	SignFor string `toml:"sign_for"`
	// Number is the document number after "Số:" ("15/BC-UBND"; a bare
	// "15" gets "/BC-UBND"); empty leaves it blank to fill in by hand.
	Number string `toml:"number"`
	// Recipients are the lines of "Nơi nhận". The default is for the
	// two-tier local government (no district since 1 July 2025).
	Recipients []string `toml:"recipients"`
	// Place is written before the date; empty means the commune's name.
	Place string `toml:"place"`
	// Province, when set, heads the issuing body ("TỈNH ...").
	Province string `toml:"province"`
}

// Scripts bounds what may be queued.
type Scripts struct {
	MinLength Duration `toml:"min_length"`
	MaxLength Duration `toml:"max_length"`
}

// Audio is the station's output format and loudness policy.
type Audio struct {
	// 44.1 kHz mono: horn loudspeakers on one amplifier chain carry a single
	// channel and nothing above ~8 kHz, and most scripts arrive as 44.1 kHz
	// MP3, so this avoids needless resampling.
	SampleRate      int      `toml:"sample_rate"`
	Channels        int      `toml:"channels"`
	TargetLUFS      float64  `toml:"target_lufs"`
	CeilingDBTP     float64  `toml:"true_peak_ceiling_dbtp"`
	SilenceDBFS     float64  `toml:"silence_threshold_dbfs"`
	TrimSilence     bool     `toml:"trim_silence"`
	Fade            Duration `toml:"fade"`
	ResampleQuality int      `toml:"resample_quality"`
	// HighpassHz: the horns reproduce little below ~150 Hz, so the
	// amplifier's power is not spent there (12 dB/octave; 0 turns it off).
	HighpassHz float64 `toml:"highpass_hz"`
}

// Ingest bounds and equips what "script add" and the console take in.
type Ingest struct {
	// MaxFileMB caps one uploaded audio file: 30 minutes of 48 kHz stereo
	// WAV is about 330 MB, so the default leaves room for any real script.
	MaxFileMB int `toml:"max_file_mb"`
	// FFmpeg converts formats loa does not decode itself (M4A/AAC, AMR,
	// Opus, 3GP, WMA): a path or a command name; "" looks for ffmpeg on
	// PATH. Optional: without it such files are refused with advice.
	FFmpeg string `toml:"ffmpeg"`
}

// Playout is how the daemon runs programmes.
type Playout struct {
	Output    string   `toml:"output"`    // output spec: "alsa", "wav:DIR", "null", "alsa+wav:DIR"
	Schedules string   `toml:"schedules"` // directory of programme files
	Lead      Duration `toml:"lead"`      // assemble this long before air time
	Grace     Duration `toml:"grace"`     // a run missed by less than this still plays, late
	Overlap   string   `toml:"overlap"`   // "delay" or "skip" a run that would overlap a running one
}

// Announce is how urgent announcements (loa announce) go on air.
type Announce struct {
	// Intro is an attention signal played before an announcement ("" none);
	// a relative path is from the daemon's working directory, as the
	// schedules' jingles.
	Intro string `toml:"intro"`
	// Resume is what an emergency's interrupted programme does after it:
	// "next" goes on with its next item, "item" replays the cut item first.
	Resume string `toml:"resume"`
	// PriorityWait: a priority announcement with nothing on air waits for
	// a programme starting within this long (and plays first in it);
	// otherwise it plays at once as its own run.
	PriorityWait Duration `toml:"priority_wait"`
}

// Web is the console and API server ('loa serve').
type Web struct {
	Listen      string `toml:"listen"`        // host:port; loopback unless the office LAN should reach it
	MaxUploadMB int    `toml:"max_upload_mb"` // largest upload accepted, in MiB
	Public      bool   `toml:"public"`        // serve the public schedule page and Atom feed without login
}

// TTS is the offline text-to-speech engine and the normaliser's choices.
type TTS struct {
	// Command runs the engine once per sentence: the sentence on stdin, a
	// WAV on stdout. {voice}, {rate} and {pitch} are replaced by the keys
	// below; the words are split on spaces (no shell).
	Command  string   `toml:"command"`
	Voice    string   `toml:"voice"`
	Rate     int      `toml:"rate"`      // words per minute (espeak-ng -s)
	Pitch    int      `toml:"pitch"`     // 0..99 (espeak-ng -p)
	Pause    Duration `toml:"pause"`     // silence between sentences
	Four     string   `toml:"four"`      // 24 → hai mươi "tư" or "bốn"
	ZeroTens string   `toml:"zero_tens"` // 105 → một trăm "linh" or "lẻ" năm
	Thousand string   `toml:"thousand"`  // "nghìn" or "ngàn"
	// Abbreviations add to or override the built-in readings ("UBND" =
	// "ủy ban nhân dân"; a whole web address may have its own reading).
	Abbreviations map[string]string `toml:"abbreviations"`
}

// Default returns the compiled-in configuration.
func Default() *Config {
	c := &Config{
		Station: Station{
			Name:     "Đài Truyền thanh xã Bình Lương",
			Commune:  "Bình Lương",
			Timezone: "Asia/Ho_Chi_Minh",
		},
		Report: Report{
			SignerName:  "Nguyễn Văn An",
			SignerTitle: "CHỦ TỊCH",
			SignFor:     "TM.",
			Recipients: []string{"Như trên", "Sở Nội vụ tỉnh", "Sở Văn hóa, Thể thao và Du lịch tỉnh",
				"Thường trực Đảng ủy xã", "Thường trực HĐND xã", "Lưu: VT"},
		},
		Scripts: Scripts{MinLength: Duration(time.Second), MaxLength: Duration(30 * time.Minute)},
		Audio: Audio{
			SampleRate:      44100,
			Channels:        1,
			TargetLUFS:      -16,
			CeilingDBTP:     -1,
			SilenceDBFS:     -50,
			TrimSilence:     true,
			Fade:            Duration(20 * time.Millisecond),
			ResampleQuality: 4,
			HighpassHz:      120,
		},
		Playout: Playout{
			Output:    "alsa",
			Schedules: "schedules",
			Lead:      Duration(2 * time.Minute),
			Grace:     Duration(5 * time.Minute),
			Overlap:   "delay",
		},
		Announce: Announce{Resume: "next", PriorityWait: Duration(10 * time.Minute)},
		Ingest:   Ingest{MaxFileMB: 1024},
		Web:      Web{Listen: "127.0.0.1:8080", MaxUploadMB: 300},
		TTS: TTS{
			Command:  "espeak-ng -v {voice} -s {rate} -p {pitch} --stdout",
			Voice:    "vi",
			Rate:     150,
			Pitch:    50,
			Pause:    Duration(400 * time.Millisecond),
			Four:     "tư",
			ZeroTens: "linh",
			Thousand: "nghìn",
		},
	}
	if err := c.validate(); err != nil {
		panic("config: defaults invalid: " + err.Error()) // a programming error
	}
	return c
}

// Load reads path over the defaults. A missing file is not an error when
// optional is true (the default path in the data directory).
func Load(path string, optional bool) (*Config, error) {
	c := Default()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && optional {
		return c, nil
	}
	if err != nil {
		return nil, inputerr.New("config %s: %w", path, err)
	}
	md, err := toml.Decode(string(data), c)
	if err != nil {
		return nil, inputerr.New("config %s: %s", path, oneLine(err))
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return nil, inputerr.New("config %s: unknown key %s", path, strings.Join(keys, ", "))
	}
	if err := c.validate(); err != nil {
		return nil, inputerr.New("config %s: %w", path, err)
	}
	return c, nil
}

func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func (c *Config) validate() error {
	// "Local" (and "") would follow the host's zone, which is exactly what
	// this setting exists to pin down: a server on UTC would air at 12:30
	// what the schedule says for 05:30.
	if tz := c.Station.Timezone; tz == "" || tz == "Local" {
		return fmt.Errorf("station.timezone: %q is not an IANA zone name (e.g. Asia/Ho_Chi_Minh)", tz)
	}
	loc, err := time.LoadLocation(c.Station.Timezone)
	if err != nil {
		return fmt.Errorf("station.timezone: unknown time zone %q", c.Station.Timezone)
	}
	c.location = loc
	for _, f := range []struct {
		key string
		v   *string
	}{
		{"station.name", &c.Station.Name}, {"station.commune", &c.Station.Commune},
		{"report.signer_name", &c.Report.SignerName}, {"report.signer_title", &c.Report.SignerTitle},
	} {
		*f.v = norm.NFC.String(strings.TrimSpace(*f.v))
		if *f.v == "" {
			return fmt.Errorf("%s: must not be empty", f.key)
		}
	}
	for _, v := range []*string{&c.Report.Number, &c.Report.Place, &c.Report.Province} {
		*v = norm.NFC.String(strings.TrimSpace(*v))
	}
	if len(c.Report.Recipients) == 0 {
		// Nghị định 30: every document has its Nơi nhận, at least "Lưu: VT".
		return fmt.Errorf("report.recipients: must list at least one (e.g. \"Lưu: VT\")")
	}
	for i, r := range c.Report.Recipients {
		// "- Sở Nội vụ tỉnh;" is how the list is printed: take the bare name.
		r = strings.TrimRight(strings.TrimLeft(strings.TrimSpace(r), "-–+• "), ";.")
		c.Report.Recipients[i] = norm.NFC.String(strings.TrimSpace(r))
		if c.Report.Recipients[i] == "" {
			return fmt.Errorf("report.recipients: entry %d is empty", i+1)
		}
	}
	switch c.Report.SignFor {
	case "TM.", "":
	case "KT.":
		// KT. CHỦ TỊCH is a deputy signing for the chairman.
		if strings.EqualFold(c.Report.SignerTitle, "chủ tịch") {
			return fmt.Errorf("report.sign_for: \"KT.\" is for a vice-chairman; report.signer_title is %q", c.Report.SignerTitle)
		}
	default:
		return fmt.Errorf("report.sign_for: %q must be \"TM.\", \"KT.\" or \"\"", c.Report.SignFor)
	}
	switch {
	case c.Scripts.MinLength < 0:
		return fmt.Errorf("scripts.min_length: must not be negative")
	case c.Scripts.MaxLength <= c.Scripts.MinLength:
		return fmt.Errorf("scripts.max_length: must be longer than scripts.min_length (%s)", c.Scripts.MinLength)
	case c.Ingest.MaxFileMB < 1 || c.Ingest.MaxFileMB > 16384:
		return fmt.Errorf("ingest.max_file_mb: %d is outside 1..16384", c.Ingest.MaxFileMB)
	case c.Audio.SampleRate < 8000 || c.Audio.SampleRate > 192000:
		return fmt.Errorf("audio.sample_rate: %d Hz is outside 8000–192000", c.Audio.SampleRate)
	case c.Audio.Channels != 1 && c.Audio.Channels != 2:
		return fmt.Errorf("audio.channels: must be 1 or 2, not %d", c.Audio.Channels)
	case c.Audio.TargetLUFS < -40 || c.Audio.TargetLUFS > -5:
		return fmt.Errorf("audio.target_lufs: %g is outside -40..-5", c.Audio.TargetLUFS)
	case c.Audio.CeilingDBTP < -20 || c.Audio.CeilingDBTP > 0:
		return fmt.Errorf("audio.true_peak_ceiling_dbtp: %g is outside -20..0", c.Audio.CeilingDBTP)
	case c.Audio.SilenceDBFS < -120 || c.Audio.SilenceDBFS > -20:
		return fmt.Errorf("audio.silence_threshold_dbfs: %g is outside -120..-20", c.Audio.SilenceDBFS)
	case c.Audio.Fade < 0 || c.Audio.Fade > Duration(5*time.Second):
		return fmt.Errorf("audio.fade: %s is outside 0..5s", c.Audio.Fade)
	case c.Audio.ResampleQuality < 1 || c.Audio.ResampleQuality > 6:
		return fmt.Errorf("audio.resample_quality: %d is outside 1..6", c.Audio.ResampleQuality)
	case c.Audio.HighpassHz != 0 && (c.Audio.HighpassHz < 20 || c.Audio.HighpassHz > 1000 || c.Audio.HighpassHz >= float64(c.Audio.SampleRate)/4):
		return fmt.Errorf("audio.highpass_hz: %g is neither 0 (off) nor within 20..1000 Hz", c.Audio.HighpassHz)
	case strings.TrimSpace(c.Playout.Output) == "":
		return fmt.Errorf("playout.output: must not be empty")
	case c.Playout.Lead < 0 || c.Playout.Lead > Duration(time.Hour):
		return fmt.Errorf("playout.lead: %s is outside 0..1h", c.Playout.Lead)
	case c.Playout.Grace < 0 || c.Playout.Grace > Duration(24*time.Hour):
		return fmt.Errorf("playout.grace: %s is outside 0..24h", c.Playout.Grace)
	case c.Playout.Overlap != "delay" && c.Playout.Overlap != "skip":
		return fmt.Errorf("playout.overlap: %q must be \"delay\" or \"skip\"", c.Playout.Overlap)
	case c.Announce.Resume != "next" && c.Announce.Resume != "item":
		return fmt.Errorf("announce.resume: %q must be \"next\" or \"item\"", c.Announce.Resume)
	case c.Announce.PriorityWait < 0 || c.Announce.PriorityWait > Duration(24*time.Hour):
		return fmt.Errorf("announce.priority_wait: %s is outside 0..24h", c.Announce.PriorityWait)
	case c.Web.MaxUploadMB < 1 || c.Web.MaxUploadMB > 4096:
		return fmt.Errorf("web.max_upload_mb: %d is outside 1..4096", c.Web.MaxUploadMB)
	}
	if _, _, err := net.SplitHostPort(c.Web.Listen); err != nil {
		return fmt.Errorf("web.listen: %q is not host:port (e.g. 127.0.0.1:8080)", c.Web.Listen)
	}
	return c.TTS.validate()
}

func (t *TTS) validate() error {
	t.Four, t.ZeroTens, t.Thousand = norm.NFC.String(t.Four), norm.NFC.String(t.ZeroTens), norm.NFC.String(t.Thousand)
	switch {
	case len(strings.Fields(t.Command)) == 0:
		return fmt.Errorf("tts.command: must not be empty")
	case strings.TrimSpace(t.Voice) == "" || strings.ContainsAny(t.Voice, " \t\n"):
		return fmt.Errorf("tts.voice: %q must be one word", t.Voice)
	case t.Rate < 50 || t.Rate > 500:
		return fmt.Errorf("tts.rate: %d is outside 50..500 words per minute", t.Rate)
	case t.Pitch < 0 || t.Pitch > 99:
		return fmt.Errorf("tts.pitch: %d is outside 0..99", t.Pitch)
	case t.Pause < 0 || t.Pause > Duration(5*time.Second):
		return fmt.Errorf("tts.pause: %s is outside 0..5s", t.Pause)
	case t.Four != "tư" && t.Four != "bốn":
		return fmt.Errorf("tts.four: %q must be \"tư\" or \"bốn\"", t.Four)
	case t.ZeroTens != "linh" && t.ZeroTens != "lẻ":
		return fmt.Errorf("tts.zero_tens: %q must be \"linh\" or \"lẻ\"", t.ZeroTens)
	case t.Thousand != "nghìn" && t.Thousand != "ngàn":
		return fmt.Errorf("tts.thousand: %q must be \"nghìn\" or \"ngàn\"", t.Thousand)
	}
	for k, v := range t.Abbreviations {
		if strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" || strings.ContainsAny(k+v, "\t\n") {
			return fmt.Errorf("tts.abbreviations: entry %q = %q: key and reading must be non-empty single lines", k, v)
		}
	}
	return nil
}

// Location is the station's time zone, loaded and checked.
func (c *Config) Location() *time.Location { return c.location }

// TOML renders the configuration as a TOML document loa can read back.
func (c *Config) TOML() (string, error) {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		return "", fmt.Errorf("encode config: %w", err)
	}
	return b.String(), nil
}

// Duration is a time.Duration written as "30m", "2s" in TOML.
type Duration time.Duration

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("bad duration %q (use e.g. 30s, 15m, 1h30m)", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration back in the same form.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

func (d Duration) String() string { return time.Duration(d).String() }

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
