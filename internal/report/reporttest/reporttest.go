// Package reporttest writes airtime logs straight into a station database
// with SQL, for tests of the report (the daemon that normally writes them is
// another package). Times are given in UTC or any zone; they are stored in
// database.TimeFormat.
package reporttest

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"loa/internal/database"
)

// Run is one air_runs row. Status "" leaves the run open (NULL).
type Run struct {
	Programme string
	Title     string
	Scheduled time.Time
	Status    string
	Simulated bool
}

// Item is one air_items row. Status "" leaves the item open (NULL).
// Seconds < 0 stores NULL.
type Item struct {
	Kind      string // script, jingle, filler
	ScriptID  int64  // 0 stores NULL
	Title     string
	Topic     string
	Area      string
	Audience  string
	Started   time.Time
	Seconds   float64
	Progress  float64
	Status    string
	Simulated bool
}

// Execer is a *sql.DB or *sql.Tx.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// AddRun inserts run and its items (positions 1..n) and returns the run id.
// Scripts named by ScriptID are created if missing (the foreign key needs
// them).
func AddRun(ctx context.Context, db Execer, run Run, items ...Item) (int64, error) {
	var ended any
	if run.Status != "" && len(items) > 0 {
		last := items[len(items)-1]
		ended = database.FormatTime(last.Started.Add(time.Duration(last.Seconds * float64(time.Second))))
	}
	var started any
	if len(items) > 0 {
		started = database.FormatTime(items[0].Started)
	}
	res, err := db.ExecContext(ctx, `INSERT INTO air_runs (programme, title, output, scheduled_at, started_at, ended_at, status, simulated)
		VALUES (?, ?, 'null', ?, ?, ?, ?, ?)`,
		run.Programme, run.Title, database.FormatTime(run.Scheduled), started, ended, nullStr(run.Status), run.Simulated)
	if err != nil {
		return 0, fmt.Errorf("insert run %s: %w", run.Programme, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert run %s: %w", run.Programme, err)
	}
	for i, it := range items {
		if err := addItem(ctx, db, id, i+1, run.Scheduled, it); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func addItem(ctx context.Context, db Execer, runID int64, pos int, scheduled time.Time, it Item) error {
	var scriptID, seconds, ended any
	if it.ScriptID != 0 {
		scriptID = it.ScriptID
		now := database.FormatTime(it.Started)
		_, err := db.ExecContext(ctx, `INSERT OR IGNORE INTO scripts (id, title, topic, area, audience, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'approved', ?, ?)`, it.ScriptID, it.Title, it.Topic, it.Area, it.Audience, now, now)
		if err != nil {
			return fmt.Errorf("insert script %d: %w", it.ScriptID, err)
		}
	}
	if it.Seconds >= 0 && it.Status != "" {
		seconds = it.Seconds
		ended = database.FormatTime(it.Started.Add(time.Duration(it.Seconds * float64(time.Second))))
	}
	progress := it.Progress
	if progress == 0 && it.Seconds > 0 {
		progress = it.Seconds
	}
	_, err := db.ExecContext(ctx, `INSERT INTO air_items (run_id, position, kind, script_id, title, topic, area, audience,
		scheduled_at, started_at, ended_at, progress_s, seconds, status, simulated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		runID, pos, it.Kind, scriptID, it.Title, it.Topic, it.Area, it.Audience,
		database.FormatTime(scheduled), database.FormatTime(it.Started), ended, progress, seconds, nullStr(it.Status), it.Simulated)
	if err != nil {
		return fmt.Errorf("insert item %d of run %d: %w", pos, runID, err)
	}
	return nil
}
