package output

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ebitengine/oto/v3"
)

// alsaSink plays through the default ALSA device with oto v3.
type alsaSink struct{}

// device is the process's one oto context. oto refuses a second context in
// a process, so every alsa output (say "alsa" and "alsa+wav:DIR" used by
// different programmes) must share it: this is the one piece of package
// state, mirroring oto's own.
var device struct {
	mu      sync.Mutex
	ctx     *oto.Context
	openErr error
	rate    int
	ch      int
	busy    bool
}

const deviceBuffer = 50 * time.Millisecond

// open returns the shared context, creating it on first use with the
// stream's format; it is marked busy until release.
func (a *alsaSink) open(rate, ch int) error {
	device.mu.Lock()
	defer device.mu.Unlock()
	if device.openErr != nil {
		return device.openErr
	}
	if device.ctx != nil {
		if rate != device.rate || ch != device.ch {
			return fmt.Errorf("output alsa: device opened at %d Hz %d ch, stream is %d Hz %d ch", device.rate, device.ch, rate, ch)
		}
		if device.busy {
			return fmt.Errorf("output alsa: the sound card is already playing another programme")
		}
		device.busy = true
		return nil
	}
	quietALSA()
	c, ready, err := oto.NewContext(&oto.NewContextOptions{
		SampleRate:   rate,
		ChannelCount: ch,
		Format:       oto.FormatSignedInt16LE,
		BufferSize:   deviceBuffer,
	})
	if err != nil {
		device.openErr = fmt.Errorf("output alsa: %w", err)
		return device.openErr
	}
	<-ready
	if err := c.Err(); err != nil {
		device.openErr = fmt.Errorf("output alsa: no usable sound device: %w", err)
		return device.openErr
	}
	// Idle until a programme plays: an idle context would feed the card
	// silence forever (and spin on unpaced devices).
	if err := c.Suspend(); err != nil {
		device.openErr = fmt.Errorf("output alsa: %w", err)
		return device.openErr
	}
	device.ctx, device.rate, device.ch, device.busy = c, rate, ch, true
	return nil
}

func (a *alsaSink) release() {
	device.mu.Lock()
	device.busy = false
	device.mu.Unlock()
}

// otoReader is pulled by oto's mixer goroutine and must not block (it
// feeds the device). oto releases its player lock around Read, so mu
// keeps rest consistent should two of its goroutines read at once.
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
	defer a.release()
	octx := device.ctx // set before open returned; never changes after
	rd := &otoReader{pu: pu}
	fb := 2 * pu.ch
	if err := octx.Resume(); err != nil {
		pu.err = fmt.Errorf("output alsa: %w", err)
		return 0, time.Time{}
	}
	defer octx.Suspend()
	pl := octx.NewPlayer(rd)
	// No Close (a no-op since oto v3.4): its finalizer releases the player,
	// so keep it reachable until the programme is out.
	defer runtime.KeepAlive(pl)
	// A small player buffer keeps "went out" close to "handed over".
	pl.SetBufferSize(pu.s.SampleRate() / 20 * fb)
	pl.Play()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	started := func() time.Time {
		if n := rd.first.Load(); n != 0 {
			return time.Unix(0, n).Add(deviceBuffer)
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
		if err := octx.Err(); err != nil {
			pu.err = fmt.Errorf("output alsa: %w", err)
			return out(), started()
		}
		if rd.done.Load() && !pl.IsPlaying() {
			// Let the device buffer drain before the context is suspended.
			time.Sleep(deviceBuffer)
			n := rd.delivered.Load()
			prog.set(n)
			return n, started()
		}
	}
}

// check opens the device (once per process) in the stream format and
// leaves it idle for the programmes. A device that failed in this process
// stays failed (oto makes one context per process); if the card itself can
// be opened again, the error says a restart is needed.
func (a *alsaSink) check(rate, ch int) error {
	device.mu.Lock()
	octx, openErr, busy := device.ctx, device.openErr, device.busy
	device.mu.Unlock()
	dead := openErr
	if octx != nil && openErr == nil {
		if err := octx.Err(); err != nil {
			dead = fmt.Errorf("output alsa: %w", err)
		} else if busy {
			return nil // playing: in use, so usable
		}
	}
	if dead != nil {
		if probeALSA() == nil {
			return fmt.Errorf("%w (the card can be opened again: restart loa to use it)", dead)
		}
		return dead
	}
	if err := a.open(rate, ch); err != nil {
		return err
	}
	a.release()
	return nil
}
