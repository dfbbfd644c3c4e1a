package audio

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// prefetch decodes and converts one item on its own goroutine, ahead of
// the renderer: the next item is decoded while the current one plays, so a
// slow open or decode never starves the output, and offline renders use
// two cores. At most prefetchChunks chunks (~1.5 s) are buffered.
type prefetch struct {
	out    chan pchunk
	free   chan []float32
	cancel context.CancelFunc
	done   chan struct{}

	cur []float32 // chunk being read
	off int
	err error
}

type pchunk struct {
	buf []float32
	err error // set on the last chunk: io.EOF or the item's error
}

var errStopped = errors.New("audio: renderer closed")

const (
	prefetchChunks = 16
	prefetchFrames = 4096
)

func startPrefetch(open func() (io.ReadSeekCloser, error), path string, rate, ch, quality int) *prefetch {
	ctx, cancel := context.WithCancel(context.Background())
	p := &prefetch{
		out:    make(chan pchunk, prefetchChunks),
		free:   make(chan []float32, prefetchChunks+2),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	for i := 0; i < prefetchChunks+2; i++ {
		p.free <- make([]float32, prefetchFrames*ch)
	}
	go p.run(ctx, open, path, rate, ch, quality)
	return p
}

func (p *prefetch) run(ctx context.Context, open func() (io.ReadSeekCloser, error), path string, rate, ch, quality int) {
	defer close(p.done)
	send := func(c pchunk) bool {
		select {
		case p.out <- c:
			return true
		case <-ctx.Done():
			return false
		}
	}
	f, err := open()
	if err != nil {
		send(pchunk{err: err})
		return
	}
	defer f.Close()
	dec, err := openRecover(f)
	if err != nil {
		send(pchunk{err: fmt.Errorf("open %s: %w", path, err)})
		return
	}
	if dec.SampleRate() != rate {
		// Resampling costs as much as decoding: decode on a third
		// goroutine so the two overlap.
		ad := newAsyncDecoder(ctx, dec)
		defer ad.wait()
		dec = ad
	}
	src := &safeSource{newConverter(dec, rate, ch, quality)}
	for {
		var buf []float32
		select {
		case buf = <-p.free:
		case <-ctx.Done():
			return
		}
		n := 0
		var rerr error
		for n < len(buf) && rerr == nil {
			var k int
			k, rerr = src.Read(buf[n:])
			n += k
		}
		if n > 0 && !send(pchunk{buf: buf[:n]}) {
			return
		}
		if rerr != nil {
			send(pchunk{err: rerr})
			return
		}
	}
}

// Read implements frameSource.
func (p *prefetch) Read(dst []float32) (int, error) {
	for p.off >= len(p.cur) {
		if p.err != nil {
			return 0, p.err
		}
		if p.cur != nil {
			p.free <- p.cur[:cap(p.cur)]
			p.cur = nil
		}
		var c pchunk
		select {
		case c = <-p.out:
		case <-p.done:
			// The goroutine has exited; take what it sent, else it was
			// stopped (Close) under a reader.
			select {
			case c = <-p.out:
			default:
				c.err = errStopped
			}
		}
		if c.err != nil {
			p.err = c.err
			continue
		}
		p.cur, p.off = c.buf, 0
	}
	n := copy(dst, p.cur[p.off:])
	p.off += n
	return n, nil
}

// stop ends the goroutine and waits for it (its file is then closed).
func (p *prefetch) stop() {
	p.cancel()
	<-p.done
}

// asyncDecoder runs a Decoder on its own goroutine, a few chunks ahead.
type asyncDecoder struct {
	Decoder // for Format, SampleRate, Channels
	p       *prefetch
}

func newAsyncDecoder(ctx context.Context, dec Decoder) *asyncDecoder {
	p := &prefetch{
		out:  make(chan pchunk, 4),
		free: make(chan []float32, 6),
		done: make(chan struct{}),
	}
	for i := 0; i < 6; i++ {
		p.free <- make([]float32, prefetchFrames*dec.Channels())
	}
	a := &asyncDecoder{Decoder: dec, p: p}
	go func() {
		defer close(p.done)
		src := &safeSource{dec}
		for {
			var buf []float32
			select {
			case buf = <-p.free:
			case <-ctx.Done():
				return
			}
			n, err := src.Read(buf)
			if n > 0 {
				select {
				case p.out <- pchunk{buf: buf[:n]}:
				case <-ctx.Done():
					return
				}
			} else {
				p.free <- buf
			}
			if err != nil {
				select {
				case p.out <- pchunk{err: err}:
				case <-ctx.Done():
				}
				return
			}
		}
	}()
	return a
}

func (a *asyncDecoder) Read(dst []float32) (int, error) { return a.p.Read(dst) }

// wait returns once the decoding goroutine has exited (after ctx ends or
// the stream ends), so the file can be closed.
func (a *asyncDecoder) wait() { <-a.p.done }
