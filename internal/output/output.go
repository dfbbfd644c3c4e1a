package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"loa/internal/audio"
)

// Output plays a stream somewhere.
type Output interface {
	// Play blocks until s ends, fails or ctx is cancelled; p may be nil.
	Play(ctx context.Context, s audio.Stream, p *Progress) (Played, error)
	// String is the spec the output was parsed from.
	String() string
}

// Played is what went out during one Play.
type Played struct {
	Frames  int64     // frames that went out
	Started time.Time // wall clock of the first sample going out (zero if none)
	// Items: frames of each item that went out, when the stream reports
	// item results (an *audio.Renderer); nil otherwise.
	Items []int64
	// Files written by wav sinks during this Play.
	Files []string
}

// Progress is updated while Play runs; safe from any goroutine.
type Progress struct {
	frames  atomic.Int64
	started atomic.Int64 // unix nanoseconds, 0 = not yet
}

// Frames that have gone out so far.
func (p *Progress) Frames() int64 {
	if p == nil {
		return 0
	}
	return p.frames.Load()
}

// Started is when the first sample went out (zero before).
func (p *Progress) Started() time.Time {
	if p == nil {
		return time.Time{}
	}
	if n := p.started.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

func (p *Progress) set(frames int64) {
	if p != nil {
		p.frames.Store(frames)
	}
}

func (p *Progress) start(t time.Time) {
	if p != nil {
		p.started.CompareAndSwap(0, t.UnixNano())
	}
}

// itemResults is implemented by *audio.Renderer.
type itemResults interface {
	Results() []audio.ItemResult
}

// Parse reads an output spec: "alsa", "wav:DIR", "null", "null:instant",
// or several joined with '+' (at most one of alsa/null, any wav:DIR).
func Parse(spec string) (Output, error) {
	m := &multi{spec: spec}
	if strings.TrimSpace(spec) == "" {
		return nil, errors.New("output: empty spec")
	}
	for _, part := range strings.Split(spec, "+") {
		kind, arg, hasArg := strings.Cut(strings.TrimSpace(part), ":")
		switch {
		case kind == "alsa" && !hasArg:
			if m.pacer != 0 {
				return nil, fmt.Errorf("output %q: at most one of alsa, null", spec)
			}
			m.pacer = pacerALSA
			m.alsa = &alsaSink{}
		case kind == "null" && (!hasArg || arg == "instant" || arg == "realtime"):
			if m.pacer != 0 {
				return nil, fmt.Errorf("output %q: at most one of alsa, null", spec)
			}
			m.pacer = pacerNull
			if arg == "instant" {
				m.pacer = pacerNone
			}
		case kind == "wav" && hasArg && arg != "":
			m.dirs = append(m.dirs, arg)
		default:
			return nil, fmt.Errorf("output %q: unknown part %q (want alsa, wav:DIR, null, null:instant)", spec, part)
		}
	}
	return m, nil
}

// Check opens every sink of o now, in the stream format rate/ch, so a
// station finds a missing sound card or an unwritable recording directory
// at start, not at air time: the sound card is opened (and kept, idle, for
// the programmes), wav directories are created and written to. Outputs not
// made by Parse are not checked.
func Check(o Output, rate, ch int) error {
	m, ok := o.(*multi)
	if !ok {
		return nil
	}
	if m.alsa != nil {
		if err := m.alsa.check(rate, ch); err != nil {
			return err
		}
	}
	for _, d := range m.dirs {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return fmt.Errorf("output wav:%s: %w", d, err)
		}
		f, err := os.CreateTemp(d, ".loa-check-*")
		if err != nil {
			return fmt.Errorf("output wav:%s: %w", d, err)
		}
		f.Close()
		os.Remove(f.Name())
	}
	return nil
}

const (
	pacerNone = iota + 1 // as fast as possible (wav only, null:instant)
	pacerNull            // wall-clock paced
	pacerALSA
)

type multi struct {
	spec  string
	pacer int
	alsa  *alsaSink
	dirs  []string
}

func (m *multi) String() string { return m.spec }

