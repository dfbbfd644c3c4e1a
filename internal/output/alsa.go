package output

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ebitengine/oto/v3"
)

// alsaSink plays through the default ALSA device with oto v3. oto allows
// one context per process with a fixed format, created on first use and
// suspended between programmes.
type alsaSink struct {
	mu      sync.Mutex
	ctx     *oto.Context
	openErr error
	rate    int
	ch      int
	latency time.Duration // device buffer, added to the start estimate
}

const deviceBuffer = 50 * time.Millisecond

func (a *alsaSink) open(rate, ch int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.openErr != nil {
		return a.openErr
	}
	if a.ctx != nil {
		if rate != a.rate || ch != a.ch {
			return fmt.Errorf("output alsa: device opened at %d Hz %d ch, stream is %d Hz %d ch", a.rate, a.ch, rate, ch)
		}
		return nil
	}
	c, ready, err := oto.NewContext(&oto.NewContextOptions{
		SampleRate:   rate,
		ChannelCount: ch,
		Format:       oto.FormatSignedInt16LE,
		BufferSize:   deviceBuffer,
	})
	if err != nil {
		a.openErr = fmt.Errorf("output alsa: %w", err)
		return a.openErr
	}
	<-ready
	if err := c.Err(); err != nil {
		a.openErr = fmt.Errorf("output alsa: no usable sound device: %w", err)
		return a.openErr
	}
	a.ctx, a.rate, a.ch, a.latency = c, rate, ch, deviceBuffer
	// Idle until a programme plays: an idle context would feed the card
	// silence forever (and spin on unpaced devices).
	if err := c.Suspend(); err != nil {
		a.openErr = fmt.Errorf("output alsa: %w", err)
		return a.openErr
	}
	return nil
}

// otoReader is pulled by oto's mixer goroutine. It must not block: oto
// holds the player's lock while reading.
type otoReader struct {
	pu        *pump
	delivered atomic.Int64 // frames handed to oto
	first     atomic.Int64 // unix ns of the first read
	done      atomic.Bool
	mu        sync.Mutex
	rest      []byte
}

func (r *otoReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.first.CompareAndSwap(0, time.Now().UnixNano())
	fb := 2 * r.pu.ch
	n := 0
	for n < len(p) {
		if len(r.rest) == 0 {
			frames := (len(p) - n) / fb
			if frames == 0 {
				break
			}
			b := r.pu.next(min(frames, 4096))
			if len(b) == 0 {
				r.done.Store(true)
				if n == 0 {
					return 0, io.EOF
				}
				break
			}
			r.rest = b
		}
		k := copy(p[n:], r.rest)
		r.rest = r.rest[k:]
		n += k
	}
	n -= n % fb
	r.delivered.Add(int64(n / fb))
	return n, nil
}

func (a *alsaSink) play(ctx context.Context, pu *pump, prog *Progress) (int64, time.Time) {
	rd := &otoReader{pu: pu}
	fb := 2 * pu.ch
	if err := a.ctx.Resume(); err != nil {
		pu.err = fmt.Errorf("output alsa: %w", err)
		return 0, time.Time{}
	}
	defer a.ctx.Suspend()
	pl := a.ctx.NewPlayer(rd)
	defer pl.Close()
	// A small player buffer keeps "went out" close to "handed over".
	pl.SetBufferSize(pu.s.SampleRate() / 20 * fb)
	pl.Play()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	started := func() time.Time {
		if n := rd.first.Load(); n != 0 {
			return time.Unix(0, n).Add(a.latency)
		}
		return time.Time{}
	}
	out := func() int64 {
		return max(0, rd.delivered.Load()-int64(pl.BufferedSize()/fb))
	}
	for {
		select {
		case <-ctx.Done():
			pl.Pause()
			n := out()
			prog.set(n)
			return n, started()
		case <-tick.C:
		}
		if s := started(); !s.IsZero() {
			prog.start(s)
		}
		prog.set(out())
		if err := pl.Err(); err != nil {
			pu.err = fmt.Errorf("output alsa: %w", err)
			return out(), started()
		}
		if err := a.ctx.Err(); err != nil {
			pu.err = fmt.Errorf("output alsa: %w", err)
			return out(), started()
		}
		if rd.done.Load() && !pl.IsPlaying() {
			// Let the device buffer drain before the context is suspended.
			time.Sleep(a.latency)
			n := rd.delivered.Load()
			prog.set(n)
			return n, started()
		}
	}
}
