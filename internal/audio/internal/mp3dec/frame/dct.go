package frame

import "math"

// dct32 computes the unnormalised DCT-II X[k] = Σ x[n]·cos(π(2n+1)k/64)
// of 32 values with Lee's recursive factorisation (about 80 multiplies
// instead of 1024). x is clobbered.
func dct32(x, out []float32) {
	var tmp [32]float32
	leeDCT(x[:32], tmp[:])
	copy(out, x[:32])
}

// leeDCT transforms v in place (len a power of two), using tmp as scratch.
func leeDCT(v, tmp []float32) {
	n := len(v)
	if n == 1 {
		return
	}
	h := n / 2
	alpha, beta := tmp[:h], tmp[h:n]
	cs := dctCos[n]
	for i := 0; i < h; i++ {
		a, b := v[i], v[n-1-i]
		alpha[i] = a + b
		beta[i] = (a - b) * cs[i]
	}
	leeDCT(alpha, v[:h])
	leeDCT(beta, v[h:n])
	for i := 0; i < h-1; i++ {
		v[2*i] = alpha[i]
		v[2*i+1] = beta[i] + beta[i+1]
	}
	v[n-2] = alpha[h-1]
	v[n-1] = beta[h-1]
}

// dctCos[n][i] = 1 / (2·cos(π(2i+1)/(2n))), for n = 2, 4, ..., 32.
var dctCos = func() [33][]float32 {
	var m [33][]float32
	for n := 2; n <= 32; n *= 2 {
		c := make([]float32, n/2)
		for i := range c {
			c[i] = float32(1 / (2 * math.Cos(math.Pi*float64(2*i+1)/float64(2*n))))
		}
		m[n] = c
	}
	return m
}()
