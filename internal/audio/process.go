package audio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// The station chain of a file item, ahead of the programme's look-ahead
// true-peak limiter, the way broadcast speech processors do it:
//
//	decode → station format → trim, gain, fades → high-pass → compressor → limiter
//
// The high-pass (Options.HighpassHz, 12 dB/octave) keeps the horns'
// amplifier power off bass they cannot reproduce. The compressor is gentle
// and slow enough to leave syllables alone: it rides the peak envelope
// above compThresholdDB over the target, 3:1, so that peaky speech (a
// peak-to-loudness ratio up to 24 dB: quiet phone recordings, synthetic
// voices) reaches the limiter with only its sharpest peaks left to hold.
//
// The item's gain is then found by measuring what comes out: the chain
// is run over the item and the gain corrected until the processed item
// measures the target (Level, at ingest; else NewRenderer does it), so the
// compressor and limiter cannot leave an item quieter than the others.
// The gain is capped at Options.MaxGainDB (a recording of noise or near
// silence is not raised to full level); an item that cannot reach the
// target within it keeps the reason in Level.Short.

const (
	compThresholdDB = 6.0   // compressor threshold, dB over the target (peak envelope, dBFS)
	compRatio       = 3.0   // above the threshold
	compAttack      = 0.005 // s, gain reduction time constant
	compRelease     = 0.25  // s
	compPeakRelease = 0.05  // s, peak envelope decay
	compBlock       = 32    // frames per gain computation
)

// biquad is a second-order IIR section (transposed direct form II).
type biquad struct {
	b0, b1, b2, a1, a2 float64
	z1, z2             float64
}

// highpass returns a Butterworth (Q = 1/√2) high-pass at f Hz: 12 dB/octave.
func highpass(f float64, rate int) biquad {
	w := 2 * math.Pi * f / float64(rate)
	cw, sw := math.Cos(w), math.Sin(w)
	alpha := sw / math.Sqrt2
	a0 := 1 + alpha
	return biquad{
		b0: (1 + cw) / 2 / a0,
		b1: -(1 + cw) / a0,
		b2: (1 + cw) / 2 / a0,
		a1: -2 * cw / a0,
		a2: (1 - alpha) / a0,
	}
}

// processor applies the high-pass and the compressor to one item.
type processor struct {
	src frameSource
	ch  int
	hp  []biquad // per channel; nil when the high-pass is off

	thr    float64 // compressor threshold, linear peak
	slope  float64 // 1 - 1/ratio
	peakK  float64 // per-frame peak envelope decay
	atkK   float64 // per-block gain smoothing coefficients
	relK   float64
	env    float64
	gain   float64 // current compressor gain (linear)
	makeup float64 // linear gain after the compressor
	pre    *Meter  // if set, measures the input (level's passes)
}

func newProcessor(src frameSource, makeupDB float64, opt Options) *processor {
	rate := float64(opt.SampleRate)
	p := &processor{
		src:    src,
		makeup: math.Pow(10, makeupDB/20),
		ch:     opt.Channels,
		thr:    math.Pow(10, (opt.TargetLUFS+compThresholdDB)/20),
		slope:  1 - 1/compRatio,
		peakK:  math.Exp(-1 / (compPeakRelease * rate)),
		atkK:   1 - math.Exp(-compBlock/(compAttack*rate)),
		relK:   1 - math.Exp(-compBlock/(compRelease*rate)),
		gain:   1,
	}
	if opt.HighpassHz > 0 {
		p.hp = make([]biquad, opt.Channels)
		for c := range p.hp {
			p.hp[c] = highpass(opt.HighpassHz, opt.SampleRate)
		}
	}
	return p
}

