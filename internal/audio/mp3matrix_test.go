package audio

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// mp3Encoding is one cell of the decoder matrix: an encoder, its settings
// and the stream it makes (MPEG-1, 2 or 2.5 follows from the rate).
type mp3Encoding struct {
	rate, ch int
	level    string // low, mid, high
	encoder  string // lame-cbr, lame-vbr, ffmpeg, shine
	kbps     int    // CBR bitrate (lame-cbr, ffmpeg)
	vbr      int    // lame -V (lame-vbr)
	mode     string // lame -m: j (joint), s (stereo), m (mono)
	noTag    bool   // lame -t: no Xing/LAME frame
}

func (e mp3Encoding) String() string {
	s := fmt.Sprintf("%d-%dch-%s-%s", e.rate, e.ch, e.level, e.encoder)
	if e.encoder == "lame-vbr" {
		s += "-V" + strconv.Itoa(e.vbr)
	} else {
		s += "-" + strconv.Itoa(e.kbps) + "k"
	}
	if e.ch == 2 && e.mode != "" {
		s += "-" + e.mode
	}
	if e.noTag {
		s += "-notag"
	}
	return s
}

// mp3Matrix: every sample rate × mono/stereo × low/mid/high bitrate × lame
// CBR, lame VBR and ffmpeg's encoder (162 encodings), and at the MPEG-1
// rates the shine encoder too (18 more: another encoder's choices, e.g.
// long blocks only, no bit reservoir games). Among them the two
// files of issue 8 (22.05 kHz mono 32 kbit/s by lame, 22.05 kHz stereo
// 96 kbit/s by ffmpeg); lame CBR is joint stereo at low and mid bitrates
// and plain stereo at high, and has no Xing/LAME frame at the low bitrate.
func mp3Matrix() []mp3Encoding {
	// Bitrates per MPEG version (MPEG-1, 2, 2.5) and channel count.
	kbps := func(rate, ch int) [3]int {
		switch {
		case rate >= 32000:
			return [3]int{[2]int{32, 48}[ch-1], 128, 320}
		case rate >= 16000:
			return [3]int{16, [2]int{32, 96}[ch-1], 160}
		default:
			return [3]int{8, [2]int{24, 32}[ch-1], 64}
		}
	}
	var m []mp3Encoding
	for _, rate := range []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000} {
		for ch := 1; ch <= 2; ch++ {
			for i, level := range []string{"low", "mid", "high"} {
				br := kbps(rate, ch)[i]
				mode := "m"
				if ch == 2 {
					mode = [3]string{"j", "j", "s"}[i]
				}
				m = append(m,
					mp3Encoding{rate: rate, ch: ch, level: level, encoder: "lame-cbr", kbps: br, mode: mode, noTag: i == 0},
					mp3Encoding{rate: rate, ch: ch, level: level, encoder: "lame-vbr", vbr: [3]int{9, 5, 0}[i], mode: map[int]string{1: "m", 2: "j"}[ch]},
					mp3Encoding{rate: rate, ch: ch, level: level, encoder: "ffmpeg", kbps: br},
				)
				if rate >= 32000 {
					// shine writes nothing (free format) at some rates
					// and bitrates lame takes.
					m = append(m, mp3Encoding{rate: rate, ch: ch, level: level, encoder: "shine", kbps: [3]int{32, 64, 128}[i]})
				}
			}
		}
	}
	return m
}

// matrixSource writes 2.5 s of programme-like material (speech-like
// bursts over music and noise, the two channels different) at rate/ch.
func matrixSource(t testing.TB, dir string, rate, ch int) string {
	out := filepath.Join(dir, fmt.Sprintf("src-%d-%d.wav", rate, ch))
	expr := "0.25*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*1.5*t))+0.15*sin(2*PI*(600+300*sin(2*PI*0.7*t))*t)*(1+sgn(sin(2*PI*2.3*t)))/2+0.1*sin(2*PI*2500*t)*exp(-6*(t-floor(t)))"
	right := "0.2*sin(2*PI*330*t)+0.1*sin(2*PI*1200*t)*exp(-4*(t-floor(2*t)/2))"
	args := []string{"-v", "error", "-y",
		"-f", "lavfi", "-i", "aevalsrc=" + expr + "|" + right + ":s=48000:d=2.5",
		"-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.04:seed=3:r=48000:d=2.5",
		"-filter_complex", "[1]pan=stereo|c0=c0|c1=c0[n];[0][n]amix=inputs=2:normalize=0,volume=-6dB",
		"-ar", strconv.Itoa(rate), "-ac", strconv.Itoa(ch), "-c:a", "pcm_s16le", out}
	run(t, "ffmpeg", args...)
	return out
}

