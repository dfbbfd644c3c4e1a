package audio

import (
	"errors"
	"io"
	"math"
)

// limiter is a look-ahead true-peak limiter on interleaved frames.
//
// For each input frame i it computes r[i] = min(1, ceiling/peak), where peak
// is the largest 4×-oversampled value (BS.1770 filter) whose filter window
// ends at i. The gain for output frame o must stay below r over the window
// [o, o+11] that frame feeds, and it must reach that value smoothly. So:
// hold h = min of r over the last D+12 frames, release it with a 50 ms time
// constant, and average it over D+1 frames (D = 3 ms); every term of that
// average is ≤ the needed gain, so the average is too, and the gain ramps
// down over D frames (the attack) before the peak arrives. Latency D+11 frames is compensated:
// output frame n is input frame n.
type limiter struct {
	src  func([]float32) (int, error)
	ch   int
	ceil float64
	D    int
	lat  int // D + tpTaps - 1

	ring  []float32 // delayed input, ringN frames (a power of two ≥ lat+1)
	ringN int
	bi    int // next slot in box
	hist  [2][]float64
	rbuf  []float64
	inbuf []float32

	dqIdx []int64 // monotonic deque of (index, r<1), ring buffer
	dqVal []float64
	dqH   int
	dqN   int

	rel    float64
	relK   float64
	box    []float64
	boxSum float64
	ones   int // consecutive frames with full gain (resets boxSum drift)

	in      int64 // input frames consumed (incl. flush zeros)
	out     int64 // frames emitted
	total   int64 // real input frames once eof, -1 before
	err     error
	pending []float32 // processed output not yet returned
	pOff    int
}

func newLimiter(src func([]float32) (int, error), rate, ch int, ceilingDBTP float64) *limiter {
	D := max(1, rate*3/1000)
	l := &limiter{
		src:    src,
		ch:     ch,
		ceil:   math.Pow(10, ceilingDBTP/20),
		D:      D,
		lat:    D + tpTaps - 1,
		rel:    1,
		relK:   1 - math.Exp(-1/(0.05*float64(rate))),
		box:    make([]float64, D+1),
		boxSum: float64(D + 1),
		total:  -1,
	}
	for i := range l.box {
		l.box[i] = 1
	}
	l.ringN = 1
	for l.ringN < l.lat+1 {
		l.ringN *= 2
	}
	l.ring = make([]float32, l.ringN*ch)
	w := 1
	for w < D+tpTaps+1 {
		w *= 2
	}
	l.dqIdx = make([]int64, w)
	l.dqVal = make([]float64, w)
	for c := 0; c < ch; c++ {
		l.hist[c] = make([]float64, tpTaps-1, tpTaps-1+4096)
	}
	return l
}

func (l *limiter) Read(dst []float32) (int, error) {
	for l.pOff >= len(l.pending) {
		if l.total >= 0 && l.out >= l.total {
			if l.err != nil {
				return 0, l.err
			}
			return 0, io.EOF
		}
		if err := l.step(4096); err != nil {
			return 0, err
		}
	}
	n := copy(dst[:len(dst)/l.ch*l.ch], l.pending[l.pOff:])
	l.pOff += n
	return n, nil
}

