package frame

import "math"

// dct32 computes the unnormalised DCT-II X[k] = Σ x[n]·cos(π(2n+1)k/64)
// of 32 values with Lee's recursive factorisation (about 80 multiplies
// instead of 1024), unrolled into one function per size so the compiler
// can drop bounds checks. x is clobbered.
func dct32(x, out []float32) {
	v := (*[32]float32)(x[:32])
	lee32(v)
	copy(out, v[:])
}

func lee32(v *[32]float32) {
	var alpha, beta [16]float32
	cs := &dctCos32
	for i := 0; i < 16; i++ {
		a, b := v[i], v[31-i]
		alpha[i] = a + b
		beta[i] = (a - b) * cs[i]
	}
	lee16(&alpha)
	lee16(&beta)
	for i := 0; i < 15; i++ {
		v[2*i] = alpha[i]
		v[2*i+1] = beta[i] + beta[i+1]
	}
	v[30] = alpha[15]
	v[31] = beta[15]
}

func lee16(v *[16]float32) {
	var alpha, beta [8]float32
	cs := &dctCos16
	for i := 0; i < 8; i++ {
		a, b := v[i], v[15-i]
		alpha[i] = a + b
		beta[i] = (a - b) * cs[i]
	}
	lee8(&alpha)
	lee8(&beta)
	for i := 0; i < 7; i++ {
		v[2*i] = alpha[i]
		v[2*i+1] = beta[i] + beta[i+1]
	}
	v[14] = alpha[7]
	v[15] = beta[7]
}

func lee8(v *[8]float32) {
	var alpha, beta [4]float32
	cs := &dctCos8
	for i := 0; i < 4; i++ {
		a, b := v[i], v[7-i]
		alpha[i] = a + b
		beta[i] = (a - b) * cs[i]
	}
	lee4(&alpha)
	lee4(&beta)
	for i := 0; i < 3; i++ {
		v[2*i] = alpha[i]
		v[2*i+1] = beta[i] + beta[i+1]
	}
	v[6] = alpha[3]
	v[7] = beta[3]
}

func lee4(v *[4]float32) {
	var alpha, beta [2]float32
	cs := &dctCos4
	for i := 0; i < 2; i++ {
		a, b := v[i], v[3-i]
		alpha[i] = a + b
		beta[i] = (a - b) * cs[i]
	}
	lee2(&alpha)
	lee2(&beta)
	for i := 0; i < 1; i++ {
		v[2*i] = alpha[i]
		v[2*i+1] = beta[i] + beta[i+1]
	}
	v[2] = alpha[1]
	v[3] = beta[1]
}

func lee2(v *[2]float32) {
	a, b := v[0], v[1]
	v[0] = a + b
	v[1] = (a - b) * dctCos2[0]
}

// dctCosN[i] = 1 / (2·cos(π(2i+1)/(2N))).
var (
	dctCos2  = dctCos[[1]float32](2)
	dctCos4  = dctCos[[2]float32](4)
	dctCos8  = dctCos[[4]float32](8)
	dctCos16 = dctCos[[8]float32](16)
	dctCos32 = dctCos[[16]float32](32)
)

func dctCos[T [1]float32 | [2]float32 | [4]float32 | [8]float32 | [16]float32](n int) (c T) {
	for i := range len(c) {
		c[i] = float32(1 / (2 * math.Cos(math.Pi*float64(2*i+1)/float64(2*n))))
	}
	return c
}
