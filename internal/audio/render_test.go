package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// memFile is an in-memory WriteSeeker for WAVWriter.
type memFile struct {
	b   []byte
	pos int
}

func (m *memFile) Write(p []byte) (int, error) {
	if need := m.pos + len(p); need > len(m.b) {
		m.b = append(m.b, make([]byte, need-len(m.b))...)
	}
	copy(m.b[m.pos:], p)
	m.pos += len(p)
	return len(p), nil
}

func (m *memFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		m.pos = int(off)
	case io.SeekCurrent:
		m.pos += int(off)
	case io.SeekEnd:
		m.pos = len(m.b) + int(off)
	}
	return int64(m.pos), nil
}

// toneWAV writes a 16-bit WAV: lead seconds of silence, a tone of amp
// (peak, linear) for secs, then tail seconds of silence.
func toneWAV(t testing.TB, path string, rate, ch int, freq, amp, lead, secs, tail float64) string {
	t.Helper()
	var m memFile
	w, err := NewWAVWriter(&m, rate, ch)
	if err != nil {
		t.Fatal(err)
	}
	n0, n1, n2 := int(lead*float64(rate)), int(secs*float64(rate)), int(tail*float64(rate))
	buf := make([]float32, 0, (n0+n1+n2)*ch)
	for i := 0; i < n0+n1+n2; i++ {
		var v float32
		if i >= n0 && i < n0+n1 {
			v = float32(amp * math.Sin(2*math.Pi*freq*float64(i-n0)/float64(rate)+0.3))
		}
		for c := 0; c < ch; c++ {
			buf = append(buf, v)
		}
	}
	if err := w.Write(buf); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, path, m.b)
}

// renderAll renders to memory and returns the samples.
func renderAll(t testing.TB, items []Item, o Options) ([]float32, []ItemResult) {
	t.Helper()
	r, err := NewRenderer(context.Background(), items, o)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []float32
	buf := make([]float32, 3000*o.Channels) // odd size on purpose
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return out, r.Results()
}

func measure(x []float32, rate, ch int) (lufs, tp float64) {
	m := NewMeter(rate, ch)
	m.Write(x)
	return m.Integrated(), m.TruePeak()
}

func TestRenderOffsetsTrimGaps(t *testing.T) {
	dir := t.TempDir()
	a := toneWAV(t, filepath.Join(dir, "a.wav"), 44100, 1, 440, 0.1, 0.5, 6, 1)
	b := toneWAV(t, filepath.Join(dir, "b.wav"), 44100, 2, 880, 0.2, 0, 5, 0.25)
	o := DefaultOptions()
	o.Gap = 500 * time.Millisecond
	items := []Item{
		{Path: a, Kind: "jingle"},
		{Silence: 1500 * time.Millisecond, Kind: "silence"},
		{Path: b, Kind: "script"},
	}
	out, res := renderAll(t, items, o)
	if len(res) != 3 {
		t.Fatalf("%d results", len(res))
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("item %d: %v", r.Index, r.Err)
		}
	}
	gap := int64(22050)
	// Trimming removes the silences around the tones (within a frame or two
	// where the tone itself is below -50 dBFS).
	if res[0].Start != 0 || abs64(res[0].Frames()-6*44100) > 2 {
		t.Errorf("item 0: %+v, want [0, ~88200)", res[0])
	}
	if res[1].Start != res[0].End+gap || res[1].Frames() != 66150 {
		t.Errorf("silence item: %+v", res[1])
	}
	if res[2].Start != res[1].End+gap || abs64(res[2].Frames()-5*44100) > 2 {
		t.Errorf("item 2: %+v", res[2])
	}
	if int64(len(out)) != res[2].End {
		t.Errorf("output %d frames, last item ends at %d", len(out), res[2].End)
	}
	if res[0].Kind != "jingle" || res[2].Kind != "script" {
		t.Errorf("kinds not carried: %+v", res)
	}
	for i := res[0].End; i < res[2].Start; i++ {
		if out[i] != 0 {
			t.Fatalf("frame %d in gap/silence is %v", i, out[i])
		}
	}
	// Fades: the first and last samples of an item are near zero.
	if math.Abs(float64(out[0])) > 0.01 || math.Abs(float64(out[res[0].End-1])) > 0.01 {
		t.Errorf("no fade at item edges: %v %v", out[0], out[res[0].End-1])
	}
	// Each item is at the target loudness (tones: no limiting needed). The
	// gain comes from the whole file's loudness; trimming the silences
	// drops the 400 ms blocks that straddled them, so allow 0.3 LU.
	for _, r := range []ItemResult{res[0], res[2]} {
		l, tp := measure(out[r.Start:r.End], 44100, 1)
		if math.Abs(l-o.TargetLUFS) > 0.3 || tp > o.CeilingDBTP+0.05 {
			t.Errorf("item %d: %.2f LUFS %.2f dBTP (gain %.2f dB)", r.Index, l, tp, r.GainDB)
		}
	}
	// ItemAt maps output frames back to items.
	r, err := NewRenderer(context.Background(), items, o)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	io.Copy(io.Discard, streamReader{r})
	for _, c := range []struct {
		f    int64
		want int
	}{{0, 0}, {res[0].End - 1, 0}, {res[0].End, -1}, {res[1].Start, 1}, {res[2].End - 1, 2}, {res[2].End, -1}} {
		if got := r.ItemAt(c.f); got != c.want {
			t.Errorf("ItemAt(%d) = %d, want %d", c.f, got, c.want)
		}
	}
}