// pump reads the stream, quantises it once and tees the bytes to recorders.
type pump struct {
	ctx    context.Context
	s      audio.Stream
	ch     int
	buf    []float32
	pcm    []byte
	recs   []*wavRec
	frames int64 // frames read from the stream and recorded
	err    error // stream or recorder error
	eof    bool
}

// next returns up to n frames of PCM; nil at the end (see p.err).
func (p *pump) next(n int) []byte {
	if p.eof || p.err != nil {
		return nil
	}
	if err := p.ctx.Err(); err != nil {
		return nil
	}
	if cap(p.buf) < n*p.ch {
		p.buf = make([]float32, n*p.ch)
	}
	k, err := p.s.Read(p.buf[:n*p.ch])
	k -= k % p.ch
	p.pcm = audio.Quantize16(p.pcm[:0], p.buf[:k])
	for _, r := range p.recs {
		if werr := r.write(p.pcm); werr != nil && p.err == nil {
			p.err = werr
		}
	}
	p.frames += int64(k / p.ch)
	if err != nil {
		p.eof = true
		if !errors.Is(err, io.EOF) && p.err == nil {
			p.err = err
		}
	}
	return p.pcm
}

func (m *multi) Play(ctx context.Context, s audio.Stream, prog *Progress) (pl Played, err error) {
	ch, rate := s.Channels(), s.SampleRate()
	if ch != 1 && ch != 2 {
		return pl, fmt.Errorf("output: %d channels", ch)
	}
	pu := &pump{ctx: ctx, s: s, ch: ch}
	start := time.Now().UTC()
	// Open the device first: no recording of a programme that cannot air.
	if m.alsa != nil {
		if err := m.alsa.open(rate, ch); err != nil {
			return pl, err
		}
	}
	for _, d := range m.dirs {
		r, err := newWavRec(d, start, rate, ch)
		if err != nil {
			for _, r := range pu.recs {
				r.close(-1)
			}
			if m.alsa != nil {
				m.alsa.release()
			}
			return pl, err
		}
		pu.recs = append(pu.recs, r)
		pl.Files = append(pl.Files, r.path)
	}
	var played int64
	switch m.pacer {
	case pacerALSA:
		played, pl.Started = m.alsa.play(ctx, pu, prog)
	case pacerNull:
		played, pl.Started = playPaced(ctx, pu, rate, prog)
	default:
		pl.Started = time.Now()
		prog.start(pl.Started)
		const chunk = 4096
		for pu.next(chunk) != nil && !pu.eof {
			prog.set(pu.frames)
		}
		played = pu.frames
		prog.set(played)
	}
	if pu.frames == 0 {
		pl.Started = time.Time{}
	}
	pl.Frames = played
	for _, r := range pu.recs {
		// The recording holds exactly what went out.
		if cerr := r.close(played); cerr != nil && pu.err == nil {
			pu.err = cerr
		}
	}
	if ir, ok := s.(itemResults); ok {
		res := ir.Results()
		pl.Items = make([]int64, len(res))
		for i, it := range res {
			if it.Start >= 0 {
				end := it.End
				if end < 0 || end > played {
					end = played
				}
				pl.Items[i] = max(0, end-it.Start)
			}
		}
	}
	if pu.err != nil {
		return pl, pu.err
	}
	if err := ctx.Err(); err != nil && !pu.eof {
		return pl, err
	}
	return pl, nil
}

// playPaced discards audio in real time.
func playPaced(ctx context.Context, pu *pump, rate int, prog *Progress) (int64, time.Time) {
	const chunk = 1024 // ~23 ms at 44.1 kHz: cancellation is prompt
	t0 := time.Now()
	prog.start(t0)
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		b := pu.next(chunk)
		if len(b) > 0 {
			// This chunk "plays" until its end time.
			due := t0.Add(time.Duration(float64(pu.frames) / float64(rate) * float64(time.Second)))
			timer.Reset(time.Until(due))
			select {
			case <-ctx.Done():
				// Only what has already "played" counts.
				done := int64(time.Since(t0).Seconds() * float64(rate))
				n := min(done, pu.frames)
				prog.set(n)
				return n, t0
			case <-timer.C:
			}
			prog.set(pu.frames)
		}
		if b == nil || pu.eof {
			return pu.frames, t0
		}
	}
}
