package frame

import (
	"math"
	"math/rand"
	"testing"
)

func TestDCT32(t *testing.T) {
	for trial := 0; trial < 20; trial++ {
		var x, in [32]float32
		for i := range x {
			x[i] = rand.Float32()*2 - 1
		}
		in = x
		var out [32]float32
		dct32(x[:], out[:])
		for k := 0; k < 32; k++ {
			var want float64
			for n := 0; n < 32; n++ {
				want += float64(in[n]) * math.Cos(math.Pi*float64(2*n+1)*float64(k)/64)
			}
			if d := math.Abs(want - float64(out[k])); d > 1e-4 {
				t.Fatalf("X[%d] = %v, want %v", k, out[k], want)
			}
		}
	}
}