func (e mp3Encoding) encode(t testing.TB, src, dir string) string {
	out := filepath.Join(dir, e.String()+".mp3")
	// --resample pins the output rate: lame would otherwise pick a lower
	// one for low bitrates.
	khz := strconv.FormatFloat(float64(e.rate)/1000, 'f', -1, 64)
	switch e.encoder {
	case "lame-cbr", "lame-vbr":
		args := []string{"--quiet", "--resample", khz, "-m", e.mode}
		if e.encoder == "lame-cbr" {
			args = append(args, "--cbr", "-b", strconv.Itoa(e.kbps))
		} else {
			args = append(args, "-V", strconv.Itoa(e.vbr))
		}
		if e.noTag {
			args = append(args, "-t")
		}
		run(t, "lame", append(args, src, out)...)
	case "ffmpeg", "shine":
		codec := map[string]string{"ffmpeg": "libmp3lame", "shine": "libshine"}[e.encoder]
		run(t, "ffmpeg", "-v", "error", "-y", "-i", src, "-c:a", codec, "-b:a", strconv.Itoa(e.kbps)+"k", "-ar", strconv.Itoa(e.rate), out)
	default:
		t.Fatalf("unknown encoder %q", e.encoder)
	}
	return out
}

// ffmpegDecode returns ffmpeg's float decode of path (interleaved) and
// its ebur128 integrated loudness, from one ffmpeg run.
func ffmpegDecode(t testing.TB, path string) ([]float32, float64) {
	cmd := exec.Command("ffmpeg", "-nostats", "-hide_banner", "-i", path,
		"-filter_complex", "[0:a]asplit[a][b];[b]ebur128=peak=true[m]",
		"-map", "[a]", "-f", "f32le", "-c:a", "pcm_f32le", "-",
		"-map", "[m]", "-f", "null", "-")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("ffmpeg decode %s: %v\n%s", path, err, errb.String())
	}
	// ffmpeg configures the graph twice and prints an empty summary first.
	e := errb.Bytes()
	m := reI.FindSubmatch(e[max(0, bytes.LastIndex(e, []byte("Summary:"))):])
	if m == nil {
		t.Fatalf("ebur128 summary not found:\n%s", errb.String())
	}
	lufs, _ := strconv.ParseFloat(string(m[1]), 64)
	b := out.Bytes()
	pcm := make([]float32, len(b)/4)
	for i := range pcm {
		pcm[i] = math.Float32frombits(uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24)
	}
	return pcm, lufs
}

// snrDB compares x, delayed by d samples, with ref.
func snrDB(ref, x []float32, d int) float64 {
	var sig, noise float64
	for i := 0; i < len(ref) && i+d < len(x); i++ {
		r := float64(ref[i])
		e := float64(x[i+d]) - r
		sig += r * r
		noise += e * e
	}
	return 10 * math.Log10(sig/math.Max(noise, 1e-30))
}

// loaDecode decodes path with loa's decoder and measures it with loa's meter.
func loaDecode(t testing.TB, path string) ([]float32, int, int, float64) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := Open(f)
	if err != nil {
		t.Fatalf("open %s: %v", filepath.Base(path), err)
	}
	m := NewMeter(d.SampleRate(), d.Channels())
	var pcm []float32
	buf := make([]float32, 8192)
	for {
		n, err := d.Read(buf)
		pcm = append(pcm, buf[:n]...)
		m.Write(buf[:n])
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("decode %s: %v", filepath.Base(path), err)
			}
			break
		}
	}
	return pcm, d.SampleRate(), d.Channels(), m.Integrated()
}