// Read implements frameSource: the source's frames, processed in place.
func (p *processor) Read(dst []float32) (int, error) {
	n, err := p.src.Read(dst)
	x := dst[:n]
	ch := p.ch
	if p.pre != nil {
		p.pre.writeLoudness(x)
	}
	if p.hp != nil {
		for c := 0; c < ch; c++ {
			h := &p.hp[c]
			b0, b1, b2, a1, a2, z1, z2 := h.b0, h.b1, h.b2, h.a1, h.a2, h.z1, h.z2
			for i := c; i < len(x); i += ch {
				v := float64(x[i])
				y := b0*v + z1
				z1 = b1*v - a1*y + z2
				z2 = b2*v - a2*y
				x[i] = float32(y)
			}
			h.z1, h.z2 = z1, z2
		}
	}
	// Compressor: the gain is recomputed every compBlock frames from the
	// peak envelope and ramps linearly across the block.
	frames := len(x) / ch
	for s := 0; s < frames; s += compBlock {
		e := min(s+compBlock, frames)
		env := p.env
		for i := s * ch; i < e*ch; i += ch {
			a := 0.0
			for c := 0; c < ch; c++ {
				if v := math.Abs(float64(x[i+c])); v > a {
					a = v
				}
			}
			env *= p.peakK
			if a > env {
				env = a
			}
		}
		p.env = env
		want := 1.0
		if env > p.thr {
			want = math.Pow(p.thr/env, p.slope)
		}
		g0 := p.gain
		k := p.relK
		if want < g0 {
			k = p.atkK
		}
		g1 := g0 + (want-g0)*k
		p.gain = g1
		if g0 == 1 && g1 == 1 && p.makeup == 1 {
			continue
		}
		m := p.makeup
		step := (g1 - g0) / float64(e-s)
		g := g0
		for i := s * ch; i < e*ch; i += ch {
			g += step
			for c := 0; c < ch; c++ {
				x[i+c] = float32(float64(x[i+c]) * g * m)
			}
		}
	}
	return n, err
}

// Level is how a file item is gained in the station chain, found by
// running the chain over it and measuring the result.
type Level struct {
	// Key names the options the level was found for (levelKey): a
	// level found under other settings is found again.
	Key      string  `json:"key"`
	GainDB   float64 `json:"gain_db"`   // item gain ahead of the high-pass and compressor
	MakeupDB float64 `json:"makeup_db"` // gain after the compressor: what the processing took
	NeedDB   float64 `json:"need_db"`   // gain its measured loudness asks for (GainDB before the cap)
	CapDB    float64 `json:"cap_db"`    // the gain limit (Options.MaxGainDB)
	LUFS     float64 `json:"lufs"`      // integrated loudness of the processed item
	DBTP     float64 `json:"dbtp"`      // its true peak
	// Short says why the item misses the target by more than levelTol
	// ("" when it does not).
	Short string `json:"short,omitempty"`
}

const (
	levelTol    = 0.2 // LU: the search stops this close to the target
	levelPasses = 4   // chain runs at most
	levelMiss   = 0.5 // LU off the target that is reported in Short
	levelSlack  = 3.0 // dB of makeup beyond what the processing took
)

// levelKey identifies everything in opt that changes an item's processed
// loudness.
func levelKey(opt Options) string {
	return fmt.Sprintf("v1 %d/%d t%.2f c%.2f hp%g s%g/%t f%s q%d m%g",
		opt.SampleRate, opt.Channels, opt.TargetLUFS, opt.CeilingDBTP, opt.HighpassHz,
		opt.SilenceDBFS, opt.TrimSilence, opt.Fade, opt.ResampleQuality, opt.maxGain())
}

func (o Options) maxGain() float64 {
	if o.MaxGainDB <= 0 {
		return 30
	}
	return o.MaxGainDB
}

// startGain is the gain (dB) bringing a source to the target in the
// station format before processing. BS.1770 sums channel powers, so a
// mono source copied to two channels measures 3 dB louder; a stereo source
// mixed to mono is assumed correlated (speech) and measures 3 dB quieter.
func startGain(info Info, opt Options) float64 {
	l := info.IntegratedLUFS
	switch {
	case info.Channels == 1 && opt.Channels == 2:
		l += 3.0103
	case info.Channels == 2 && opt.Channels == 1:
		l -= 3.0103
	}
	return opt.TargetLUFS - l
}

