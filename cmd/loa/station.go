package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/term"

	"loa/internal/audio"
	"loa/internal/content"
	"loa/internal/queue"
)

// StoreDir is where ingested audio lives inside the data directory.
const StoreDir = "store"

// Station is the opened database, content store and queue of the data dir.
type Station struct {
	DB      *sql.DB
	Content *content.Store
	Queue   *queue.Queue
}

// Close releases the database.
func (s *Station) Close() error { return s.DB.Close() }

// OpenStation opens everything a command needs to work on the queue.
func (e *Env) OpenStation(ctx context.Context) (*Station, error) {
	cfg, err := e.Config()
	if err != nil {
		return nil, err
	}
	db, err := e.OpenDB(ctx)
	if err != nil {
		return nil, err
	}
	st, err := content.Open(filepath.Join(e.DataDir, StoreDir))
	if err != nil {
		db.Close()
		return nil, err
	}
	q := queue.New(db, st, cfg, audio.Analyze, queue.WithProgress(e.progress()))
	return &Station{DB: db, Content: st, Queue: q}, nil
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
