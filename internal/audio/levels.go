package audio

import "math"

// PeakLevels counts the 100 ms blocks of a file by sample peak, in 1 dB
// steps below full scale: bin i holds blocks peaking in (−i−1, −i] dBFS,
// the last bin everything quieter, digital silence included. Ingest uses it
// to refuse recordings that are mostly silence.
type PeakLevels []int64

const levelBins = 121 // 0 … −120 dBFS

// levelCounter builds PeakLevels from interleaved samples.
type levelCounter struct {
	ch, block int // block length in frames
	n         int // frames in the current block
	peak      float32
	levels    PeakLevels
}

func newLevelCounter(rate, ch int) *levelCounter {
	return &levelCounter{ch: ch, block: max(1, rate/10), levels: make(PeakLevels, levelBins)}
}

func (c *levelCounter) write(x []float32) {
	for i := 0; i+c.ch <= len(x); i += c.ch {
		for _, v := range x[i : i+c.ch] {
			c.peak = max(c.peak, v, -v)
		}
		if c.n++; c.n == c.block {
			c.flush()
		}
	}
}

func (c *levelCounter) flush() {
	if c.n == 0 {
		return
	}
	bin := levelBins - 1
	if c.peak > 0 {
		bin = min(levelBins-1, max(0, int(math.Floor(-20*math.Log10(float64(c.peak))))))
	}
	c.levels[bin]++
	c.n, c.peak = 0, 0
}

// result ends the last (partial) block and returns the counts.
func (c *levelCounter) result() PeakLevels {
	c.flush()
	return c.levels
}

// FractionBelow is the share of blocks (0…1) whose peak is below dbfs.
func (p PeakLevels) FractionBelow(dbfs float64) float64 {
	var below, all int64
	for i, n := range p {
		all += n
		if float64(-i) < dbfs { // every peak in bin i is at most −i dBFS
			below += n
		}
	}
	if all == 0 {
		return 0
	}
	return float64(below) / float64(all)
}
