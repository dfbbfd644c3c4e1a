package audio

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var fixtures = []fixture{
	{material: "speech", rate: 22050, ch: 1, lufs: -23, codec: "wav16"},
	{material: "speech", rate: 44100, ch: 1, lufs: -35, codec: "mp3"},
	{material: "speech", rate: 48000, ch: 2, lufs: -8, codec: "mp3"},
	{material: "speech", rate: 44100, ch: 2, lufs: -16, codec: "wav24"},
	{material: "speech", rate: 48000, ch: 1, lufs: -20, codec: "mp3-notag"},
	{material: "speech", rate: 22050, ch: 2, lufs: -18, codec: "mp3"},
	{material: "music", rate: 44100, ch: 2, lufs: -16, codec: "mp3"},
	{material: "music", rate: 48000, ch: 2, lufs: -35, codec: "float"},
	{material: "music", rate: 22050, ch: 1, lufs: -8, codec: "wav16"},
	{material: "music", rate: 44100, ch: 1, lufs: -23, codec: "mp3"},
	{material: "music", rate: 48000, ch: 1, lufs: -14, codec: "wav8"},
	{material: "tone", rate: 48000, ch: 1, lufs: -20, codec: "wav16"},
	{material: "tone", rate: 22050, ch: 2, lufs: -35, codec: "mp3"},
	{material: "tone", rate: 44100, ch: 2, lufs: -8, codec: "wav16"},
	{material: "speech", rate: 44100, ch: 2, lufs: -23, codec: "mp3-vbr"},
	{material: "music", rate: 48000, ch: 2, lufs: -18, codec: "mp3-ffmpeg"},
	{material: "speech", rate: 44100, ch: 1, lufs: -23, codec: "flac"},
	{material: "music", rate: 48000, ch: 2, lufs: -16, codec: "flac24"},
	{material: "speech", rate: 8000, ch: 1, lufs: -30, codec: "flac"},
	{material: "speech", rate: 44100, ch: 2, lufs: -20, codec: "vorbis"},
	{material: "music", rate: 22050, ch: 1, lufs: -14, codec: "vorbis"},
	{material: "speech", rate: 48000, ch: 1, lufs: -35, codec: "vorbis"},
}

func analyzeFile(t testing.TB, path string) (Info, error) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Analyze(context.Background(), f)
}

// TestAnalyzeMatchesFFmpeg: exact decoded length, channels, loudness within
// 0.2 LU and true peak within 0.5 dB of ffmpeg's ebur128=peak=true.
func TestAnalyzeMatchesFFmpeg(t *testing.T) {
	needTools(t, "ffmpeg", "ffprobe", "lame", "espeak-ng")
	dir := t.TempDir()
	for _, fx := range fixtures {
		t.Run(fx.String(), func(t *testing.T) {
			path := fx.make(t, dir)
			info, err := analyzeFile(t, path)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := ffmpegLoudness(t, path)
			if err != nil {
				t.Fatal(err)
			}
			pcm := ffmpegPCM(t, path)
			ch := ffprobeInt(t, path, "channels")
			rate := ffprobeInt(t, path, "sample_rate")
			wantFrames := int64(len(pcm) / ch)
			t.Logf("loa: %d frames %.2f LUFS %.2f dBTP; ffmpeg: %d frames %.1f LUFS %.1f dBTP",
				info.Frames, info.IntegratedLUFS, info.TruePeakDBTP, wantFrames, ref.i, ref.tp)
			if info.Channels != ch || info.SampleRate != rate {
				t.Errorf("format %d Hz %d ch, ffprobe %d Hz %d ch", info.SampleRate, info.Channels, rate, ch)
			}
			if info.Frames != wantFrames {
				t.Errorf("frames %d, ffmpeg decodes %d", info.Frames, wantFrames)
			}
			if d := math.Abs(info.IntegratedLUFS - ref.i); d > 0.2 {
				t.Errorf("integrated %.2f LUFS, ffmpeg %.1f (off by %.2f LU)", info.IntegratedLUFS, ref.i, d)
			}
			if d := math.Abs(info.TruePeakDBTP - ref.tp); d > 0.5 {
				t.Errorf("true peak %.2f dBTP, ffmpeg %.1f (off by %.2f dB)", info.TruePeakDBTP, ref.tp, d)
			}
			if strings.HasPrefix(fx.codec, "mp3") || fx.codec == "vorbis" || strings.HasPrefix(fx.codec, "flac") {
				comparePCM(t, path, pcm, ch)
			}
		})
	}
}

