package playout

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"loa/internal/assembly"
	"loa/internal/audio"
	"loa/internal/config"
	"loa/internal/queue"
)

// sineWAV writes a 16-bit mono 44.1 kHz WAV of a 440 Hz tone.
func sineWAV(t *testing.T, path string, seconds float64) {
	t.Helper()
	const rate = 44100
	samples := make([]float32, int(seconds*rate))
	for i := range samples {
		samples[i] = float32(0.4 * math.Sin(2*math.Pi*440*float64(i)/rate))
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := audio.NewWAVWriter(f, rate, 1)
	if err == nil {
		err = w.Write(samples)
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestAudioAirPlacesItemsAtPlannedOffsets: the gaps on air are the plan's,
// including none at all between two items, and the snapshot maps output
// frames back to plan items (silences are not items).
func TestAudioAirPlacesItemsAtPlannedOffsets(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.wav"), filepath.Join(dir, "b.wav")
	sineWAV(t, a, 1)
	sineWAV(t, b, 0.5)
	items := []assembly.Item{
		{Kind: assembly.KindJingle, Path: a, Seconds: 1, OffsetS: 0},
		{Kind: assembly.KindScript, Path: b, Seconds: 0.5, OffsetS: 1.5},
		{Kind: assembly.KindFiller, Path: b, Seconds: 0.5, OffsetS: 2.0},
		{Kind: assembly.KindFiller, Path: filepath.Join(dir, "missing.wav"), Seconds: 0.5, OffsetS: 3.0},
	}
	air := &AudioAir{Audio: config.Default().Audio}
	p := testProg(t, "p", "0 0 * * * *")
	prog, err := air.Prepare(context.Background(), "null:instant", p, items)
	if err != nil {
		t.Fatal(err)
	}
	defer prog.Close()
	if err := prog.Play(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := prog.Snapshot()
	if s.Started.IsZero() || time.Since(s.Started) > time.Minute {
		t.Fatalf("started %v", s.Started)
	}
	want := []ItemPos{{StartS: 0, EndS: 1}, {StartS: 1.5, EndS: 2}, {StartS: 2, EndS: 2.5}, {StartS: 3, EndS: 3}}
	if len(s.Items) != len(want) {
		t.Fatalf("%d items in the snapshot, want %d", len(s.Items), len(want))
	}
	for i, w := range want {
		g := s.Items[i]
		if math.Abs(g.StartS-w.StartS) > 1e-4 || math.Abs(g.EndS-w.EndS) > 1e-4 {
			t.Errorf("item %d at [%.4f, %.4f), want [%.4f, %.4f)", i, g.StartS, g.EndS, w.StartS, w.EndS)
		}
		if (g.Err != nil) != (i == 3) {
			t.Errorf("item %d error %v", i, g.Err)
		}
	}
	// The missing file sits between two planned gaps: only the audio
	// before it counts as played.
	if math.Abs(s.PlayedS-3.0) > 1e-4 {
		t.Errorf("played %.4f s, want 3.0", s.PlayedS)
	}
}

// TestAudioAirUsesIngestLoudness: a script's loudness measured at ingest is
// what the renderer gains by (the file is not measured again before air).
func TestAudioAirUsesIngestLoudness(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.wav")
	sineWAV(t, a, 1)
	// Deliberately not the file's real loudness (~ -11 LUFS): if the
	// renderer measured again it would gain by a different amount.
	media := &queue.Media{Format: "wav", SampleRate: 44100, Channels: 1, Frames: 44100, IntegratedLUFS: -26, TruePeakDBTP: -8}
	air := &AudioAir{Audio: config.Default().Audio}
	prog, err := air.Prepare(context.Background(), "null:instant", testProg(t, "p", "0 0 * * * *"),
		[]assembly.Item{{Kind: assembly.KindScript, Path: a, Seconds: 1, Media: media}})
	if err != nil {
		t.Fatal(err)
	}
	defer prog.Close()
	if err := prog.Play(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := prog.(*audioProgram).r.Results()
	// The gain ahead of the processing comes from the ingest loudness; the
	// chain's makeup (found by running it) only corrects what the
	// processing did, within a few dB.
	if len(res) != 1 || res[0].SourceLUFS != -26 || math.Abs(res[0].Level.GainDB-10) > 1e-9 {
		t.Fatalf("results %+v: want source -26 LUFS from ingest and +10 dB gain to -16", res)
	}
}