// level finds the item's gains: GainDB brings its measured loudness to
// the target (capped at MaxGainDB), then the chain is run and MakeupDB,
// after the compressor, corrected (secant steps) until the output is
// within levelTol of the target. The makeup only gives back what the
// compressor and limiter took (at most that plus levelSlack), so a
// recording of noise, which they leave alone, is not raised past the cap.
func level(ctx context.Context, open func() (io.ReadSeekCloser, error), path string, info Info, opt Options) (Level, error) {
	lv := Level{Key: levelKey(opt), LUFS: SilenceLUFS, DBTP: FloorDBTP}
	if info.IntegratedLUFS <= SilenceLUFS {
		return lv, nil // digital silence: nothing to gain
	}
	cap := opt.maxGain()
	want := startGain(info, opt)
	lv.GainDB = math.Max(-cap, math.Min(cap, want))
	lv.NeedDB, lv.CapDB = want, cap
	t := opt.TargetLUFS
	maxM := 0.0
	var pm, pl float64 // previous pass
	for pass := 0; pass < levelPasses; pass++ {
		l, tp, in, err := runChain(ctx, open, path, lv.GainDB, lv.MakeupDB, opt)
		if err != nil {
			return Level{}, err
		}
		lv.LUFS, lv.DBTP = l, tp
		if pass == 0 {
			// What the processing took from the item: the makeup's bound.
			maxM = math.Max(0, in-l) + levelSlack
		}
		if l <= SilenceLUFS || math.Abs(l-t) <= levelTol {
			break
		}
		next := lv.MakeupDB + (t - l)
		if pass > 0 && l != pl {
			// Secant: the limiter makes a dB of makeup worth less than a
			// dB of output.
			if s := (l - pl) / (lv.MakeupDB - pm); s > 0.05 {
				next = lv.MakeupDB + (t-l)/s
			}
		}
		next = math.Max(-levelSlack, math.Min(maxM, next))
		if next == lv.MakeupDB {
			break
		}
		pm, pl, lv.MakeupDB = lv.MakeupDB, l, next
	}
	if d := t - lv.LUFS; math.Abs(d) > levelMiss && lv.LUFS > SilenceLUFS {
		switch {
		case want > cap:
			lv.Short = fmt.Sprintf("%.1f LUFS after processing, %.1f LU under the target: it needs %+.0f dB, more than the +%g dB gain limit (too quiet, or mostly noise)", lv.LUFS, d, want, cap)
		case want < -cap:
			lv.Short = fmt.Sprintf("%.1f LUFS after processing, %.1f LU over the target: it needs %+.0f dB, beyond the -%g dB gain limit", lv.LUFS, -d, want, cap)
		case d > 0:
			lv.Short = fmt.Sprintf("%.1f LUFS after processing, %.1f LU under the target: the compressor and limiter took more than the makeup may give back", lv.LUFS, d)
		default:
			lv.Short = fmt.Sprintf("%.1f LUFS after processing, %.1f LU over the target", lv.LUFS, -d)
		}
	}
	return lv, nil
}

// runChain renders one item alone through the station chain with gain g
// and makeup (dB) and measures the result, and the item ahead of the
// high-pass and compressor (in).
func runChain(ctx context.Context, open func() (io.ReadSeekCloser, error), path string, g, makeup float64, opt Options) (lufs, tp, in float64, err error) {
	p := startPrefetch(open, path, opt.SampleRate, opt.Channels, opt.ResampleQuality)
	defer p.stop()
	ir := itemChain(p, g, makeup, opt)
	pre := NewMeter(opt.SampleRate, opt.Channels)
	ir.proc.pre = pre
	lim := newLimiter(ir.Read, opt.SampleRate, opt.Channels, opt.CeilingDBTP)
	m := NewMeter(opt.SampleRate, opt.Channels)
	buf := make([]float32, 8192*opt.Channels)
	for {
		if err := ctx.Err(); err != nil {
			return 0, 0, 0, err
		}
		n, err := lim.Read(buf)
		m.Write(buf[:n])
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, ErrCorrupt) {
				// A damaged file plays up to the damage: measure that.
				break
			}
			return 0, 0, 0, fmt.Errorf("level %s: %w", path, err)
		}
	}
	return m.Integrated(), m.TruePeak(), pre.Integrated(), nil
}

// itemChain is a file item's reader: trim, gain g (dB) and fades, then the
// high-pass, the compressor and its makeup (dB). The renderer and level build it the same
// way, so what was measured is what airs.
func itemChain(src frameSource, g, makeup float64, opt Options) *chain {
	thr := math.Pow(10, opt.SilenceDBFS/20)
	gain := math.Pow(10, g/20)
	capN := opt.frames(opt.MaxTrailingTrim)
	if capN <= 0 {
		capN = opt.frames(20 * time.Second)
	}
	// The trim threshold applies to the item as it will sound (after its
	// gain), so a very quiet recording that is turned up is not trimmed away.
	ir := newItemReader(src, opt.Channels, gain, thr/gain, opt.TrimSilence, opt.frames(opt.Fade), capN)
	return &chain{itemReader: ir, proc: newProcessor(ir, makeup, opt)}
}

// chain is an itemReader whose output goes through a processor.
type chain struct {
	*itemReader
	proc *processor
}

func (c *chain) Read(dst []float32) (int, error) {
	if c.proc == nil {
		return c.itemReader.Read(dst) // a silence item
	}
	return c.proc.Read(dst)
}