// step processes up to n input frames (or flush zeros after EOF).
func (l *limiter) step(n int) error {
	ch := l.ch
	if cap(l.inbuf) < n*ch {
		l.inbuf = make([]float32, n*ch)
		l.rbuf = make([]float64, n)
	}
	x := l.inbuf[:n*ch]
	got := 0
	if l.total < 0 {
		m, err := l.src(x)
		got = m / ch
		if err != nil {
			if !errors.Is(err, io.EOF) {
				l.err = err
			}
			l.total = l.in + int64(got)
		} else if got == 0 {
			return nil
		}
	}
	if l.total >= 0 {
		// Flush with silence until every real frame has come out.
		need := int(l.total + int64(l.lat) - l.in)
		if got < n && need > got {
			z := min(n, need) - got
			clear(x[got*ch : (got+z)*ch])
			got += z
		}
	}
	x = x[:got*ch]
	r := l.rbuf[:got]
	reduce := l.peaks(x, r)
	l.pending = l.pending[:0]
	l.pOff = 0
	rmask := int64(l.ringN - 1)
	dmask := len(l.dqIdx) - 1
	W := int64(l.D + tpTaps)
	nbox := len(l.box)
	lat := int64(l.lat)
	if !reduce && l.dqN == 0 && l.rel == 1 && l.ones > nbox {
		// Idle: no gain reduction pending or arriving; the output is the
		// input delayed, at unity gain (box stays all ones).
		for i := 0; i < got; i++ {
			idx := l.in
			slot := int(idx&rmask) * ch
			copy(l.ring[slot:slot+ch], x[i*ch:i*ch+ch])
			l.in++
			o := idx - lat
			if o < 0 || (l.total >= 0 && o >= l.total) {
				continue
			}
			os := int(o&rmask) * ch
			l.pending = append(l.pending, l.ring[os:os+ch]...)
			l.out++
		}
		l.ones += got
		return nil
	}
	for i := 0; i < got; i++ {
		idx := l.in
		slot := int(idx&rmask) * ch
		copy(l.ring[slot:slot+ch], x[i*ch:i*ch+ch])
		// Sliding minimum of r over the last W frames (only r<1 stored).
		for l.dqN > 0 && l.dqIdx[l.dqH] <= idx-W {
			l.dqH = (l.dqH + 1) & dmask
			l.dqN--
		}
		if ri := r[i]; ri < 1 {
			for l.dqN > 0 {
				b := (l.dqH + l.dqN - 1) & dmask
				if l.dqVal[b] < ri {
					break
				}
				l.dqN--
			}
			b := (l.dqH + l.dqN) & dmask
			l.dqIdx[b], l.dqVal[b] = idx, ri
			l.dqN++
		}
		h := 1.0
		if l.dqN > 0 {
			h = l.dqVal[l.dqH]
		}
		rel := l.rel + (1-l.rel)*l.relK
		if h < rel {
			rel = h
		}
		l.rel = rel
		l.boxSum += rel - l.box[l.bi]
		l.box[l.bi] = rel
		if l.bi++; l.bi == nbox {
			l.bi = 0
		}
		if rel == 1 {
			l.ones++
			if l.ones > nbox {
				l.boxSum = float64(nbox)
			}
		} else {
			l.ones = 0
		}
		l.in++
		o := idx - lat
		if o < 0 || (l.total >= 0 && o >= l.total) {
			continue
		}
		g := l.boxSum / float64(nbox)
		if g > 1 {
			g = 1
		}
		os := int(o&rmask) * ch
		gf := float32(g)
		for c := 0; c < ch; c++ {
			l.pending = append(l.pending, l.ring[os+c]*gf)
		}
		l.out++
	}
	return nil
}

// peaks sets r[i] = min(1, ceil/truepeak(i)) for each frame of x and
// reports whether any is below 1.
func (l *limiter) peaks(x []float32, r []float64) bool {
	for i := range r {
		r[i] = 1
	}
	any := false
	n := len(r)
	thr := l.ceil / tpBound
	for c := 0; c < l.ch; c++ {
		b := l.hist[c][:tpTaps-1+n]
		h := b[tpTaps-1:]
		for i := range h {
			h[i] = float64(x[i*l.ch+c])
		}
		const sub = 64
		for s := 0; s < n; s += sub {
			e := min(s+sub, n)
			var mx float64
			for _, v := range b[s : e+tpTaps-1] {
				if a := math.Abs(v); a > mx {
					mx = a
				}
			}
			if mx <= thr {
				continue
			}
			for i := s; i < e; i++ {
				w := b[i : i+tpTaps]
				pk := math.Abs(w[tpTaps-1])
				for p := range tpPhases {
					hp := &tpPhases[p]
					var y float64
					for k := 0; k < tpTaps; k++ {
						y += hp[k] * w[tpTaps-1-k]
					}
					pk = math.Max(pk, math.Abs(y))
				}
				if pk > l.ceil {
					r[i] = math.Min(r[i], l.ceil/pk)
					any = true
				}
			}
		}
		copy(l.hist[c], b[n:])
	}
	return any
}