// streamReader adapts a Stream to io.Reader for io.Copy in tests.
type streamReader struct{ s Stream }

func (s streamReader) Read(p []byte) (int, error) {
	buf := make([]float32, len(p)/4)
	n, err := s.s.Read(buf)
	return n * 4, err
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestRenderLimiterHoldsCeiling(t *testing.T) {
	dir := t.TempDir()
	// A peaky signal: quiet tone with loud clicks every 100 ms. Its
	// loudness is low, so the gain to -16 LUFS pushes the clicks far past
	// the ceiling.
	rate := 48000
	var m memFile
	w, _ := NewWAVWriter(&m, rate, 2)
	buf := make([]float32, 0, rate*4*2)
	for i := 0; i < rate*4; i++ {
		v := 0.05 * math.Sin(2*math.Pi*300*float64(i)/float64(rate))
		if i%(rate/2) < 12 {
			v += 0.9 * math.Sin(2*math.Pi*float64(i%(rate/2))/12*2.5)
		}
		buf = append(buf, float32(v), float32(0.7*v))
	}
	w.Write(buf)
	w.Flush()
	p := writeFile(t, filepath.Join(dir, "clicks.wav"), m.b)
	for _, ch := range []int{1, 2} {
		o := DefaultOptions()
		o.Channels, o.SampleRate = ch, 44100
		out, res := renderAll(t, []Item{{Path: p}}, o)
		l, tp := measure(out, o.SampleRate, ch)
		t.Logf("%d ch: gain %.1f dB, output %.2f LUFS, true peak %.2f dBTP", ch, res[0].GainDB, l, tp)
		if tp > o.CeilingDBTP+0.1 {
			t.Errorf("%d ch: true peak %.2f dBTP over the %.1f ceiling", ch, tp, o.CeilingDBTP)
		}
		if res[0].GainDB < 10 {
			t.Errorf("fixture not peaky enough: gain %.1f", res[0].GainDB)
		}
		// The tone between clicks keeps most of its level: not the whole
		// item turned down.
		if l < o.TargetLUFS-3 {
			t.Errorf("%d ch: output %.2f LUFS: limiter lowered the whole item", ch, l)
		}
	}
}

func TestRenderFormatConversion(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		rate, ch   int
		station    int
		stationCh  int
		wantFrames int64
	}{
		{22050, 2, 44100, 1, 88200},
		{48000, 1, 44100, 2, 88200},
		{44100, 1, 48000, 1, 96000},
		{44100, 2, 44100, 2, 88200},
	} {
		p := toneWAV(t, filepath.Join(dir, "x.wav"), tc.rate, tc.ch, 500, 0.3, 0, 2, 0)
		o := DefaultOptions()
		o.SampleRate, o.Channels = tc.station, tc.stationCh
		out, res := renderAll(t, []Item{{Path: p}}, o)
		frames := int64(len(out) / tc.stationCh)
		if abs64(frames-tc.wantFrames) > 8 || res[0].End != frames {
			t.Errorf("%d Hz %d ch → %d Hz %d ch: %d frames (item end %d), want ~%d", tc.rate, tc.ch, tc.station, tc.stationCh, frames, res[0].End, tc.wantFrames)
		}
		l, _ := measure(out, tc.station, tc.stationCh)
		if math.Abs(l-o.TargetLUFS) > 0.3 {
			t.Errorf("%d Hz %d ch → %d Hz %d ch: %.2f LUFS", tc.rate, tc.ch, tc.station, tc.stationCh, l)
		}
	}
}

