package queue

import (
	"context"
	"io"
	"math"
	"path/filepath"
	"testing"

	"loa/internal/audio"
)

// TestIngestKeepsLevel: the station-chain level found at ingest is stored
// with the script and read back (playout then need not find it before
// air); audio that cannot reach the target is accepted with a WarnLevel
// that says why.
func TestIngestKeepsLevel(t *testing.T) {
	f := newFixture(t)
	opt := audio.OptionsFromConfig(f.q.cfg.Audio, 0)
	f.q.analyze = func(ctx context.Context, r io.ReadSeeker) (Media, error) {
		return audio.AnalyzeLevel(ctx, r, opt)
	}
	ok := writeWAV(t, filepath.Join(t.TempDir(), "ok.wav"), 2, 22050, 1, 440)
	s, ws, err := f.q.Add(context.Background(), Fields{Title: ptr("Thông báo"), Topic: ptr("ke-hoach"), Audio: file(ok)}, "operator")
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 0 {
		t.Errorf("warnings for a normal item: %+v", ws)
	}
	got, err := f.q.Get(context.Background(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Level == nil || got.Level.Short != "" || math.Abs(got.Level.LUFS-opt.TargetLUFS) > 0.3 {
		t.Fatalf("stored level %+v", got.Level)
	}
	if *got.Level != *s.Level {
		t.Errorf("read back %+v, added %+v", *got.Level, *s.Level)
	}
	// A tone at about -50 LUFS needs more than the +30 dB gain limit (a tone
	// is not compressed, so the makeup cannot add much).
	quiet := writeSegments(t, filepath.Join(t.TempDir(), "quiet.wav"), 22050, 1, segment{2, -47, 440})
	_, ws, err = f.q.Add(context.Background(), Fields{Title: ptr("Nhỏ"), Topic: ptr("ke-hoach"), Audio: file(quiet)}, "operator")
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 1 || ws[0].Code != WarnLevel {
		t.Fatalf("warnings %+v, want one %q", ws, WarnLevel)
	}
	t.Log(ws[0].Message)
}
