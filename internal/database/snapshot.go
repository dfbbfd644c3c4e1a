package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"github.com/mattn/go-sqlite3"
)

// Snapshot copies db into a new database file at path through SQLite's
// online backup API: one read transaction, so the copy is the database as
// of one instant, while the daemon goes on writing (WAL readers do not
// block writers). path must not exist; it is synced before Snapshot
// returns.
func Snapshot(ctx context.Context, db *sql.DB, path string) error {
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("snapshot to %s: file exists", path)
	}
	dst, err := sql.Open("sqlite3", "file:"+path+"?_synchronous=FULL")
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	defer dst.Close()
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	defer dconn.Close()
	sconn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer sconn.Close()
	err = dconn.Raw(func(d any) error {
		return sconn.Raw(func(s any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("not a SQLite connection")
			}
			b, err := dc.Backup("main", sc, "main")
			if err != nil {
				return err
			}
			// All pages in one step: a step-by-step copy restarts whenever
			// the daemon writes, and one step is one consistent read.
			if _, err := b.Step(-1); err != nil {
				b.Finish()
				return err
			}
			return b.Finish()
		})
	})
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	if err := dconn.Close(); err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	if err := dst.Close(); err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	return nil
}

// Check runs SQLite's integrity check on db (a restored copy).
func Check(ctx context.Context, db *sql.DB) error {
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}
