// Package database opens the station's SQLite database and keeps its schema
// current. The daemon, the command line and (later) the web console share
// one database file at once, so every connection uses WAL, a busy timeout and
// immediate write transactions.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver
)

// FileName is the database file inside the data directory.
const FileName = "loa.db"

// TimeFormat is how every instant is stored: UTC, fixed width, so that text
// order is time order and range queries can use indexes.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// JSONTimeFormat is how every instant appears in loa's JSON (the command
// line's --json and the web API): RFC 3339 with milliseconds in the
// station's zone, so a reader sees local wall-clock time and the offset makes
// it exact ("2026-11-24T17:00:00.012+07:00").
const JSONTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// JSONTime is an instant written in JSONTimeFormat in its own zone, null
// when zero: the one way loa's JSON writes a time.
type JSONTime struct{ time.Time }

// MarshalJSON writes JSONTimeFormat, or null.
func (t JSONTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.Format(JSONTimeFormat) + `"`), nil
}

// DateFormat is how local calendar dates are stored.
const DateFormat = "2006-01-02"

// How dates and times are shown to a reader (reports, console pages, the
// command line's tables and messages), always in the station's zone: day
// first, as Vietnamese documents write them.
const (
	ShowDate       = "02/01/2006"       // 24/11/2026
	ShowDayMonth   = "02/01"            // 24/11
	ShowMinute     = "15:04"            // 17:00
	ShowClock      = "15:04:05"         // 17:00:05
	ShowMinuteDate = "15:04 02/01/2006" // 17:00 24/11/2026, as a letter is dated
	// ShowTable is for the command line's tables (the log, a history):
	// date first, so they sort and grep by time.
	ShowTable = "2006-01-02 15:04:05"
)

// Round3 rounds seconds to milliseconds, the resolution of stored times
// (and of the seconds loa stores and shows in JSON).
func Round3(s float64) float64 { return math.Round(s*1000) / 1000 }

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

// Permissions of what loa creates: the log and the queue are the station's
// record, readable by its group (backups, the report clerk), no one else.
const (
	DirMode  fs.FileMode = 0o750
	FileMode fs.FileMode = 0o640
)

// ErrOutdated means the database has an older schema than this loa: only
// an explicit upgrade (OpenUpgrade: "loa migrate", "loa daemon") changes
// it, so a newer command line never changes the schema under a running
// older daemon.
var ErrOutdated = errors.New("database schema is older than this loa")

// ErrReadOnly means a command that writes met a database it cannot write.
var ErrReadOnly = errors.New("database is read-only")

// Open opens the database at path for reading and writing. A new database
// (and its directory) is created with the current schema; an existing one
// must already have it (ErrOutdated otherwise; a newer one is refused too).
func Open(ctx context.Context, path string) (*sql.DB, error) {
	return open(ctx, path, false)
}

// OpenUpgrade is Open that also migrates an older database to the current
// schema. Only the daemon (at start) and "loa migrate" use it.
func OpenUpgrade(ctx context.Context, path string) (*sql.DB, error) {
	return open(ctx, path, true)
}

// Upgrade migrates the database at path (created if missing) to the
// current schema and reports the versions before and after.
func Upgrade(ctx context.Context, path string) (from, to int, err error) {
	if _, err := os.Stat(path); err == nil {
		db, err := sql.Open("sqlite3", readOnlyDSN(path, false))
		if err != nil {
			return 0, 0, fmt.Errorf("open database %s: %w", path, err)
		}
		from, err = Version(ctx, db)
		db.Close()
		if err != nil {
			return 0, 0, fmt.Errorf("database %s: %w", path, err)
		}
	}
	db, err := OpenUpgrade(ctx, path)
	if err != nil {
		return from, 0, err
	}
	defer db.Close()
	to, err = Version(ctx, db)
	if err != nil {
		return from, 0, fmt.Errorf("database %s: %w", path, err)
	}
	return from, to, nil
}

func open(ctx context.Context, path string, upgrade bool) (*sql.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), DirMode); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// Created here, not by SQLite, for its mode (the -wal and -shm files
	// SQLite makes take the database file's).
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, FileMode); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("open database %s: %w", path, readOnlyErr(err))
	}
	if !writable(path) || !writable(filepath.Dir(path)) {
		return nil, fmt.Errorf("open database %s: %w (a read-only copy or mount): this command changes the station; "+
			"read commands (script list/show/history, log, report, schedule next, simulate, config) work here", path, ErrReadOnly)
	}
	if upgrade {
		if err := tighten(path); err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
	}
	db, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	v, err := Version(ctx, db)
	if err == nil {
		switch {
		case v == 0 || upgrade:
			// Version 0 is a database no one has used yet: creating the
			// schema changes nothing anyone reads.
			err = Migrate(ctx, db)
		default:
			err = checkVersion(v)
		}
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return db, nil
}