// TestMP3MatrixMatchesFFmpeg decodes every encoding of the matrix with loa
// and with ffmpeg: same length to the sample, SNR ≥ 60 dB against ffmpeg's
// decode, integrated loudness within 0.2 LU of ffmpeg's ebur128.
func TestMP3MatrixMatchesFFmpeg(t *testing.T) {
	if testing.Short() {
		t.Skip("slow (180 encodings): skipped under -short; make test runs it")
	}
	needTools(t, "ffmpeg", "lame")
	dir := t.TempDir()
	var mu sync.Mutex
	srcs := map[[2]int]string{}
	source := func(t *testing.T, rate, ch int) string {
		mu.Lock()
		defer mu.Unlock()
		k := [2]int{rate, ch}
		if srcs[k] == "" {
			srcs[k] = matrixSource(t, dir, rate, ch)
		}
		return srcs[k]
	}
	shine := strings.Contains(string(run(t, "ffmpeg", "-hide_banner", "-encoders")), "libshine")
	for _, e := range mp3Matrix() {
		t.Run(e.String(), func(t *testing.T) {
			if e.encoder == "shine" && !shine {
				t.Skip("this ffmpeg has no libshine encoder")
			}
			t.Parallel()
			path := e.encode(t, source(t, e.rate, e.ch), dir)
			ref, refLUFS := ffmpegDecode(t, path)
			got, rate, ch, lufs := loaDecode(t, path)
			if rate != e.rate || ch != e.ch {
				t.Fatalf("decoded as %d Hz %d ch, encoded %d Hz %d ch", rate, ch, e.rate, e.ch)
			}
			if len(got) != len(ref) {
				t.Errorf("length %d frames, ffmpeg %d", len(got)/ch, len(ref)/ch)
			}
			snr := snrDB(ref, got, 0)
			t.Logf("SNR %.1f dB; loa %.2f LUFS, ffmpeg %.2f LUFS", snr, lufs, refLUFS)
			if e.rate == 24000 {
				// ffmpeg (like mpg123) ends long band 17 at line 330 at
				// 24 kHz; ISO/IEC 13818-3 and LAME's encoder say 332, and
				// so does loa. Lines 330-331 then differ, so here the
				// judge is the encoder's input: loa must come at least
				// as close to it as ffmpeg does.
				src, _ := ffmpegDecode(t, source(t, e.rate, e.ch))
				d := 0
				if snrDB(src, ref, 1105*ch) > snrDB(src, ref, 0) {
					d = 1105 * ch // no LAME tag: encoder + decoder delay kept
				}
				loaSrc, ffSrc := snrDB(src, got, d), snrDB(src, ref, d)
				t.Logf("against the source: loa %.3f dB, ffmpeg %.3f dB", loaSrc, ffSrc)
				if loaSrc < ffSrc-0.01 || snr < 20 {
					t.Errorf("SNR against the source %.3f dB (ffmpeg %.3f), against ffmpeg %.1f dB", loaSrc, ffSrc, snr)
				}
			} else if snr < 60 {
				t.Errorf("SNR %.1f dB against ffmpeg's decode, want ≥ 60", snr)
			}
			if d := math.Abs(lufs - refLUFS); d > 0.2 {
				t.Errorf("integrated %.2f LUFS, ffmpeg %.2f (off by %.2f LU)", lufs, refLUFS, d)
			}
		})
	}
}

// setIntensityStereo sets the intensity-stereo bit of every joint-stereo
// frame header in b and returns how many it set.
func setIntensityStereo(b []byte) int {
	n := 0
	for i := 0; i+4 <= len(b); {
		h, ok := parseMPEGHeader(b[i:])
		if !ok || h.frameSize == 0 || i+h.frameSize > len(b) {
			i++
			continue
		}
		if b[i+3]>>6 == 1 {
			b[i+3] |= 0x10
			n++
		}
		i += h.frameSize
	}
	return n
}

// TestMP3IntensityStereoMatchesFFmpeg: no encoder at hand writes intensity
// stereo, so MPEG-1 joint-stereo files get the intensity bit set in every
// header: above the right channel's last non-zero line each band then
// becomes an intensity band positioned by the right channel's scalefactor,
// which both decoders must resolve the same way (the bitstream parses as
// before in MPEG-1). MPEG-2's intensity stereo changes how the right
// channel's scalefactors are read, so this trick cannot check it.
func TestMP3IntensityStereoMatchesFFmpeg(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: skipped under -short; make test runs it")
	}
	needTools(t, "ffmpeg", "lame")
	dir := t.TempDir()
	for _, rate := range []int{32000, 44100, 48000} {
		src := matrixSource(t, dir, rate, 2)
		for _, e := range []mp3Encoding{
			{rate: rate, ch: 2, encoder: "lame-cbr", kbps: 48, mode: "j", noTag: true},
			{rate: rate, ch: 2, encoder: "lame-vbr", vbr: 7, mode: "j"},
		} {
			t.Run(e.String(), func(t *testing.T) {
				b, err := os.ReadFile(e.encode(t, src, dir))
				if err != nil {
					t.Fatal(err)
				}
				if setIntensityStereo(b) == 0 {
					t.Fatal("no joint-stereo frame")
				}
				p := writeFile(t, filepath.Join(dir, e.String()+"-is.mp3"), b)
				ref, refLUFS := ffmpegDecode(t, p)
				got, _, _, lufs := loaDecode(t, p)
				snr := snrDB(ref, got, 0)
				t.Logf("SNR %.1f dB; loa %.2f LUFS, ffmpeg %.2f LUFS", snr, lufs, refLUFS)
				if len(got) != len(ref) || snr < 60 || math.Abs(lufs-refLUFS) > 0.2 {
					t.Errorf("%d samples (ffmpeg %d), SNR %.1f dB, %.2f LUFS (ffmpeg %.2f)", len(got), len(ref), snr, lufs, refLUFS)
				}
			})
		}
	}
}