func TestRenderDamagedAndMissing(t *testing.T) {
	dir := t.TempDir()
	good := toneWAV(t, filepath.Join(dir, "good.wav"), 44100, 1, 440, 0.2, 0, 1, 0)
	full, _ := os.ReadFile(toneWAV(t, filepath.Join(dir, "long.wav"), 44100, 1, 440, 0.2, 0, 4, 0))
	cut := writeFile(t, filepath.Join(dir, "cut.wav"), full[:44+2*44100]) // 1 s of 4
	notAudio := writeFile(t, filepath.Join(dir, "note.mp3"), []byte("không phải âm thanh"))
	o := DefaultOptions()
	o.Gap = 250 * time.Millisecond
	items := []Item{
		{Path: good},
		{Path: cut},
		{Path: filepath.Join(dir, "missing.mp3")},
		{Path: notAudio},
		{Path: good},
	}
	out, res := renderAll(t, items, o)
	if res[0].Err != nil || res[4].Err != nil {
		t.Fatalf("good items failed: %v %v", res[0].Err, res[4].Err)
	}
	if !errors.Is(res[1].Err, ErrCorrupt) || abs64(res[1].Frames()-44100) > 2 {
		t.Errorf("cut item: %+v, want ErrCorrupt after ~1 s", res[1])
	}
	if res[2].Err == nil || res[2].Frames() != 0 {
		t.Errorf("missing item: %+v", res[2])
	}
	if !errors.Is(res[3].Err, ErrNotAudio) || res[3].Frames() != 0 {
		t.Errorf("not-audio item: %+v", res[3])
	}
	// One normal gap between the damaged item and the next good one.
	if res[4].Start != res[1].End+11025 {
		t.Errorf("next item starts at %d, want %d", res[4].Start, res[1].End+11025)
	}
	if int64(len(out)) != res[4].End {
		t.Errorf("output %d frames, want %d", len(out), res[4].End)
	}
}

func TestRenderMP3Damaged(t *testing.T) {
	needTools(t, "ffmpeg", "lame")
	dir := t.TempDir()
	p := fixture{material: "music", rate: 44100, ch: 2, lufs: -20, codec: "mp3", seconds: 6}.make(t, dir)
	b, _ := os.ReadFile(p)
	for i := len(b) / 2; i < len(b)/2+3000; i++ {
		b[i] = 0xFF // sync-like garbage
	}
	bad := writeFile(t, filepath.Join(dir, "bad.mp3"), b)
	trunc := writeFile(t, filepath.Join(dir, "trunc.mp3"), b[:len(b)/3])
	_, res := renderAll(t, []Item{{Path: bad}, {Path: trunc}, {Path: p}}, DefaultOptions())
	for _, r := range res[:2] {
		t.Logf("item %d: %d frames, err %v", r.Index, r.Frames(), r.Err)
		if r.Err != nil && !errors.Is(r.Err, ErrCorrupt) {
			t.Errorf("item %d: %v", r.Index, r.Err)
		}
	}
	if res[2].Err != nil || abs64(res[2].Frames()-6*44100) > 4410 {
		t.Errorf("item after damaged ones: %+v", res[2])
	}
}

