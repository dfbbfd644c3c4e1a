package audio

import (
	"math"
)

// Meter measures ITU-R BS.1770-4 / EBU R128 integrated loudness and true
// peak on a stream of interleaved float32 frames (1 or 2 channels, weight
// 1.0 each). It keeps one float64 per 100 ms of input (gating blocks are
// 400 ms with 75 % overlap) and allocates nothing per sample.
type Meter struct {
	ch  int
	sub int // samples per 100 ms

	// K-weighting: high-shelf then RLB high-pass, transposed direct form II,
	// coefficients derived for the actual sample rate (as libebur128/ffmpeg).
	b0, b1, b2, a1, a2 float64
	r1, r2             float64 // RLB a1, a2 (b = 1, -2, 1)
	st                 [2][4]float64

	acc    float64 // weighted energy of the current 100 ms sub-block
	n      int     // samples in the current sub-block
	ring   [4]float64
	nsub   int
	blocks []float64 // mean square of each 400 ms gating block

	tp truePeak
}

// NewMeter returns a meter for the given format. channels must be 1 or 2.
func NewMeter(sampleRate, channels int) *Meter {
	m := &Meter{ch: channels, sub: (sampleRate + 5) / 10}
	fs := float64(sampleRate)
	// Stage 1: high shelf.
	f0 := 1681.974450955533
	G := 3.999843853973347
	Q := 0.7071752369554196
	K := math.Tan(math.Pi * f0 / fs)
	Vh := math.Pow(10, G/20)
	Vb := math.Pow(Vh, 0.4996667741545416)
	a0 := 1 + K/Q + K*K
	m.b0 = (Vh + Vb*K/Q + K*K) / a0
	m.b1 = 2 * (K*K - Vh) / a0
	m.b2 = (Vh - Vb*K/Q + K*K) / a0
	m.a1 = 2 * (K*K - 1) / a0
	m.a2 = (1 - K/Q + K*K) / a0
	// Stage 2: RLB high pass.
	f0 = 38.13547087602444
	Q = 0.5003270373238773
	K = math.Tan(math.Pi * f0 / fs)
	d := 1 + K/Q + K*K
	m.r1 = 2 * (K*K - 1) / d
	m.r2 = (1 - K/Q + K*K) / d
	m.tp.init(channels)
	return m
}

// Write feeds interleaved samples (a whole number of frames).
func (m *Meter) Write(x []float32) {
	m.tp.write(x)
	m.writeLoudness(x)
}

// writePeak and writeLoudness are the two independent halves of Write;
// Analyze runs them on two goroutines.
func (m *Meter) writePeak(x []float32) { m.tp.write(x) }

func (m *Meter) writeLoudness(x []float32) {
	ch := m.ch
	for len(x) >= ch {
		frames := len(x) / ch
		take := min(frames, m.sub-m.n)
		if ch == 1 {
			m.acc += m.filter1(x[:take])
		} else {
			m.acc += m.filter2(x[:take*2])
		}
		x = x[take*ch:]
		m.n += take
		if m.n == m.sub {
			m.pushSub()
		}
	}
	// Flush denormal filter state (long silences) so it stays fast.
	for c := range m.st {
		for k := range m.st[c] {
			if math.Abs(m.st[c][k]) < 1e-30 {
				m.st[c][k] = 0
			}
		}
	}
}

func (m *Meter) pushSub() {
	m.ring[m.nsub%4] = m.acc
	m.nsub++
	m.acc, m.n = 0, 0
	if m.nsub >= 4 {
		e := (m.ring[0] + m.ring[1] + m.ring[2] + m.ring[3]) / float64(4*m.sub)
		m.blocks = append(m.blocks, e)
	}
}

