package output

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/internal/audio"
)

// sine is a test stream: frames of a 440 Hz tone at -12 dBFS.
type sine struct {
	rate, ch int
	n, left  int64
}

func (s *sine) SampleRate() int { return s.rate }
func (s *sine) Channels() int   { return s.ch }
func (s *sine) Read(dst []float32) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	k := min(int64(len(dst)/s.ch), s.left)
	for i := int64(0); i < k; i++ {
		v := float32(0.25 * math.Sin(2*math.Pi*440*float64(s.n)/float64(s.rate)))
		for c := 0; c < s.ch; c++ {
			dst[int(i)*s.ch+c] = v
		}
		s.n++
	}
	s.left -= k
	return int(k) * s.ch, nil
}

func expectPCM(rate, ch int, frames int64) []byte {
	s := &sine{rate: rate, ch: ch, left: frames}
	buf := make([]float32, frames*int64(ch))
	n, _ := s.Read(buf)
	return audio.Quantize16(nil, buf[:n])
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		spec string
		ok   bool
	}{
		{"alsa", true}, {"null", true}, {"null:instant", true}, {"wav:/tmp/x", true},
		{"alsa+wav:var/aircheck", true}, {"null+wav:a+wav:b", true},
		{"", false}, {"pulse", false}, {"wav:", false}, {"alsa+null", false}, {"alsa:hw0", false},
	} {
		_, err := Parse(tc.spec)
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) err=%v, want ok=%v", tc.spec, err, tc.ok)
		}
	}
}