func TestRenderConcurrentProgress(t *testing.T) {
	dir := t.TempDir()
	p := toneWAV(t, filepath.Join(dir, "a.wav"), 44100, 1, 440, 0.2, 0, 3, 0)
	r, err := NewRenderer(context.Background(), []Item{{Path: p}, {Path: p}, {Path: p}}, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			f, _ := r.Progress()
			r.ItemAt(f)
			r.Results()
		}
	}()
	io.Copy(io.Discard, streamReader{r})
	close(stop)
	wg.Wait()
	f, item := r.Progress()
	if item != 3 || f != r.Results()[2].End {
		t.Fatalf("progress %d frames item %d, results %+v", f, item, r.Results())
	}
}

func TestRenderMeasuresUnknownLoudness(t *testing.T) {
	dir := t.TempDir()
	p := toneWAV(t, filepath.Join(dir, "a.wav"), 44100, 1, 440, 0.05, 0, 2, 0)
	known := Info{Format: "wav", SampleRate: 44100, Channels: 1, Frames: 88200, IntegratedLUFS: -16}
	_, res := renderAll(t, []Item{{Path: p}, {Path: p, Info: &known}}, DefaultOptions())
	if res[0].SourceLUFS > -20 || res[0].GainDB < 4 {
		t.Errorf("measured item: %+v", res[0])
	}
	// The ingest loudness is trusted for the gain ahead of the processing;
	// the makeup gives back only what the processing took (nothing here)
	// and the item is reported as missing the target.
	if lv := res[1].Level; lv.GainDB != 0 || lv.MakeupDB > levelSlack+0.5 || lv.Short == "" {
		t.Errorf("item with ingest loudness -16: %+v", lv)
	}
}

func TestWAVWriterRoundTrip(t *testing.T) {
	var m memFile
	w, _ := NewWAVWriter(&m, 8000, 2)
	in := []float32{0, 0.5, -0.5, 1, -1, 2, 0.25, -0.25}
	w.Write(in)
	w.Flush()
	d, err := Open(bytes.NewReader(m.b))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, 16)
	n, _ := d.Read(out)
	want := []float32{0, 0.5, -0.5, 32767.0 / 32768, -1, 32767.0 / 32768, 0.25, -0.25}
	if n != len(want) {
		t.Fatalf("read %d", n)
	}
	for i := range want {
		if out[i] != want[i] {
			t.Fatalf("sample %d: %v want %v", i, out[i], want[i])
		}
	}
}

func TestRenderCloseEarlyStopsDecoders(t *testing.T) {
	dir := t.TempDir()
	p := toneWAV(t, filepath.Join(dir, "a.wav"), 22050, 2, 440, 0.2, 0, 5, 0) // needs resampling
	before := runtime.NumGoroutine()
	r, err := NewRenderer(context.Background(), []Item{{Path: p}, {Path: p}, {Path: p}}, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float32, 1000)
	if _, err := r.Read(buf); err != nil {
		t.Fatal(err)
	}
	r.Close()
	for i := 0; i < 200 && runtime.NumGoroutine() > before; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines left running after Close (%d before)", n, before)
	}
	res := r.Results()
	if res[0].Start != 0 || res[0].End != -1 {
		t.Errorf("item 0 after early close: %+v", res[0])
	}
}

