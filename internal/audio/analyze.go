package audio

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Info describes a decoded file. Frames is the exact gapless length in
// frames (samples per channel), equal to what ffmpeg decodes.
type Info struct {
	Format         string  `json:"format"` // "mp3", "wav", "flac" or "ogg"
	SampleRate     int     `json:"sample_rate"`
	Channels       int     `json:"channels"` // source channels: a mono MP3 reports 1
	Frames         int64   `json:"frames"`
	IntegratedLUFS float64 `json:"integrated_lufs"` // SilenceLUFS when nothing passes the gates
	TruePeakDBTP   float64 `json:"true_peak_dbtp"`  // FloorDBTP for digital silence
	// Levels is how much of the file is how quiet (Analyze fills it).
	Levels PeakLevels `json:"-"`
	// Level is the item's gain in the station chain (AnalyzeLevel);
	// nil if not found yet.
	Level *Level `json:"level,omitempty"`
}

// Seconds is the decoded duration.
func (i Info) Seconds() float64 {
	if i.SampleRate == 0 {
		return 0
	}
	return float64(i.Frames) / float64(i.SampleRate)
}

// Analyze decodes the whole stream, measuring loudness and true peak in the
// same pass. Errors wrap ErrEmpty, ErrNotAudio, ErrUnsupported or
// ErrCorrupt, or are ctx.Err().
func Analyze(ctx context.Context, r io.ReadSeeker) (Info, error) {
	info, err := analyze(ctx, r)
	if err != nil {
		return Info{}, err
	}
	return info, nil
}

// AnalyzeLevel is Analyze, then the item is run through the station chain
// of opt to find its gain (Info.Level): what ingest stores, so that playout
// need not do it before air. Level.Short says why an item cannot reach the
// target, if it cannot.
func AnalyzeLevel(ctx context.Context, r io.ReadSeeker, opt Options) (Info, error) {
	info, err := Analyze(ctx, r)
	if err != nil {
		return Info{}, err
	}
	open := func() (io.ReadSeekCloser, error) {
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		return nopReadSeekCloser{r}, nil
	}
	lv, err := level(ctx, open, "", info, opt)
	if err != nil {
		return Info{}, err
	}
	info.Level = &lv
	return info, nil
}

type nopReadSeekCloser struct{ io.ReadSeeker }

func (nopReadSeekCloser) Close() error { return nil }

// analyze is Analyze, but on ErrCorrupt it also returns what was measured
// up to the damage (the renderer plays damaged files up to the damage).
func analyze(ctx context.Context, r io.ReadSeeker) (info Info, err error) {
	defer func() {
		if p := recover(); p != nil {
			info, err = Info{}, fmt.Errorf("%w: decoder panic: %v", ErrCorrupt, p)
		}
	}()
	d, err := Open(r)
	if err != nil {
		return Info{}, err
	}
	info = Info{Format: d.Format(), SampleRate: d.SampleRate(), Channels: d.Channels()}
	m := NewMeter(info.SampleRate, info.Channels)
	levels := newLevelCounter(info.SampleRate, info.Channels)
	// True peak (the costlier half) runs on a second goroutine, fed the
	// same buffers in order; the results are those of a sequential Write.
	const nbuf = 4
	free := make(chan []float32, nbuf)
	work := make(chan []float32, nbuf)
	peakDone := make(chan any)
	for i := 0; i < nbuf; i++ {
		free <- make([]float32, 8192*info.Channels)
	}
	go func() {
		var perr any
		for b := range work {
			if perr == nil {
				perr = peakSafely(m, b)
			}
			free <- b[:cap(b)]
		}
		peakDone <- perr
	}()
	finish := func() {
		close(work)
		if p := <-peakDone; p != nil {
			panic(p)
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			finish()
			return Info{}, err
		}
		buf := <-free
		n, rerr := d.Read(buf)
		if n > 0 {
			m.writeLoudness(buf[:n])
			levels.write(buf[:n])
			info.Frames += int64(n / info.Channels)
		}
		work <- buf[:n]
		if rerr != nil {
			finish()
			if errors.Is(rerr, io.EOF) {
				break
			}
			info.IntegratedLUFS = m.Integrated()
			info.TruePeakDBTP = m.TruePeak()
			return info, rerr
		}
	}
	info.IntegratedLUFS = m.Integrated()
	info.TruePeakDBTP = m.TruePeak()
	info.Levels = levels.result()
	return info, nil
}

func peakSafely(m *Meter, b []float32) (p any) {
	defer func() { p = recover() }()
	m.writePeak(b)
	return nil
}
