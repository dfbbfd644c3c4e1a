package audio

import (
	"bytes"
	"context"
	"math"
	"testing"
)

// TestPeakLevels: Analyze counts 100 ms blocks by peak, so the share of a
// file below a level is known at ingest.
func TestPeakLevels(t *testing.T) {
	const rate = 8000
	// 1 s at −6 dBFS, 1 s at −40 dBFS, 2 s of digital silence, and 50 ms
	// (a partial last block) at −60 dBFS.
	var x []float32
	for _, part := range []struct {
		seconds, dbfs float64
	}{{1, -6}, {1, -40}, {2, math.Inf(-1)}, {0.05, -60}} {
		a := math.Pow(10, part.dbfs/20)
		for i := 0; i < int(part.seconds*rate); i++ {
			x = append(x, float32(a*math.Sin(2*math.Pi*1000*float64(i)/rate+0.3)))
		}
	}
	var m memFile
	w, _ := NewWAVWriter(&m, rate, 1)
	w.Write(x)
	w.Flush()
	info, err := Analyze(context.Background(), bytes.NewReader(m.b))
	if err != nil {
		t.Fatal(err)
	}
	const blocks = 41.0
	for _, tc := range []struct {
		dbfs float64
		want float64
	}{
		{0, 1}, {-5, 1}, {-7, 31 / blocks}, {-39, 31 / blocks}, {-41, 21 / blocks}, {-59, 21 / blocks}, {-61, 20 / blocks}, {-120, 0},
	} {
		if got := info.Levels.FractionBelow(tc.dbfs); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("below %g dBFS: %.4f, want %.4f", tc.dbfs, got, tc.want)
		}
	}
	if got := PeakLevels(nil).FractionBelow(-50); got != 0 {
		t.Errorf("no blocks: %g", got)
	}
}
