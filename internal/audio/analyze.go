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
	Format         string  `json:"format"` // "mp3" or "wav"
	SampleRate     int     `json:"sample_rate"`
	Channels       int     `json:"channels"` // source channels: a mono MP3 reports 1
	Frames         int64   `json:"frames"`
	IntegratedLUFS float64 `json:"integrated_lufs"` // SilenceLUFS when nothing passes the gates
	TruePeakDBTP   float64 `json:"true_peak_dbtp"`  // FloorDBTP for digital silence
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
	buf := make([]float32, 8192*info.Channels)
	for {
		if err := ctx.Err(); err != nil {
			return Info{}, err
		}
		n, rerr := d.Read(buf)
		if n > 0 {
			m.Write(buf[:n])
			info.Frames += int64(n / info.Channels)
		}
		if rerr != nil {
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
	return info, nil
}
