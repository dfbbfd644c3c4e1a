package audio

import (
	"time"

	"loa/internal/config"
)

// Options is the station format and playout policy applied by the renderer.
type Options struct {
	SampleRate      int           // station sample rate (default 44100)
	Channels        int           // 1 or 2 (default 1)
	TargetLUFS      float64       // integrated loudness each item is gained to (default -16)
	CeilingDBTP     float64       // true-peak ceiling held by the limiter (default -1)
	TrimSilence     bool          // trim leading/trailing silence (default true)
	SilenceDBFS     float64       // trim threshold, sample peak (default -50)
	Fade            time.Duration // fade in/out at item edges (default 20 ms)
	Gap             time.Duration // silence between items (default 1 s)
	ResampleQuality int           // beep resampler quality 1..6 (default 4)
	HighpassHz      float64       // horn-band high-pass, 12 dB/octave; 0 = off (default 120)
	MaxGainDB       float64       // largest boost or cut applied to an item (default 30)
	MaxTrailingTrim time.Duration // longest trailing silence fully trimmed (default 20 s)
}

// DefaultOptions are the station defaults (see the package comment).
func DefaultOptions() Options {
	return Options{
		SampleRate:      44100,
		Channels:        1,
		TargetLUFS:      -16,
		CeilingDBTP:     -1,
		TrimSilence:     true,
		SilenceDBFS:     -50,
		Fade:            20 * time.Millisecond,
		Gap:             time.Second,
		ResampleQuality: 4,
		HighpassHz:      120,
		MaxGainDB:       30,
		MaxTrailingTrim: 20 * time.Second,
	}
}

// OptionsFromConfig takes the station's [audio] section; gap is the
// programme's gap between items.
func OptionsFromConfig(a config.Audio, gap time.Duration) Options {
	o := DefaultOptions()
	o.SampleRate = a.SampleRate
	o.Channels = a.Channels
	o.TargetLUFS = a.TargetLUFS
	o.CeilingDBTP = a.CeilingDBTP
	o.TrimSilence = a.TrimSilence
	o.SilenceDBFS = a.SilenceDBFS
	o.Fade = a.Fade.D()
	o.ResampleQuality = a.ResampleQuality
	o.HighpassHz = a.HighpassHz
	o.Gap = gap
	return o
}

func (o Options) frames(d time.Duration) int64 {
	return int64(d.Seconds()*float64(o.SampleRate) + 0.5)
}
