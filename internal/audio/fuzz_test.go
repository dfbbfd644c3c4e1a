package audio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
)

// FuzzAnalyze: any input gives Info or one of the sentinel errors; never a
// panic, never a hang. The seed corpus (tiny MP3s and WAVs: mono, stereo,
// MPEG-2, with ID3, without Xing) is in testdata/fuzz/FuzzAnalyze.
//
//	go test -run '^$' -fuzz FuzzAnalyze -fuzztime 60s -fuzzminimizetime 1x ./internal/audio/
//
// Without -fuzzminimizetime each new input is minimised for up to 60 s
// (removing every byte range of a kilobyte seed is ~10^6 runs); the
// exec count reads 0/s meanwhile. That is the fuzzing engine, not a hang:
// every input runs in milliseconds. Ogg pages carry a CRC, so mutations
// stop at the container: FuzzVorbis gets into the Vorbis decoder.
func FuzzAnalyze(f *testing.F) {
	var m memFile
	w, _ := NewWAVWriter(&m, 8000, 1)
	w.Write([]float32{0, 0.5, -0.5, 0.25})
	w.Flush()
	f.Add(m.b)
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64"))
	f.Add([]byte{0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := Analyze(context.Background(), bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrNotAudio) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		if info.Frames < 0 || info.Channels < 1 || info.Channels > 2 || info.SampleRate <= 0 {
			t.Fatalf("bad info %+v", info)
		}
		// Rendering the same bytes must not panic either.
		r, err := NewRenderer(context.Background(), []Item{{Path: "fuzz", Open: func() (io.ReadSeekCloser, error) {
			return nopCloser{bytes.NewReader(b)}, nil
		}}}, DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		buf := make([]float32, 4096)
		for {
			if _, err := r.Read(buf); err != nil {
				break
			}
		}
	})
}

type nopCloser struct{ io.ReadSeeker }

func (nopCloser) Close() error { return nil }