func TestWavRecordsExactly(t *testing.T) {
	dir := t.TempDir()
	out, err := Parse("null:instant+wav:" + dir)
	if err != nil {
		t.Fatal(err)
	}
	var prog Progress
	pl, err := out.Play(context.Background(), &sine{rate: 22050, ch: 2, left: 30000}, &prog)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Frames != 30000 || prog.Frames() != 30000 || len(pl.Files) != 1 || pl.Started.IsZero() {
		t.Fatalf("played %+v progress %d", pl, prog.Frames())
	}
	b, err := os.ReadFile(pl.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	want := expectPCM(22050, 2, 30000)
	if len(b) != 44+len(want) || string(b[44:]) != string(want) {
		t.Fatalf("recording: %d bytes, want %d", len(b), 44+len(want))
	}
	if got := binary.LittleEndian.Uint32(b[40:]); int(got) != len(want) {
		t.Fatalf("data size %d, want %d", got, len(want))
	}
	// A second run in the same second gets its own file.
	pl2, err := out.Play(context.Background(), &sine{rate: 22050, ch: 2, left: 10}, nil)
	if err != nil || pl2.Files[0] == pl.Files[0] {
		t.Fatalf("second run: %v %v", pl2.Files, err)
	}
}

func TestNullCancelPrompt(t *testing.T) {
	dir := t.TempDir()
	out, _ := Parse("null+wav:" + dir)
	ctx, cancel := context.WithCancel(context.Background())
	var prog Progress
	done := make(chan struct{})
	var pl Played
	var err error
	var stopped time.Time
	began := time.Now()
	go func() {
		pl, err = out.Play(ctx, &sine{rate: 44100, ch: 1, left: 44100 * 60}, &prog)
		stopped = time.Now()
		close(done)
	}()
	// Cancel once 0.3 s has gone out (by the progress, not by a sleep: a
	// slow start on a busy machine must not make "went out" look short).
	for prog.Frames() < 44100*3/10 {
		select {
		case <-done:
			t.Fatalf("Play returned before cancel: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	at := time.Now()
	cancel()
	<-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	lag := stopped.Sub(at)
	t.Logf("stopped %v after cancel, %d frames out in %v", lag, pl.Frames, at.Sub(began))
	if lag > 100*time.Millisecond {
		t.Errorf("stop took %v, want < 100ms", lag)
	}
	// Real time: what went out is no more than the time it was playing,
	// from its first sample until Play noticed the cancel (that lag is
	// bounded above), and at least what progress reported before it.
	secs := float64(pl.Frames) / 44100
	if want := stopped.Sub(pl.Started).Seconds(); secs < 0.3 || secs > want {
		t.Errorf("played %.3fs in %.3fs of real time", secs, want)
	}
	st, _ := os.Stat(pl.Files[0])
	if st.Size() != 44+pl.Frames*2 {
		t.Errorf("recording %d bytes, want exactly what went out (%d)", st.Size(), 44+pl.Frames*2)
	}
}

// TestALSAHeadless plays through the real oto/ALSA path into an ALSA
// file plugin and checks the captured samples are the programme.
func TestALSAHeadless(t *testing.T) {
	home := t.TempDir()
	raw := filepath.Join(home, "capture.raw")
	conf := "pcm.!default {\n type file\n slave.pcm \"null\"\n file \"" + raw + "\"\n format \"raw\"\n}\n"
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	dir := t.TempDir()
	out, err := Parse("alsa+wav:" + dir)
	if err != nil {
		t.Fatal(err)
	}
	// The rendered programme: two items (one resampled) with a gap.
	a := writeTone(t, filepath.Join(home, "a.wav"), 44100, 1, 1.0)
	b := writeTone(t, filepath.Join(home, "b.wav"), 22050, 2, 0.7)
	opt := audio.DefaultOptions()
	opt.Gap = 300 * time.Millisecond
	r, err := audio.NewRenderer(context.Background(), []audio.Item{{Path: a}, {Path: b}}, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pl, err := out.Play(context.Background(), r, nil)
	if err != nil {
		t.Fatalf("alsa play: %v", err)
	}
	res := r.Results()
	if pl.Frames != res[1].End || len(pl.Items) != 2 || pl.Items[0] != res[0].Frames() || pl.Items[1] != res[1].Frames() {
		t.Fatalf("played %+v, items %+v", pl, res)
	}
	capt, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := os.ReadFile(pl.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(rec)-44) != 2*pl.Frames {
		t.Fatalf("air check holds %d bytes of PCM, want %d", len(rec)-44, 2*pl.Frames)
	}
	// oto sends FLOAT_LE. ALSA's null device is not paced, so oto's mixer
	// runs faster than it refills and pads with silence: compare the
	// non-zero samples of the capture with those of the programme.
	var sent, heard []int16
	for i := 44; i+2 <= len(rec); i += 2 {
		if v := int16(binary.LittleEndian.Uint16(rec[i:])); v != 0 {
			sent = append(sent, v)
		}
	}
	for i := 0; i+4 <= len(capt); i += 4 {
		f := math.Float32frombits(binary.LittleEndian.Uint32(capt[i:]))
		if v := int16(math.Round(float64(f) * 32768)); v != 0 {
			heard = append(heard, v)
		}
	}
	if len(sent) < 44100 || len(heard) != len(sent) {
		t.Fatalf("captured %d non-zero samples, programme has %d", len(heard), len(sent))
	}
	for i := range sent {
		if heard[i] != sent[i] {
			t.Fatalf("non-zero sample %d: captured %d, programme %d", i, heard[i], sent[i])
		}
	}
	// The device stays open for the process; a second programme plays too,
	// also through another alsa output (oto allows one context per process:
	// outputs share it).
	if _, err := out.Play(context.Background(), &sine{rate: 44100, ch: 1, left: 100}, nil); err != nil {
		t.Fatal(err)
	}
	other, _ := Parse("alsa")
	if _, err := other.Play(context.Background(), &sine{rate: 44100, ch: 1, left: 100}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := out.Play(context.Background(), &sine{rate: 48000, ch: 1, left: 100}, nil); err == nil {
		t.Fatal("format change on an open device must fail")
	}
}

// TestALSAOpenFails runs itself in a child process (oto allows one device
// context per process) with an ALSA configuration that has no usable
// device: Play must fail with a clear error, never play silently.
func TestALSAOpenFails(t *testing.T) {
	if os.Getenv("LOA_ALSA_CHILD") == "1" {
		out, _ := Parse("alsa")
		_, err := out.Play(context.Background(), &sine{rate: 44100, ch: 1, left: 100}, nil)
		if err == nil {
			os.Stdout.WriteString("NOERROR\n")
			return
		}
		os.Stdout.WriteString("ERR " + err.Error() + "\n")
		return
	}
	home := t.TempDir()
	conf := "pcm.!default { type hw; card 57 }\npcm.!plug { type hw; card 57 }\n"
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestALSAOpenFails$", "-test.v")
	cmd.Env = append(os.Environ(), "LOA_ALSA_CHILD=1", "HOME="+home, "ALSA_CONFIG_PATH=")
	b, _ := cmd.CombinedOutput()
	s := string(b)
	if !strings.Contains(s, "ERR output alsa: no usable sound device") {
		t.Fatalf("child output:\n%s", s)
	}
	line, _, _ := strings.Cut(s[strings.Index(s, "ERR"):], "\n")
	t.Logf("%s", line)
}

// writeTone writes a 16-bit WAV of a 440 Hz tone at -12 dBFS.
func writeTone(t *testing.T, path string, rate, ch int, secs float64) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, _ := audio.NewWAVWriter(f, rate, ch)
	s := &sine{rate: rate, ch: ch, left: int64(secs * float64(rate))}
	buf := make([]float32, s.left*int64(ch))
	n, _ := s.Read(buf)
	if err := w.Write(buf[:n]); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestStopMidItem: cancelling a real-time programme mid-item stops within
// 100 ms and reports the frames of each item that went out.
func TestStopMidItem(t *testing.T) {
	dir := t.TempDir()
	a := writeTone(t, filepath.Join(dir, "a.wav"), 44100, 1, 0.2)
	b := writeTone(t, filepath.Join(dir, "b.wav"), 44100, 1, 2)
	opt := audio.DefaultOptions()
	opt.Gap = 100 * time.Millisecond
	r, err := audio.NewRenderer(context.Background(), []audio.Item{{Path: a}, {Path: b}, {Path: a}}, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out, _ := Parse("null+wav:" + dir)
	ctx, cancel := context.WithCancel(context.Background())
	var prog Progress
	go func() {
		for prog.Frames() < 44100*6/10 { // 0.6 s: inside item 1
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	pl, err := out.Play(ctx, r, &prog)
	stopped := time.Now()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	res := r.Results()
	if len(pl.Items) != 3 || pl.Items[0] != res[0].Frames() || pl.Items[1] <= 0 || pl.Items[1] >= 2*44100 || pl.Items[2] != 0 {
		t.Fatalf("items out %v, results %+v", pl.Items, res)
	}
	if got := pl.Items[0] + 4410 + pl.Items[1]; got != pl.Frames {
		t.Errorf("item frames %v + gap != %d frames out", pl.Items, pl.Frames)
	}
	if lag := stopped.Sub(pl.Started) - time.Duration(float64(pl.Frames)/44100*float64(time.Second)); lag > 100*time.Millisecond {
		t.Errorf("stopped %v after the last frame went out", lag)
	}
	if r.ItemAt(prog.Frames()-1) != 1 {
		t.Errorf("last frame out is not in item 1")
	}
}