func (m *Meter) filter1(x []float32) float64 {
	b0, b1, b2, a1, a2, r1, r2 := m.b0, m.b1, m.b2, m.a1, m.a2, m.r1, m.r2
	s := &m.st[0]
	s0, s1, s2, s3 := s[0], s[1], s[2], s[3]
	var sum float64
	for _, v := range x {
		in := float64(v)
		y := b0*in + s0
		s0 = b1*in - a1*y + s1
		s1 = b2*in - a2*y
		z := y + s2
		s2 = -2*y - r1*z + s3
		s3 = y - r2*z
		sum += z * z
	}
	s[0], s[1], s[2], s[3] = s0, s1, s2, s3
	return sum
}

func (m *Meter) filter2(x []float32) float64 {
	b0, b1, b2, a1, a2, r1, r2 := m.b0, m.b1, m.b2, m.a1, m.a2, m.r1, m.r2
	s, t := &m.st[0], &m.st[1]
	s0, s1, s2, s3 := s[0], s[1], s[2], s[3]
	t0, t1, t2, t3 := t[0], t[1], t[2], t[3]
	var sum float64
	for i := 0; i+1 < len(x); i += 2 {
		in := float64(x[i])
		y := b0*in + s0
		s0 = b1*in - a1*y + s1
		s1 = b2*in - a2*y
		z := y + s2
		s2 = -2*y - r1*z + s3
		s3 = y - r2*z
		in = float64(x[i+1])
		u := b0*in + t0
		t0 = b1*in - a1*u + t1
		t1 = b2*in - a2*u
		w := u + t2
		t2 = -2*u - r1*w + t3
		t3 = u - r2*w
		sum += z*z + w*w
	}
	s[0], s[1], s[2], s[3] = s0, s1, s2, s3
	t[0], t[1], t[2], t[3] = t0, t1, t2, t3
	return sum
}

// SilenceLUFS is reported as the integrated loudness of input with no
// gating block above the −70 LUFS absolute gate (as ffmpeg prints).
const SilenceLUFS = -70.0

// FloorDBTP is reported as the true peak of digital silence.
const FloorDBTP = -150.0

// Integrated returns the gated integrated loudness in LUFS.
func (m *Meter) Integrated() float64 {
	const absGate = -70.0
	absE := math.Pow(10, (absGate+0.691)/10)
	var sum float64
	var n int
	for _, e := range m.blocks {
		if e > absE {
			sum += e
			n++
		}
	}
	if n == 0 {
		return SilenceLUFS
	}
	relE := sum / float64(n) * 0.1 // −10 LU
	sum, n = 0, 0
	for _, e := range m.blocks {
		if e > absE && e > relE {
			sum += e
			n++
		}
	}
	if n == 0 {
		return SilenceLUFS
	}
	return -0.691 + 10*math.Log10(sum/float64(n))
}

// TruePeak returns the true peak in dBTP (4× oversampled, BS.1770-4 Annex 2).
func (m *Meter) TruePeak() float64 { return m.tp.dB() }

func lin2dB(v float64) float64 {
	if v <= 0 {
		return FloorDBTP
	}
	return math.Max(20*math.Log10(v), FloorDBTP)
}

// tpTaps is the BS.1770-4 Annex 2 48-tap, 4-phase interpolation filter.
var tpPhases = [4][12]float64{
	{0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
		0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500},
	{-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
		0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375},
	{-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125, 0.7797851562500,
		0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875},
	{-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750, 0.9721679687500,
		0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750},
}

// tpBound is max over phases of Σ|h|: no interpolated value can exceed
// tpBound × (largest |x| in the filter window). Windows whose bound is
// below the peak found so far are skipped, which makes true peak cheap.
var tpBound = func() float64 {
	var b float64
	for _, p := range tpPhases {
		var s float64
		for _, c := range p {
			s += math.Abs(c)
		}
		b = math.Max(b, s)
	}
	return b
}()

const tpTaps = 12

type truePeak struct {
	ch     int
	buf    [2][]float64 // per channel: tpTaps-1 history samples, then the chunk
	peak   float64      // linear
	sample float64      // linear sample peak
	// prevMax: largest |x| of the last block scanned (its tail is the
	// history of the next window).
	prevMax [2]float64
}