func TestRenderGainClampAndSilentItem(t *testing.T) {
	dir := t.TempDir()
	quiet := toneWAV(t, filepath.Join(dir, "quiet.wav"), 44100, 1, 440, 0.001, 0, 2, 0) // about -63 LUFS
	silent := toneWAV(t, filepath.Join(dir, "silent.wav"), 44100, 1, 440, 0, 0, 2, 0)
	out, res := renderAll(t, []Item{{Path: quiet}, {Path: silent}, {Path: quiet}}, DefaultOptions())
	// The gain stops at the cap, the makeup adds at most levelSlack (the
	// compressor took nothing from a quiet tone) and the reason is kept.
	if lv := res[0].Level; lv.GainDB != 30 || lv.MakeupDB > levelSlack+0.5 || !strings.Contains(lv.Short, "+30 dB gain limit") {
		t.Errorf("quiet item: %+v, want the +30 dB cap and the reason", lv)
	}
	if res[1].GainDB != 0 || res[1].Frames() != 0 || res[1].Err != nil {
		t.Errorf("silent item: %+v (want no audio, no gain)", res[1])
	}
	// No double gap around the silent item.
	if res[2].Start != res[0].End+44100 || int64(len(out)) != res[2].End {
		t.Errorf("offsets %+v", res)
	}
}

