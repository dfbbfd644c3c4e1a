package queue

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzIngest feeds arbitrary bytes to the whole ingest path (stat, copy into
// the store, decode, validate, insert). No input may panic the process, and
// a rejected file must leave no stored copy behind.
func FuzzIngest(f *testing.F) {
	dir := f.TempDir()
	wav, _ := os.ReadFile(writeWAV(f, filepath.Join(dir, "seed.wav"), 1.2, 8000, 1, 440))
	f.Add(wav)
	f.Add(wav[:60])
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64"))
	f.Add([]byte("\xff\xfb\x90\x64\x00\x00\x00\x00"))
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00"))
	if mp3, err := os.ReadFile("../../audio/jingles/ident.mp3"); err == nil {
		f.Add(mp3[:4096])
	}
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "in")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, files0 := fx.counts(t)
		s, _, err := fx.q.Add(context.Background(), Fields{Title: ptr("Fuzz"), Topic: ptr("ke-hoach"), Audio: file(p)}, "fuzz")
		rows, _, files := fx.counts(t)
		if err != nil {
			if files != files0 {
				t.Fatalf("rejected input (%v) left a file in the store", err)
			}
			return
		}
		if s.Frames <= 0 || s.SampleRate <= 0 || rows == 0 {
			t.Fatalf("accepted script without audio facts: %+v", s)
		}
	})
}
