package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"golang.org/x/term"

	"loa/internal/queue"
	"loa/internal/station"
)

// OpenStation opens the data directory through the service layer.
func (e *Env) OpenStation(ctx context.Context) (*station.Station, error) {
	cfg, err := e.Config()
	if err != nil {
		return nil, err
	}
	return station.Open(ctx, e.DataDir, cfg, station.Options{Create: e.createData, ReadOnly: e.readOnly, Upgrade: e.upgrade,
		Progress: e.progress(), Schedules: e.schedules})
}

// progress shows a one-line progress indicator for long ingests, only when
// stderr is a terminal (never in logs or pipes).
func (e *Env) progress() queue.Progress {
	f, ok := e.Stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var last time.Time
	return func(phase string, done, total int64) {
		if total < 2<<20 { // small files are done before anyone could read it
			return
		}
		if done < total && time.Since(last) < 200*time.Millisecond {
			return
		}
		last = time.Now()
		fmt.Fprintf(f, "\r%s %3d%% (%d/%d MB)", phase, done*100/total, done>>20, total>>20)
		if done >= total {
			fmt.Fprint(f, "\r\033[K")
		}
	}
}