// TestRenderGateAtBoundary: an item's gate is asked when the output reaches
// the item, after the previous item was rendered (not when its decoding
// started ahead); a refused item leaves nothing in the output.
func TestRenderGateAtBoundary(t *testing.T) {
	dir := t.TempDir()
	a := toneWAV(t, filepath.Join(dir, "a.wav"), 44100, 1, 440, 0.2, 0, 1, 0)
	b := toneWAV(t, filepath.Join(dir, "b.wav"), 44100, 1, 660, 0.2, 0, 1, 0)
	o := DefaultOptions()
	o.Gap = 0
	refused := errors.New("withdrawn")
	var r *Renderer
	var askedAt []int64 // frames rendered when each gate was asked
	gate := func(err error) func() error {
		return func() error {
			f, _ := r.Progress()
			askedAt = append(askedAt, f)
			return err
		}
	}
	items := []Item{{Path: a, Gate: gate(nil)}, {Path: b, Gate: gate(refused)}, {Path: a, Gate: gate(nil)}}
	r, err := NewRenderer(context.Background(), items, o)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int64
	buf := make([]float32, 1000*o.Channels)
	for {
		k, err := r.Read(buf)
		n += int64(k / o.Channels)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	res := r.Results()
	if len(askedAt) != 3 || askedAt[1] < 40000 {
		t.Fatalf("gates asked at frames %v, want item 2's after item 1 (~44100 frames) was rendered", askedAt)
	}
	if !errors.Is(res[1].Err, refused) || res[1].Frames() != 0 {
		t.Errorf("refused item: %+v", res[1])
	}
	if res[2].Err != nil || res[2].Start != res[0].End || n != res[2].End {
		t.Errorf("the programme did not go on with the next item: %+v %+v, %d frames", res[0], res[2], n)
	}
}

// TestRenderInsert: an urgent item inserted with cut fades the item on
// air out over the fade and plays next, then the programme goes on with
// its next item (the cut one is not replayed); without cut it waits for the
// item on air to end; with stopAfter nothing planned follows it.
func TestRenderInsert(t *testing.T) {
	dir := t.TempDir()
	a := toneWAV(t, filepath.Join(dir, "a.wav"), 44100, 1, 440, 0.2, 0, 2, 0)
	b := toneWAV(t, filepath.Join(dir, "b.wav"), 44100, 1, 660, 0.2, 0, 1, 0)
	c := toneWAV(t, filepath.Join(dir, "c.wav"), 44100, 1, 880, 0.2, 0, 0.5, 0)
	o := DefaultOptions()
	o.Gap = 0
	cutErr := errors.New("preempted")
	const at = 22050 // insert after 0.5 s of output
	fade := 150 * time.Millisecond
	for _, tc := range []struct {
		name      string
		cut, stop bool
		wantOrder []int // item indices in output order
	}{
		{"cut", true, false, []int{0, 2, 1}},
		{"after the item", false, false, []int{0, 2, 1}},
		{"cut and stop", true, true, []int{0, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRenderer(context.Background(), []Item{{Path: a}, {Path: b}}, o)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var out []float32
			buf := make([]float32, 1000)
			inserted := false
			for {
				if !inserted && len(out) >= at {
					idx, err := r.Insert(context.Background(), []Item{{Path: c}}, InsertOptions{Cut: tc.cut, Fade: fade, CutErr: cutErr, StopAfter: tc.stop})
					if err != nil || len(idx) != 1 || idx[0] != 2 {
						t.Fatalf("insert: %v %v", idx, err)
					}
					inserted = true
				}
				n, err := r.Read(buf)
				out = append(out, buf[:n]...)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			res := r.Results()
			var order []int
			for _, i := range []int{0, 1, 2} {
				if res[i].Start >= 0 && res[i].Frames() > 0 {
					order = append(order, i)
				}
			}
			sort.Slice(order, func(i, j int) bool { return res[order[i]].Start < res[order[j]].Start })
			if fmt.Sprint(order) != fmt.Sprint(tc.wantOrder) {
				t.Fatalf("output order %v, want %v: %+v", order, tc.wantOrder, res)
			}
			wantA := int64(88200)
			if tc.cut {
				// The renderer runs ahead of the output by the limiter's
				// input block: the cut starts there, then fades.
				wantA = at + o.frames(fade)
				if !errors.Is(res[0].Err, cutErr) || res[0].End < wantA || res[0].End > wantA+4096 {
					t.Errorf("cut item: %+v, want ended by %v at frame %d..+4096", res[0], cutErr, wantA)
				}
				// The fade: the last frames of the cut item are near silent.
				if peak := peakOf(out[res[0].End-100 : res[0].End]); peak > 0.01 {
					t.Errorf("cut item ends at peak %.3f, not faded", peak)
				}
			} else if res[0].Err != nil || res[0].End != wantA {
				t.Errorf("item on air: %+v, want whole", res[0])
			}
			if res[2].Start != res[0].End || res[2].Frames() != 22050 {
				t.Errorf("inserted item %+v, want right after the first (%d)", res[2], res[0].End)
			}
			if int64(len(out)) != res[order[len(order)-1]].End {
				t.Errorf("output %d frames, last item ends at %d", len(out), res[order[len(order)-1]].End)
			}
			if _, err := r.Insert(context.Background(), []Item{{Path: c}}, InsertOptions{Cut: true, Fade: fade, CutErr: cutErr}); !errors.Is(err, ErrEnded) {
				t.Errorf("insert after the end: %v", err)
			}
		})
	}
	// A file that cannot be decoded is refused before anything is cut.
	r, err := NewRenderer(context.Background(), []Item{{Path: a}}, o)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	bad := writeFile(t, filepath.Join(dir, "bad.mp3"), []byte("không phải âm thanh"))
	if _, err := r.Insert(context.Background(), []Item{{Path: bad}}, InsertOptions{Cut: true, Fade: fade, CutErr: cutErr}); err == nil {
		t.Fatal("an undecodable announcement was accepted")
	}
}

func peakOf(x []float32) float32 {
	var p float32
	for _, v := range x {
		p = max(p, v, -v)
	}
	return p
}

// WAVSamples hands back the sample bytes as written, also when the data
// chunk's size was never patched (an engine writing to a pipe).
func TestWAVSamples(t *testing.T) {
	var m memFile
	w, _ := NewWAVWriter(&m, 8000, 2)
	pcm := []byte{1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}
	w.WritePCM(pcm)
	w.Flush()
	streamed := bytes.Clone(m.b)
	binary.LittleEndian.PutUint32(streamed[40:], 0x7ffff000)
	for name, b := range map[string][]byte{"patched": m.b, "streamed": streamed, "odd byte": append(bytes.Clone(streamed), 9)} {
		f, data, err := WAVSamples(b)
		if err != nil || f != (WAVFormat{SampleRate: 8000, Channels: 2, Bits: 16}) || !bytes.Equal(data, pcm) {
			t.Errorf("%s: %+v %v %v, want 8000 Hz stereo 16-bit %v", name, f, data, err, pcm)
		}
	}
	for _, bad := range [][]byte{nil, []byte("RIFF\x00\x00\x00\x00WAVE"), m.b[:30]} {
		if _, _, err := WAVSamples(bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("WAVSamples(%q): %v, want ErrCorrupt", bad, err)
		}
	}
}
