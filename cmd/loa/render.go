package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"loa/internal/audio"
	"loa/internal/database"
	"loa/internal/fsutil"
	"loa/internal/inputerr"
)

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

type renderItemJSON struct {
	File        string  `json:"file"`
	StartSample int64   `json:"start_sample"`
	EndSample   int64   `json:"end_sample"`
	Seconds     float64 `json:"seconds"`
	GainDB      float64 `json:"gain_db"`
}

type renderJSON struct {
	SampleRate int              `json:"sample_rate"`
	Channels   int              `json:"channels"`
	Frames     int64            `json:"frames"`
	Items      []renderItemJSON `json:"items"`
}

func (e *Env) runRender(ctx context.Context, args []string) error {
	fs := e.newFlagSet("render", "loa render --item FILE [--item FILE ...] [--gap 1s] --out programme.wav [--json]")
	var items multiFlag
	fs.Var(&items, "item", "audio file (MP3, WAV, FLAC or Ogg Vorbis), in air order; repeat")
	gap := fs.Duration("gap", audio.DefaultOptions().Gap, "silence between items")
	out := fs.String("out", "", "programme WAV to write")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	items = append(items, pos...)
	switch {
	case len(items) == 0:
		return inputerr.New("render: at least one --item FILE is required")
	case *out == "":
		return inputerr.New("render: --out FILE is required")
	case *gap < 0 || *gap > time.Hour:
		return inputerr.New("render: --gap %s is outside 0..1h", *gap)
	}
	if fi, err := os.Stat(*out); err == nil && fi.IsDir() {
		return inputerr.New("render: --out %s is a directory", *out)
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	opt := audio.OptionsFromConfig(cfg.Audio, *gap)
	r, err := newRenderer(ctx, items, opt)
	if err != nil {
		return err
	}
	defer r.Close()

	// Write beside the target and rename: nothing half-written.
	tmp, err := fsutil.Create(*out, 0o666)
	if err != nil {
		return inputerr.New("render: --out %s: %w", *out, err)
	}
	defer tmp.Abort()
	w, err := audio.NewWAVWriter(tmp, opt.SampleRate, opt.Channels)
	if err != nil {
		return err
	}
	buf := make([]float32, 8192*opt.Channels)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := r.Read(buf)
		if err := w.Write(buf[:n]); err != nil {
			return err
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return fmt.Errorf("render: %w", rerr)
		}
	}
	res := r.Results()
	for _, it := range res {
		if it.Err != nil {
			return inputerr.New("render: %v", it.Err)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Commit(); err != nil {
		return fmt.Errorf("render: %w", err)
	}

	rep := renderJSON{SampleRate: opt.SampleRate, Channels: opt.Channels, Frames: w.Frames(), Items: []renderItemJSON{}}
	for _, it := range res {
		rep.Items = append(rep.Items, renderItemJSON{
			File: it.Path, StartSample: it.Start, EndSample: it.End,
			Seconds: database.Round3(float64(it.Frames()) / float64(opt.SampleRate)), GainDB: dec2(it.GainDB),
		})
	}
	if *asJSON {
		return writeJSON(e.Stdout, rep)
	}
	fmt.Fprintf(e.Stdout, "Đã ghi %s: %d Hz, %d kênh, %d mẫu (%.3f giây).\n", *out, rep.SampleRate, rep.Channels, rep.Frames,
		float64(rep.Frames)/float64(rep.SampleRate))
	fmt.Fprintf(e.Stdout, "%-4s %12s %12s %10s %9s  %s\n", "STT", "mẫu đầu", "mẫu cuối", "giây", "gain dB", "tệp")
	for i, it := range rep.Items {
		fmt.Fprintf(e.Stdout, "%-4d %12d %12d %10.3f %+9.2f  %s\n", i+1, it.StartSample, it.EndSample, it.Seconds, it.GainDB, it.File)
	}
	return nil
}

// newRenderer measures every file first, so a bad file is an input error
// (exit 2) naming it before anything is written or played.
func newRenderer(ctx context.Context, files []string, opt audio.Options) (*audio.Renderer, error) {
	items := make([]audio.Item, len(files))
	for i, f := range files {
		info, err := analyzePath(ctx, f)
		if err != nil {
			return nil, err
		}
		items[i] = audio.Item{Path: f, Kind: "file", Info: &info}
	}
	return audio.NewRenderer(ctx, items, opt)
}
