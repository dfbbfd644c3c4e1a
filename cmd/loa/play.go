package main

import (
	"context"
	"errors"
	"fmt"

	"loa/internal/audio"
	"loa/internal/inputerr"
	"loa/internal/output"
)

func (e *Env) runPlay(ctx context.Context, args []string) error {
	fs := e.newFlagSet("play", "loa play FILE... [--output SPEC] [--gap 1s]")
	spec := fs.String("output", "", "output: alsa, wav:DIR, null, null:instant, or combined with + (default: playout.output)")
	gap := fs.Duration("gap", audio.DefaultOptions().Gap, "silence between files")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return inputerr.New("play: at least one FILE is required")
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	if *spec == "" {
		*spec = cfg.Playout.Output
	}
	out, err := output.Parse(*spec)
	if err != nil {
		return inputerr.New("play: --output: %w", err)
	}
	r, err := newRenderer(ctx, files, audio.OptionsFromConfig(cfg.Audio, *gap))
	if err != nil {
		return err
	}
	defer r.Close()
	pl, err := out.Play(ctx, r, nil)
	stopped := errors.Is(err, context.Canceled)
	if err != nil && !stopped {
		return fmt.Errorf("play: %w", err)
	}
	rate := float64(r.SampleRate())
	for i, it := range r.Results() {
		var got int64
		if i < len(pl.Items) {
			got = pl.Items[i]
		}
		status := "đã phát"
		switch {
		case it.Err != nil:
			status = "lỗi: " + it.Err.Error()
		case got < it.Frames() || it.End < 0:
			status = "dừng giữa chừng"
		}
		fmt.Fprintf(e.Stdout, "%d. %s: %.3f giây, %s\n", i+1, it.Path, float64(got)/rate, status)
	}
	for _, f := range pl.Files {
		fmt.Fprintf(e.Stdout, "Bản ghi: %s\n", f)
	}
	if stopped {
		fmt.Fprintf(e.Stdout, "Đã dừng sau %.3f giây.\n", float64(pl.Frames)/rate)
	}
	return nil
}
