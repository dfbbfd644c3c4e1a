package audio

import (
	"errors"
	"io"
	"math"
)

// frameSource yields whole station-format frames.
type frameSource interface {
	Read(dst []float32) (int, error)
}

// zeroSource is a silence item.
type zeroSource struct {
	left int64
	ch   int
}

func (z *zeroSource) Read(dst []float32) (int, error) {
	if z.left == 0 {
		return 0, io.EOF
	}
	n := min(int64(len(dst)/z.ch), z.left)
	clear(dst[:int(n)*z.ch])
	z.left -= n
	return int(n) * z.ch, nil
}

// itemReader applies silence trimming, gain and fades to one item. Frames
// are held back only as long as needed to know whether they are trailing
// silence or in the fade-out: a loud frame releases everything before it
// except the last fadeN frames.
type itemReader struct {
	src   frameSource
	ch    int
	gain  float32
	thr   float32 // trim threshold (linear); <0 disables trimming
	fadeN int64
	cap   int64 // most frames held back waiting for more audio

	pend    []float32 // held frames, interleaved, from off
	off     int
	base    int64 // item frame index of pend[off]
	last    int64 // item frame index of the last loud frame, -1 none
	started bool
	emitted int64
	eof     bool
	total   int64 // final length once eof (after trailing trim)
	err     error // decoder error that ended the item
	chunk   []float32
}

func newItemReader(src frameSource, ch int, gain float64, thr float64, trim bool, fadeN, capFrames int64) *itemReader {
	r := &itemReader{src: src, ch: ch, gain: float32(gain), thr: float32(thr), fadeN: fadeN, cap: capFrames, last: -1, total: -1}
	if !trim {
		r.thr = -1
	}
	r.chunk = make([]float32, 4096*ch)
	return r
}

func (r *itemReader) held() int64 { return int64(len(r.pend)-r.off) / int64(r.ch) }

// ready is how many held frames may be emitted now.
func (r *itemReader) ready() int64 {
	if r.eof {
		return r.total - r.emitted
	}
	safe := r.last - r.fadeN + 1 - r.base
	force := r.held() - r.cap
	return max(0, min(max(safe, force), r.held()))
}

// fill pulls one chunk from the source.
func (r *itemReader) fill() {
	n, err := r.src.Read(r.chunk)
	x := r.chunk[:n]
	ch := r.ch
	if !r.started {
		// Leading trim: drop frames until the first loud one.
		i := 0
		if r.thr >= 0 {
			for ; i < len(x)/ch; i++ {
				if loudFrame(x[i*ch:i*ch+ch], r.thr) {
					break
				}
			}
		}
		x = x[i*ch:]
		if len(x) > 0 {
			r.started = true
		}
	}
	if len(x) > 0 {
		if r.off > 0 && r.off >= len(r.pend)/2 {
			r.pend = append(r.pend[:0], r.pend[r.off:]...)
			r.off = 0
		}
		start := r.base + r.held()
		r.pend = append(r.pend, x...)
		if r.thr < 0 {
			r.last = start + int64(len(x)/ch) - 1
		} else {
			for i := len(x)/ch - 1; i >= 0; i-- {
				if loudFrame(x[i*ch:i*ch+ch], r.thr) {
					r.last = start + int64(i)
					break
				}
			}
		}
	}
	if err != nil {
		r.eof = true
		if !errors.Is(err, io.EOF) {
			r.err = err
		}
		// Trailing trim: drop held frames after the last loud one.
		r.total = r.last + 1
		if keep := r.last + 1 - r.base; keep < r.held() {
			r.pend = r.pend[:r.off+int(max(keep, 0))*ch]
		}
		if r.total < r.base {
			r.total = r.base
		}
	}
}

func loudFrame(f []float32, thr float32) bool {
	for _, v := range f {
		if v > thr || -v > thr {
			return true
		}
	}
	return false
}

// Read returns processed frames; io.EOF (or the item's error) at the end.
func (r *itemReader) Read(dst []float32) (int, error) {
	for r.ready() == 0 {
		if r.eof {
			if r.err != nil {
				return 0, r.err
			}
			return 0, io.EOF
		}
		r.fill()
	}
	n := min(r.ready(), int64(len(dst)/r.ch))
	ch := r.ch
	src := r.pend[r.off : r.off+int(n)*ch]
	g := r.gain
	for i := int64(0); i < n; i++ {
		k := r.emitted + i
		w := g
		if k < r.fadeN {
			w *= fadeCurve(k, r.fadeN)
		}
		if r.eof && r.total-1-k < r.fadeN {
			w *= fadeCurve(r.total-1-k, r.fadeN)
		}
		for c := 0; c < ch; c++ {
			dst[int(i)*ch+c] = src[int(i)*ch+c] * w
		}
	}
	r.off += int(n) * ch
	r.base += n
	r.emitted += n
	return int(n) * ch, nil
}

// fadeCurve is a raised-cosine ramp: 0→1 over n frames, k from the edge.
func fadeCurve(k, n int64) float32 {
	x := (float64(k) + 0.5) / float64(n)
	s := math.Sin(x * math.Pi / 2)
	return float32(s * s)
}