func (t *truePeak) init(ch int) {
	t.ch = ch
	for c := 0; c < ch; c++ {
		t.buf[c] = make([]float64, tpTaps-1, tpTaps-1+4096)
	}
}

func (t *truePeak) dB() float64 { return lin2dB(math.Max(t.peak, t.sample)) }

func (t *truePeak) write(x []float32) {
	const chunk = 4096
	for len(x) > 0 {
		n := min(len(x)/t.ch, chunk)
		if n == 0 {
			return
		}
		for c := 0; c < t.ch; c++ {
			b := t.buf[c][:tpTaps-1+n]
			h := b[tpTaps-1:]
			for i := range h {
				h[i] = float64(x[i*t.ch+c])
			}
			t.scan(b, c)
			copy(b, b[n:])
		}
		x = x[n*t.ch:]
	}
}

// scan examines b (tpTaps-1 history samples followed by new ones).
// Blocks whose bound cannot beat the peak so far are skipped; the
// interpolation is unrolled (phases 2 and 3 are phases 1 and 0 reversed).
func (t *truePeak) scan(b []float64, c int) {
	const sub = 16 // >= tpTaps-1: a window spans this block and the last
	peak, sample := t.peak, t.sample
	thr := peak / tpBound
	prev := t.prevMax[c]
	for s := tpTaps - 1; s < len(b); s += sub {
		e := min(s+sub, len(b))
		var mx float64
		for _, v := range b[s:e] {
			if a := math.Abs(v); a > mx {
				mx = a
			}
		}
		if mx > sample {
			sample = mx
		}
		m2 := max(mx, prev)
		prev = mx
		if m2 <= thr {
			continue
		}
		for i := s; i < e; i++ {
			w := (*[tpTaps]float64)(b[i-(tpTaps-1) : i+1])
			y0 := 0.001708984375*w[11] + 0.010986328125*w[10] + -0.0196533203125*w[9] + 0.033203125*w[8] + -0.0594482421875*w[7] + 0.1373291015625*w[6] + 0.97216796875*w[5] + -0.102294921875*w[4] + 0.047607421875*w[3] + -0.026611328125*w[2] + 0.014892578125*w[1] + -0.00830078125*w[0]
			y1 := -0.0291748046875*w[11] + 0.029296875*w[10] + -0.0517578125*w[9] + 0.089111328125*w[8] + -0.16650390625*w[7] + 0.465087890625*w[6] + 0.77978515625*w[5] + -0.2003173828125*w[4] + 0.1015625*w[3] + -0.0582275390625*w[2] + 0.0330810546875*w[1] + -0.0189208984375*w[0]
			y2 := -0.0291748046875*w[0] + 0.029296875*w[1] + -0.0517578125*w[2] + 0.089111328125*w[3] + -0.16650390625*w[4] + 0.465087890625*w[5] + 0.77978515625*w[6] + -0.2003173828125*w[7] + 0.1015625*w[8] + -0.0582275390625*w[9] + 0.0330810546875*w[10] + -0.0189208984375*w[11]
			y3 := 0.001708984375*w[0] + 0.010986328125*w[1] + -0.0196533203125*w[2] + 0.033203125*w[3] + -0.0594482421875*w[4] + 0.1373291015625*w[5] + 0.97216796875*w[6] + -0.102294921875*w[7] + 0.047607421875*w[8] + -0.026611328125*w[9] + 0.014892578125*w[10] + -0.00830078125*w[11]
			y0, y1, y2, y3 = abs(y0), abs(y1), abs(y2), abs(y3)
			if y1 > y0 {
				y0 = y1
			}
			if y3 > y2 {
				y2 = y3
			}
			if y2 > y0 {
				y0 = y2
			}
			if y0 > peak {
				peak = y0
				thr = peak / tpBound
			}
		}
	}
	t.peak, t.sample, t.prevMax[c] = peak, sample, prev
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