// comparePCM checks that our decode is aligned with ffmpeg's, sample for
// sample (different decoders round differently: compare the error energy).
func comparePCM(t *testing.T, path string, ref []int16, ch int) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := Open(f)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float32, 4096*ch)
	var sig, diff float64
	i := 0
	for {
		n, err := d.Read(buf)
		for _, v := range buf[:n] {
			if i < len(ref) {
				r := float64(ref[i]) / 32768
				sig += r * r
				e := float64(v) - r
				diff += e * e
			}
			i++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if sig == 0 {
		return
	}
	snr := 10 * math.Log10(sig/math.Max(diff, 1e-20))
	t.Logf("PCM agreement with ffmpeg: %.1f dB SNR", snr)
	if snr < 40 {
		t.Errorf("decoded samples differ from ffmpeg's (SNR %.1f dB): misaligned?", snr)
	}
}

func TestAnalyzeErrors(t *testing.T) {
	needTools(t, "ffmpeg", "lame")
	dir := t.TempDir()
	good := fixture{material: "tone", rate: 44100, ch: 1, lufs: -20, codec: "mp3", seconds: 3}.make(t, dir)
	goodWav := fixture{material: "tone", rate: 44100, ch: 2, lufs: -20, codec: "wav16", seconds: 3}.make(t, dir)
	noTag := fixture{material: "tone", rate: 48000, ch: 2, lufs: -20, codec: "mp3-notag", seconds: 3}.make(t, dir)
	mp3, _ := os.ReadFile(good)
	mp3NoTag, _ := os.ReadFile(noTag)
	wav, _ := os.ReadFile(goodWav)
	conv := func(name string, args ...string) string {
		p := filepath.Join(dir, name)
		run(t, "ffmpeg", append(append([]string{"-v", "error", "-y", "-i", goodWav}, args...), p)...)
		return p
	}
	cut := func(path string, div int) string {
		b, _ := os.ReadFile(path)
		return writeFile(t, path+".cut", b[:len(b)/div+17])
	}
	damage := func(path string) string {
		b, _ := os.ReadFile(path)
		for i := len(b) / 2; i < len(b)/2+64; i++ {
			b[i] ^= 0x5a
		}
		return writeFile(t, path+".bad", b)
	}
	for _, tc := range []struct {
		name string
		path string
		want error
	}{
		{"empty", writeFile(t, filepath.Join(dir, "empty.mp3"), nil), ErrEmpty},
		{"text", writeFile(t, filepath.Join(dir, "script.mp3"), []byte("Kính thưa bà con, đây là văn bản chứ không phải âm thanh.\n")), ErrNotAudio},
		{"pdf", writeFile(t, filepath.Join(dir, "a.mp3"), []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n")), ErrNotAudio},
		{"opus", conv("a.opus", "-c:a", "libopus"), ErrUnsupported},
		{"webm", conv("a.webm", "-c:a", "libopus"), ErrUnsupported},
		{"caf", conv("a.caf", "-c:a", "pcm_s16le"), ErrUnsupported},
		{"flac-in-ogg", conv("a.oga", "-c:a", "flac"), ErrUnsupported},
		{"6ch-flac", conv("six.flac", "-ac", "6", "-c:a", "flac"), ErrUnsupported},
		{"truncated-flac", cut(conv("whole.flac", "-c:a", "flac"), 2), ErrCorrupt},
		{"damaged-flac", damage(conv("damaged.flac", "-c:a", "flac")), ErrCorrupt},
		{"truncated-ogg", cut(conv("whole.ogg", "-c:a", "libvorbis"), 2), ErrCorrupt},
		{"m4a", conv("a.m4a", "-c:a", "aac"), ErrUnsupported},
		{"mp2", conv("a.mp2", "-c:a", "mp2"), ErrUnsupported},
		{"adpcm-wav", conv("adpcm.wav", "-c:a", "adpcm_ima_wav"), ErrUnsupported}, // G.711 A-law/µ-law decode: TestWAVG711MatchesFFmpeg
		{"6ch-wav", conv("six.wav", "-ac", "6"), ErrUnsupported},
		{"truncated-mp3", writeFile(t, filepath.Join(dir, "trunc.mp3"), mp3[:len(mp3)/2]), ErrCorrupt},
		{"truncated-mp3-without-xing", writeFile(t, filepath.Join(dir, "trunc-notag.mp3"), mp3NoTag[:len(mp3NoTag)/2+7]), ErrCorrupt},
		{"truncated-wav", writeFile(t, filepath.Join(dir, "trunc.wav"), wav[:len(wav)/2]), ErrCorrupt},
		{"wav-header-only", writeFile(t, filepath.Join(dir, "hdr.wav"), wav[:30]), ErrCorrupt},
		{"id3-only", writeFile(t, filepath.Join(dir, "id3.mp3"), []byte("ID3\x03\x00\x00\x00\x00\x00\x05hello")), ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := analyzeFile(t, tc.path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// Damage in the middle of an MP3 must not panic: it decodes (resyncs)
	// or reports ErrCorrupt.
	bad := append([]byte(nil), mp3...)
	for i := len(bad) / 3; i < len(bad)/3+2000 && i < len(bad); i++ {
		bad[i] = byte(i * 7)
	}
	if _, err := analyzeFile(t, writeFile(t, filepath.Join(dir, "bad.mp3"), bad)); err != nil && !errors.Is(err, ErrCorrupt) {
		t.Fatalf("damaged mp3: %v", err)
	}
	// Cancellation.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, _ := os.Open(good)
	defer f.Close()
	if _, err := Analyze(ctx, f); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestInfoSeconds(t *testing.T) {
	if s := (Info{SampleRate: 44100, Frames: 88200}).Seconds(); s != 2 {
		t.Fatal(s)
	}
	if s := (Info{}).Seconds(); s != 0 {
		t.Fatal(s)
	}
}

func TestMeterSilence(t *testing.T) {
	m := NewMeter(44100, 2)
	m.Write(make([]float32, 44100*2*3))
	if m.Integrated() != SilenceLUFS || m.TruePeak() != FloorDBTP {
		t.Fatalf("silence: %v LUFS %v dBTP", m.Integrated(), m.TruePeak())
	}
}
