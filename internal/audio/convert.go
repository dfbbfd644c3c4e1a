package audio

import (
	"errors"
	"io"

	"github.com/gopxl/beep/v2"
)

// converter turns a Decoder into station-format frames (rate, channels).
type converter struct {
	dec   Decoder
	srcCh int
	dstCh int
	buf   []float32
	err   error // first non-EOF decoder error

	// Resampling path (rates differ): decoder → beepSource → beep.Resampler.
	rs  *beep.Resampler
	bsr *beepSource
	bb  [][2]float64
}

func newConverter(dec Decoder, rate, channels, quality int) *converter {
	c := &converter{dec: dec, srcCh: dec.Channels(), dstCh: channels}
	if dec.SampleRate() != rate {
		c.bsr = &beepSource{dec: dec, ch: c.srcCh}
		c.rs = beep.Resample(quality, beep.SampleRate(dec.SampleRate()), beep.SampleRate(rate), c.bsr)
	}
	return c
}

// Read fills dst with whole station frames; io.EOF at the clean end, the
// decoder's error (ErrCorrupt) after the last good frame otherwise.
func (c *converter) Read(dst []float32) (int, error) {
	frames := len(dst) / c.dstCh
	if frames == 0 {
		return 0, nil
	}
	if c.rs != nil {
		if cap(c.bb) < frames {
			c.bb = make([][2]float64, frames)
		}
		bb := c.bb[:frames]
		n, _ := c.rs.Stream(bb) // ok is n > 0
		if c.dstCh == 1 {
			for i := 0; i < n; i++ {
				dst[i] = float32((bb[i][0] + bb[i][1]) * 0.5)
			}
		} else {
			for i := 0; i < n; i++ {
				dst[2*i] = float32(bb[i][0])
				dst[2*i+1] = float32(bb[i][1])
			}
		}
		if n > 0 {
			return n * c.dstCh, nil
		}
		if c.bsr.err != nil {
			return 0, c.bsr.err
		}
		return 0, io.EOF
	}
	if c.err != nil {
		return 0, c.err
	}
	need := frames * c.srcCh
	if cap(c.buf) < need {
		c.buf = make([]float32, need)
	}
	b := c.buf[:need]
	n, err := c.dec.Read(b)
	if err != nil {
		c.err = err
	}
	got := n / c.srcCh
	switch {
	case c.srcCh == c.dstCh:
		copy(dst, b[:n])
	case c.srcCh == 2: // stereo source, mono station
		for i := 0; i < got; i++ {
			dst[i] = (b[2*i] + b[2*i+1]) * 0.5
		}
	default: // mono source, stereo station
		for i := 0; i < got; i++ {
			dst[2*i] = b[i]
			dst[2*i+1] = b[i]
		}
	}
	if got > 0 {
		return got * c.dstCh, nil
	}
	if err == nil {
		return 0, nil
	}
	return 0, err
}

// beepSource adapts a Decoder to beep.Streamer for the resampler.
type beepSource struct {
	dec Decoder
	ch  int
	buf []float32
	err error
	eof bool
}

func (s *beepSource) Stream(samples [][2]float64) (int, bool) {
	if s.eof {
		return 0, false
	}
	n := 0
	for n < len(samples) && !s.eof {
		want := (len(samples) - n) * s.ch
		if cap(s.buf) < want {
			s.buf = make([]float32, want)
		}
		b := s.buf[:want]
		m, err := s.dec.Read(b)
		if s.ch == 1 {
			for i := 0; i < m; i++ {
				v := float64(b[i])
				samples[n+i] = [2]float64{v, v}
			}
		} else {
			for i := 0; i < m/2; i++ {
				samples[n+i] = [2]float64{float64(b[2*i]), float64(b[2*i+1])}
			}
		}
		n += m / s.ch
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.err = err
			}
		}
	}
	return n, n > 0
}

func (s *beepSource) Err() error { return s.err }
