package audio_test

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"loa/internal/audio"
	"loa/internal/audio/internal/benchfix"
	"loa/internal/output"
)

// Benchmarks (kept out of normal test runs by -run '^$'):
//
//	go test -run '^$' -bench . -benchtime 1x ./internal/audio/...
//
// Inputs are generated once with ffmpeg and lame into benchfix.Dir().
// x_realtime is seconds of audio processed per second of wall time.

func fixture(b *testing.B, f func() (string, error)) string {
	b.Helper()
	p, err := f()
	if errors.Is(err, benchfix.ErrNoTools) {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func BenchmarkDecodeMP3_10min(b *testing.B) {
	p := fixture(b, benchfix.MP310)
	buf := make([]float32, 8192)
	var frames int64
	var rate int
	b.ResetTimer()
	for b.Loop() {
		f, _ := os.Open(p)
		d, err := audio.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		rate = d.SampleRate()
		frames = 0
		for {
			n, err := d.Read(buf)
			frames += int64(n / d.Channels())
			if err != nil {
				break
			}
		}
		f.Close()
	}
	realtime(b, float64(frames)/float64(rate))
}

func BenchmarkLoudnessWAV_10min(b *testing.B) {
	p := fixture(b, benchfix.WAV10)
	var info audio.Info
	b.ResetTimer()
	for b.Loop() {
		f, _ := os.Open(p)
		var err error
		info, err = audio.Analyze(context.Background(), f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	realtime(b, info.Seconds())
}

func BenchmarkLoudnessMP3_10min(b *testing.B) {
	p := fixture(b, benchfix.MP310)
	var info audio.Info
	b.ResetTimer()
	for b.Loop() {
		f, _ := os.Open(p)
		var err error
		info, err = audio.Analyze(context.Background(), f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	realtime(b, info.Seconds())
}

// programme returns the 30-minute programme's items with their loudness
// and level already found (as stored at ingest).
func programme(b *testing.B) []audio.Item {
	items, err := benchfix.Items()
	if errors.Is(err, benchfix.ErrNoTools) {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	return items
}

func BenchmarkRender30min(b *testing.B) {
	items := programme(b)
	o := audio.DefaultOptions()
	buf := make([]float32, 8192)
	var frames int64
	b.ResetTimer()
	for b.Loop() {
		r, err := audio.NewRenderer(context.Background(), items, o)
		if err != nil {
			b.Fatal(err)
		}
		frames = 0
		for {
			n, err := r.Read(buf)
			frames += int64(n)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		r.Close()
		for _, it := range r.Results() {
			if it.Err != nil {
				b.Fatal(it.Err)
			}
		}
	}
	realtime(b, float64(frames)/float64(o.SampleRate))
}

// BenchmarkPlayoutCPU plays the programme, 6 dB hotter than its level so
// the compressor and limiter work, through the output path (quantisation included,
// unpaced) and reports CPU time as a share of one core in real time.
func BenchmarkPlayoutCPU(b *testing.B) {
	items := programme(b)
	for i := range items {
		in := *items[i].Info
		lv := *in.Level
		lv.GainDB += 6
		in.Level = &lv
		items[i].Info = &in
	}
	out, _ := output.Parse("null:instant")
	var played output.Played
	var cpu time.Duration
	b.ResetTimer()
	for b.Loop() {
		r, err := audio.NewRenderer(context.Background(), items, audio.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		c0 := benchfix.CPUTime()
		played, err = out.Play(context.Background(), r, nil)
		cpu += benchfix.CPUTime() - c0
		r.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	secs := float64(played.Frames) / 44100
	b.ReportMetric(100*cpu.Seconds()/float64(b.N)/secs, "%core_realtime")
	realtime(b, secs)
}

func realtime(b *testing.B, audioSeconds float64) {
	per := b.Elapsed().Seconds() / float64(b.N)
	if per > 0 {
		b.ReportMetric(audioSeconds/per, "x_realtime")
	}
}