// OpenReadOnly opens the database at path for reading only: a read command
// must work on a backup copy or a read-only mount, and can then never
// write. Where the file or its directory is not writable SQLite cannot make
// the WAL index beside it, so the file is opened as immutable. A missing
// database is created, as by Open, when it can be.
func OpenReadOnly(ctx context.Context, path string) (*sql.DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return Open(ctx, path)
	}
	return openReadOnly(ctx, path, checkVersion)
}

// OpenReadOnlyAnySchema is OpenReadOnly for a copy of the file as it is,
// whatever its schema: a backup before "loa migrate" is the one most worth
// having. The database must exist.
func OpenReadOnlyAnySchema(ctx context.Context, path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return openReadOnly(ctx, path, func(int) error { return nil })
}

func openReadOnly(ctx context.Context, path string, check func(int) error) (*sql.DB, error) {
	try := func(immutable bool) (*sql.DB, error) {
		db, err := sql.Open("sqlite3", readOnlyDSN(path, immutable))
		if err != nil {
			return nil, err
		}
		// Reading the version reads the file: a DSN that cannot work
		// fails here, not at the first query.
		v, err := Version(ctx, db)
		if err == nil {
			err = check(v)
		}
		if err != nil {
			db.Close()
			return nil, err
		}
		return db, nil
	}
	db, err := try(false)
	if err != nil && !errors.Is(err, ErrOutdated) && (!writable(path) || !writable(filepath.Dir(path))) {
		// Immutable skips locking and the WAL: right for a file no one
		// can write, closed cleanly (WAL checkpointed). A write-ahead log
		// with content beside it holds rows the file lacks: showing the
		// file alone would show a log that is not the truth.
		if fi, werr := os.Stat(path + "-wal"); werr == nil && fi.Size() > 0 {
			return nil, fmt.Errorf("open database %s read-only: %s-wal beside it holds changes not yet in it, and without its "+
				"index (%s-shm) they cannot be read here: open a copy of the whole directory in a writable place, or use 'loa backup'", path, filepath.Base(path), filepath.Base(path))
		}
		db, err = try(true)
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s read-only: %w", path, err)
	}
	return db, nil
}

// checkVersion refuses a schema other than this loa's.
func checkVersion(v int) error {
	switch {
	case v > len(migrations):
		return fmt.Errorf("database schema version %d is newer than this loa (%d): upgrade loa", v, len(migrations))
	case v < len(migrations):
		return fmt.Errorf("%w (version %d, this loa needs %d): run 'loa migrate' (or start 'loa daemon', which upgrades it)", ErrOutdated, v, len(migrations))
	}
	return nil
}

// tighten brings a station made by an older loa (directory 0755, database
// 0644 — which now holds the console's password hashes) to DirMode and
// FileMode, only ever removing permissions: a stricter mode stays.
func tighten(path string) error {
	for _, p := range []string{filepath.Dir(path), path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		want := FileMode
		if fi.IsDir() {
			want = DirMode
		}
		if m := fi.Mode().Perm(); m&^want != 0 {
			// Not the owner (a daemon run by a group member): its owner's
			// business, not a reason to stay off the air.
			if err := os.Chmod(p, m&want); err != nil && !errors.Is(err, fs.ErrPermission) {
				return fmt.Errorf("restrict permissions: %w", err)
			}
		}
	}
	return nil
}

// writable reports whether this process may write path (a read-only mount
// refuses even root).
func writable(path string) bool { return syscall.Access(path, 2 /* W_OK */) == nil }

func readOnlyErr(err error) error {
	if errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}

// dsn sets the pragmas on every pooled connection. _txlock=immediate makes
// writers take the lock when they begin, so two processes never deadlock on
// a read-then-write upgrade (which busy_timeout cannot resolve).
// synchronous=FULL syncs the WAL at every commit: a power cut — what a
// commune station sees most — then loses no approval, history or airtime
// row whose command returned (NORMAL may lose the last ones). Our writes
// are a few a minute; the fsync costs about a millisecond each (README).
func dsn(path string) string {
	v := url.Values{}
	v.Set("_journal_mode", "WAL")
	v.Set("_foreign_keys", "on")
	v.Set("_busy_timeout", "10000")
	v.Set("_synchronous", "FULL")
	v.Set("_txlock", "immediate")
	return "file:" + path + "?" + v.Encode()
}

// readOnlyDSN opens path with SQLite's mode=ro (nothing can write through
// it), immutable when no one can write the file.
func readOnlyDSN(path string, immutable bool) string {
	v := url.Values{}
	v.Set("mode", "ro")
	if immutable {
		v.Set("immutable", "1")
	}
	v.Set("_busy_timeout", "10000")
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
