package mp3dec

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	gomp3 "github.com/hajimehoshi/go-mp3"
)

// Files loa ships that upstream decodes right: speech at 22.05 kHz mono
// (espeak-ng + LAME) and a jingle at 44.1 kHz stereo. The ident jingle is
// left out: it has M/S stereo short blocks, which upstream gets wrong
// (see README.md); correctness is checked against ffmpeg by
// loa/internal/audio's TestMP3MatrixMatchesFFmpeg.
var upstreamFixtures = []string{
	"../../../../audio/demo/01-mot-cua-dien-tu.mp3",
	"../../../../audio/demo/06-mo-hinh-tot.mp3",
	"../../../../audio/jingles/intro.mp3",
}

// TestMatchesUpstream checks that the fast paths still decode exactly like
// the library this copy was made from, where that library is right: upstream go-mp3 gives 16-bit samples, this copy
// float32. Upstream scales by 32767 and truncates, and this copy sums the
// synthesis in another order (a fast DCT), so a sample may differ by one
// 16-bit step but no more, the difference must be noise far below the
// signal, and the lengths must be identical.
func TestMatchesUpstream(t *testing.T) {
	for _, path := range upstreamFixtures {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			up, err := gomp3.NewDecoder(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(up)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]int16, len(raw)/2)
			for i := range want {
				want[i] = int16(uint16(raw[2*i]) | uint16(raw[2*i+1])<<8)
			}
			d, err := NewDecoder(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if d.SampleRate() != up.SampleRate() {
				t.Fatalf("sample rate %d, upstream %d", d.SampleRate(), up.SampleRate())
			}
			var got []float32
			buf := make([]float32, 4096)
			for {
				n, err := d.Read(buf)
				got = append(got, buf[:n]...)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%d samples, upstream %d", len(got), len(want))
			}
			worst, noise, signal := 0.0, 0.0, 0.0
			for i := range got {
				v := math.Max(-32768, math.Min(32767, float64(got[i])*32767))
				d := v - float64(want[i])
				worst = math.Max(worst, math.Abs(d))
				noise += d * d
				signal += float64(want[i]) * float64(want[i])
			}
			snr := 10 * math.Log10(signal/noise)
			t.Logf("largest difference %.2f steps, SNR %.1f dB", worst, snr)
			if worst > 1.01 || snr < 65 {
				t.Fatalf("differs from upstream: largest difference %.2f (16-bit steps), SNR %.1f dB", worst, snr)
			}
		})
	}
}

// BenchmarkDecode compares this copy with upstream go-mp3 on the same file.
func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile(upstreamFixtures[2])
	if err != nil {
		b.Fatal(err)
	}
	b.Run("loa-mp3dec", func(b *testing.B) {
		buf := make([]float32, 4096)
		for i := 0; i < b.N; i++ {
			d, err := NewDecoder(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := d.Read(buf); err != nil {
					break
				}
			}
		}
	})
	b.Run("upstream-go-mp3", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			d, err := gomp3.NewDecoder(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, d)
		}
	})
}
