// Package database opens the station's SQLite database and keeps its schema
// current. The daemon, the command line and (later) the web console share
// one database file at once, so every connection uses WAL, a busy timeout and
// immediate write transactions.
package database

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver
)

// FileName is the database file inside the data directory.
const FileName = "loa.db"

// TimeFormat is how every instant is stored: UTC, fixed width, so that text
// order is time order and range queries can use indexes.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// DateFormat is how local calendar dates are stored.
const DateFormat = "2006-01-02"

// FormatTime renders t in TimeFormat (UTC).
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime reads a TimeFormat value.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(TimeFormat, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t, nil
}

// Open opens (creating if needed) the database at path and applies pending
// migrations.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := Migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	return db, nil
}

// dsn sets the pragmas on every pooled connection. _txlock=immediate makes
// writers take the lock when they begin, so two processes never deadlock on
// a read-then-write upgrade (which busy_timeout cannot resolve).
func dsn(path string) string {
	v := url.Values{}
	v.Set("_journal_mode", "WAL")
	v.Set("_foreign_keys", "on")
	v.Set("_busy_timeout", "10000")
	v.Set("_synchronous", "NORMAL")
	v.Set("_txlock", "immediate")
	return "file:" + path + "?" + v.Encode()
}

// Tx runs fn in a write transaction, committing when fn returns nil.
func Tx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
