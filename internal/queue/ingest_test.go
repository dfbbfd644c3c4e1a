package queue

import (
	"bytes"
	"io"
	"testing"
)

// TestProgressIsMonotonic: decoders seek to the end of a file to look for
// tags before they decode it; progress must not jump to 100 % and back.
func TestProgressIsMonotonic(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 10000)
	var got []int64
	p := &progressReader{r: bytes.NewReader(data), total: int64(len(data)), phase: "decode",
		report: func(_ string, done, total int64) { got = append(got, done) }}
	p.Seek(-128, io.SeekEnd)
	io.ReadFull(p, make([]byte, 128))
	p.Seek(0, io.SeekStart)
	io.Copy(io.Discard, p)
	for i := 1; i < len(got); i++ {
		if got[i] < got[i-1] {
			t.Fatalf("progress went back: %v", got)
		}
	}
	if len(got) == 0 || got[len(got)-1] != int64(len(data)) {
		t.Fatalf("progress did not end at the total: %v", got)
	}
}
