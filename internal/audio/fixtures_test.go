package audio

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Test fixtures are generated with ffmpeg, lame and espeak-ng into
// t.TempDir(); these tools are test-time references only.

func needTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: skipping the comparison with the reference tools (CI installs ffmpeg, lame, espeak-ng)", tool)
		}
	}
}

func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return append(out.Bytes(), errb.Bytes()...)
}

// fixture describes generated test audio.
type fixture struct {
	material string  // speech, music, tone
	rate, ch int     // sample rate, channels
	lufs     float64 // approximate loudness
	codec    string  // wav16, wav24, wav8, float, mp3, mp3-notag, mp3-vbr, mp3-ffmpeg, flac, flac24, vorbis
	seconds  float64
}

func (f fixture) String() string {
	return fmt.Sprintf("%s-%d-%dch-%g-%s", f.material, f.rate, f.ch, f.lufs, f.codec)
}

var speechText = "Kính thưa bà con nhân dân trong xã. Ủy ban nhân dân xã Bình Lương thông báo kế hoạch cải cách hành chính năm hai nghìn không trăm hai mươi ba. " +
	"Bà con có thể nộp hồ sơ trực tuyến qua cổng dịch vụ công, mức độ ba và mức độ bốn."

// source returns a float WAV of the raw material at the fixture's rate
// and channel count (before levelling).
func (f fixture) source(t testing.TB, dir string) string {
	out := filepath.Join(dir, f.String()+"-src.wav")
	d := strconv.FormatFloat(f.seconds, 'f', 3, 64)
	fmtArgs := []string{"-ar", strconv.Itoa(f.rate), "-ac", strconv.Itoa(f.ch), "-c:a", "pcm_f32le", out}
	switch f.material {
	case "speech":
		sp := filepath.Join(dir, f.String()+"-espeak.wav")
		run(t, "espeak-ng", "-v", "vi", "-s", "150", "-w", sp, speechText)
		args := []string{"-v", "error", "-y", "-i", sp}
		if f.ch == 2 {
			// Slightly different channels so stereo is really stereo.
			args = append(args, "-af", "aformat=channel_layouts=mono,pan=stereo|c0=c0|c1=0.8*c0,atrim=0:"+d)
		} else {
			args = append(args, "-af", "atrim=0:"+d)
		}
		run(t, "ffmpeg", append(args, fmtArgs...)...)
	case "music":
		expr := "0.3*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*1.5*t))+0.2*sin(2*PI*277.2*t+2*sin(2*PI*3*t))+0.15*sin(2*PI*329.6*t)*(t-floor(t))+0.1*sin(2*PI*1760*t)*exp(-8*(t-floor(t)))"
		run(t, "ffmpeg", append([]string{"-v", "error", "-y",
			"-f", "lavfi", "-i", "aevalsrc=" + expr + ":s=" + strconv.Itoa(f.rate) + ":d=" + d,
			"-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.05:seed=7:r=" + strconv.Itoa(f.rate) + ":d=" + d,
			"-filter_complex", "amix=inputs=2:normalize=0"}, fmtArgs...)...)
	case "tone":
		run(t, "ffmpeg", append([]string{"-v", "error", "-y",
			"-f", "lavfi", "-i", "sine=f=997:r=" + strconv.Itoa(f.rate) + ":d=" + d}, fmtArgs...)...)
	default:
		t.Fatalf("unknown material %q", f.material)
	}
	return out
}

// make generates the fixture file and returns its path.
func (f fixture) make(t testing.TB, dir string) string {
	t.Helper()
	if f.seconds == 0 {
		f.seconds = 8
	}
	src := f.source(t, dir)
	ref, err := ffmpegLoudness(t, src)
	if err != nil {
		t.Fatal(err)
	}
	vol := fmt.Sprintf("volume=%.2fdB", f.lufs-ref.i)
	wav := filepath.Join(dir, f.String()+".wav")
	codec := map[string]string{"wav16": "pcm_s16le", "wav24": "pcm_s24le", "wav8": "pcm_u8", "float": "pcm_f32le",
		"mp3": "pcm_s16le", "mp3-notag": "pcm_s16le", "mp3-vbr": "pcm_s16le", "mp3-ffmpeg": "pcm_s16le",
		"flac": "pcm_s16le", "flac24": "pcm_s24le", "vorbis": "pcm_f32le"}[f.codec]
	run(t, "ffmpeg", "-v", "error", "-y", "-i", src, "-af", vol, "-c:a", codec, wav)
	switch f.codec {
	case "flac", "flac24":
		out := filepath.Join(dir, f.String()+".flac")
		run(t, "ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "flac", out)
		return out
	case "vorbis":
		out := filepath.Join(dir, f.String()+".ogg")
		run(t, "ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "libvorbis", "-q:a", "3", out)
		return out
	}
	if !strings.HasPrefix(f.codec, "mp3") {
		return wav
	}
	mp3 := filepath.Join(dir, f.String()+".mp3")
	if f.codec == "mp3-ffmpeg" {
		// ffmpeg's own encoder writes a Lavc Info tag and an ID3v2 title.
		run(t, "ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "libmp3lame", "-q:a", "4", "-metadata", "title=Bản tin sáng", mp3)
		return mp3
	}
	args := []string{"--quiet", "-b", "128"}
	if f.codec == "mp3-vbr" {
		args = []string{"--quiet", "-V", "5"}
	}
	if f.ch == 1 {
		args = append(args, "-m", "m")
	}
	if f.codec == "mp3-notag" {
		args = append(args, "-t")
	}
	run(t, "lame", append(args, wav, mp3)...)
	return mp3
}

type refLoudness struct{ i, tp float64 }

var (
	reI  = regexp.MustCompile(`(?s)Summary:.*?I:\s+(-?[0-9.]+|-inf) LUFS`)
	reTP = regexp.MustCompile(`(?s)Summary:.*?True peak:\s+Peak:\s+(-?[0-9.]+|-inf) dBFS`)
)

// ffmpegLoudness measures with ffmpeg's ebur128 filter (peak=true).
func ffmpegLoudness(t testing.TB, path string, filters ...string) (refLoudness, error) {
	af := strings.Join(append(filters, "ebur128=peak=true"), ",")
	out := run(t, "ffmpeg", "-nostats", "-hide_banner", "-i", path, "-af", af, "-f", "null", "-")
	mi, mt := reI.FindSubmatch(out), reTP.FindSubmatch(out)
	if mi == nil || mt == nil {
		return refLoudness{}, fmt.Errorf("ebur128 summary not found in:\n%s", out)
	}
	var r refLoudness
	r.i, _ = strconv.ParseFloat(string(mi[1]), 64)
	r.tp, _ = strconv.ParseFloat(string(mt[1]), 64)
	if string(mi[1]) == "-inf" {
		r.i = SilenceLUFS
	}
	return r, nil
}

// ffmpegPCM decodes with ffmpeg to interleaved int16 in the source format.
func ffmpegPCM(t testing.TB, path string) []int16 {
	b := run(t, "ffmpeg", "-v", "error", "-i", path, "-f", "s16le", "-c:a", "pcm_s16le", "-")
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
	}
	return s
}

func ffprobeInt(t testing.TB, path, entry string) int {
	out := strings.TrimSpace(string(run(t, "ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream="+entry, "-of", "csv=p=0", path)))
	out = strings.Trim(out, ",\n ")
	n, err := strconv.Atoi(out)
	if err != nil {
		t.Fatalf("ffprobe %s %s: %q", entry, path, out)
	}
	return n
}

func writeFile(t testing.TB, path string, b []byte) string {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
