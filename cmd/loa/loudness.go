package main

import (
	"context"
	"fmt"
	"math"
	"os"

	"loa/internal/audio"
	"loa/internal/database"
	"loa/internal/inputerr"
)

// loudnessJSON is the --json output of loa loudness.
type loudnessJSON struct {
	File           string  `json:"file"`
	Format         string  `json:"format"`
	IntegratedLUFS float64 `json:"integrated_lufs"`
	TruePeakDBTP   float64 `json:"true_peak_dbtp"`
	DurationS      float64 `json:"duration_s"`
	SampleRate     int     `json:"sample_rate"`
	Channels       int     `json:"channels"`
	Frames         int64   `json:"frames"`
}

func (e *Env) runLoudness(ctx context.Context, args []string) error {
	fs := e.newFlagSet("loudness", "loa loudness FILE [--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 1, "loudness"); err != nil {
		return err
	}
	info, err := analyzePath(ctx, pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.Stdout, loudnessJSON{
			File: pos[0], Format: info.Format, IntegratedLUFS: dec2(info.IntegratedLUFS),
			TruePeakDBTP: dec2(info.TruePeakDBTP), DurationS: database.Round3(info.Seconds()),
			SampleRate: info.SampleRate, Channels: info.Channels, Frames: info.Frames,
		})
	}
	fmt.Fprintf(e.Stdout, "Tệp:             %s\n", pos[0])
	fmt.Fprintf(e.Stdout, "Định dạng:       %s, %d Hz, %d kênh\n", info.Format, info.SampleRate, info.Channels)
	fmt.Fprintf(e.Stdout, "Thời lượng:      %.3f giây (%d mẫu)\n", info.Seconds(), info.Frames)
	fmt.Fprintf(e.Stdout, "Độ lớn tích hợp: %.2f LUFS\n", info.IntegratedLUFS)
	fmt.Fprintf(e.Stdout, "Đỉnh thực:       %.2f dBTP\n", info.TruePeakDBTP)
	return nil
}

// analyzePath measures a file; anything wrong with the file is an input
// error naming it.
func analyzePath(ctx context.Context, path string) (audio.Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return audio.Info{}, inputerr.Wrap(err)
	}
	defer f.Close()
	info, err := audio.Analyze(ctx, f)
	if err != nil {
		if ctx.Err() != nil {
			return audio.Info{}, ctx.Err()
		}
		return audio.Info{}, inputerr.New("%s: %w", path, err)
	}
	return info, nil
}

// dec2 rounds for printing (JSON keeps 2 decimals; seconds 3, database.Round3).
func dec2(v float64) float64 { return math.Round(v*100) / 100 }
