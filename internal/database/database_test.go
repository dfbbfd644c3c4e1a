package database

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"loa/internal/testenv"
)

func TestOpenAppliesAllMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", FileName)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := Version(ctx, db)
	if err != nil || v != len(migrations) {
		t.Fatalf("version %d, %v; want %d", v, err, len(migrations))
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q, %v", mode, err)
	}
	var sync int
	if err := db.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
		t.Fatalf("synchronous %d, %v; want 2 (FULL: a commit survives a power cut)", sync, err)
	}
	var fk int
	if err := db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys %d, %v", fk, err)
	}
	// Reopening is a no-op.
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// TestUpgradeFromFirstSchema builds a database with migration 1 only, puts
// rows in it, and checks that opening it with this loa upgrades in place.
func TestUpgradeFromFirstSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	old, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := MigrateTo(ctx, old, 1); err != nil {
		t.Fatal(err)
	}
	_, err = old.Exec(`INSERT INTO scripts (title, topic, status, created_at, updated_at, audio_sha256, duration_s)
		VALUES ('Một cửa điện tử', 'mot-cua-dvc', 'approved', '2023-01-05T01:00:00.000Z', '2023-01-05T01:00:00.000Z', 'abc', 61.5)`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = old.Exec(`INSERT INTO script_events (script_id, at, to_status) VALUES (1, '2023-01-05T01:00:00.000Z', 'submitted')`)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	// Only an explicit upgrade changes the schema: a command opening it
	// to read or write is told to run loa migrate, and changes nothing.
	for name, open := range map[string]func(context.Context, string) (*sql.DB, error){"Open": Open, "OpenReadOnly": OpenReadOnly} {
		if db, err := open(ctx, path); !errors.Is(err, ErrOutdated) || !strings.Contains(err.Error(), "loa migrate") {
			if db != nil {
				db.Close()
			}
			t.Fatalf("%s of an older schema: %v", name, err)
		}
	}
	if v := versionOf(t, path); v != 1 {
		t.Fatalf("version %d after refused opens, want 1", v)
	}
	db, err := OpenUpgrade(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var title string
	var dur float64
	var lufs sql.NullFloat64
	if err := db.QueryRow(`SELECT title, duration_s, loudness_lufs FROM scripts WHERE id = 1`).Scan(&title, &dur, &lufs); err != nil {
		t.Fatal(err)
	}
	if title != "Một cửa điện tử" || dur != 61.5 || lufs.Valid {
		t.Fatalf("row changed by upgrade: %q %v %v", title, dur, lufs)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM script_events`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("events %d, %v", n, err)
	}
	if _, err := db.Exec(`SELECT count(*) FROM air_items`); err != nil {
		t.Fatalf("airtime tables missing after upgrade: %v", err)
	}
}

func TestNewerDatabaseRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Exec("PRAGMA user_version = 999")
	db.Close()
	for name, open := range map[string]func(context.Context, string) (*sql.DB, error){"Open": Open, "OpenUpgrade": OpenUpgrade, "OpenReadOnly": OpenReadOnly} {
		if _, err := open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer") {
			t.Fatalf("%s: want refusal of newer schema, got %v", name, err)
		}
	}
}

func TestAirLogIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustExec := func(q string) {
		t.Helper()
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`INSERT INTO air_runs (programme, scheduled_at, started_at) VALUES ('p', '2023-07-01T00:00:00.000Z', '2023-07-01T00:00:00.010Z')`)
	mustExec(`INSERT INTO air_items (run_id, position, kind, scheduled_at, started_at) VALUES (1, 0, 'jingle', '2023-07-01T00:00:00.000Z', '2023-07-01T00:00:00.010Z')`)
	mustExec(`UPDATE air_items SET progress_s = 1 WHERE id = 1`) // open rows record progress
	mustExec(`UPDATE air_items SET status = 'aired', seconds = 5, ended_at = '2023-07-01T00:00:05.010Z' WHERE id = 1`)
	for _, q := range []string{
		`UPDATE air_items SET seconds = 50 WHERE id = 1`,
		`DELETE FROM air_items`,
		`DELETE FROM air_runs`,
	} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s: want refusal", q)
		}
	}
	mustExec(`UPDATE air_runs SET status = 'completed', ended_at = '2023-07-01T00:00:06.000Z' WHERE id = 1`)
	if _, err := db.Exec(`UPDATE air_runs SET reason = 'x' WHERE id = 1`); err == nil {
		t.Error("closed run rewritten")
	}
}

func versionOf(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", readOnlyDSN(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, err := Version(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestNewDatabaseModes: the station's record is not world-readable.
func TestNewDatabaseModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, FileName)
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO air_runs (programme, scheduled_at) VALUES ('p', '2023-07-01T00:00:00.000Z')`); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{dir: DirMode, path: FileMode, path + "-wal": FileMode} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
	}
}

// TestUpgradeTightensModes: a station made by an older loa (directory 0755,
// database 0644: now holding users' password hashes) is brought to this
// loa's modes by the daemon's or "loa migrate"'s open; a stricter mode an
// administrator chose is kept.
func TestUpgradeTightensModes(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name              string
		dir, file         os.FileMode
		wantDir, wantFile os.FileMode
	}{
		{"older loa", 0o755, 0o644, DirMode, FileMode},
		{"group writable", 0o775, 0o664, DirMode, FileMode},
		{"stricter kept", 0o700, 0o600, 0o700, 0o600},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			path := filepath.Join(dir, FileName)
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`INSERT INTO air_runs (programme, scheduled_at) VALUES ('p', '2023-07-01T00:00:00.000Z')`); err != nil {
				t.Fatal(err)
			}
			files := []string{path, path + "-wal", path + "-shm"}
			for _, f := range files {
				if err := os.Chmod(f, c.file); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(dir, c.dir); err != nil {
				t.Fatal(err)
			}
			if db, err = OpenUpgrade(ctx, path); err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			want := map[string]os.FileMode{dir: c.wantDir}
			for _, f := range files {
				want[f] = c.wantFile
			}
			for p, w := range want {
				fi, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if got := fi.Mode().Perm(); got != w {
					t.Errorf("%s: mode %o after upgrade, want %o", filepath.Base(p), got, w)
				}
			}
		})
	}
}

// TestReadOnly: a read-only open never writes, and works where nothing can
// be written (a read-only mount of a station); a read-write open there
// says why it cannot.
func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO air_runs (programme, scheduled_at) VALUES ('p', '2023-07-01T00:00:00.000Z')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Exec(`INSERT INTO air_runs (programme, scheduled_at) VALUES ('q', '2023-07-01T00:00:00.000Z')`); err == nil {
		t.Fatal("a read-only open wrote")
	}
	ro.Close()

	mnt := testenv.ReadOnlyMount(t, dir)
	path = filepath.Join(mnt, FileName)
	ro, err = OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("read-only mount: %v", err)
	}
	var n int
	if err := ro.QueryRow(`SELECT count(*) FROM air_runs`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("read on a read-only mount: %d rows, %v", n, err)
	}
	ro.Close()
	if _, err := Open(ctx, path); !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "read commands") {
		t.Fatalf("read-write open on a read-only mount: %v", err)
	}
	if _, err := OpenReadOnly(ctx, filepath.Join(mnt, "none", FileName)); err == nil {
		t.Fatal("a missing database on a read-only mount opened")
	}
}

// TestAirLogRebuildKeepsRowsAndRules upgrades an airtime log of schema 4
// through the table rebuild of migration 6: rows and ids survive, the new
// statuses are accepted, and closed rows stay closed and undeletable.
func TestAirLogRebuildKeepsRowsAndRules(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), FileName)
	old, err := sql.Open("sqlite3", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := MigrateTo(ctx, old, 4); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO air_runs (id, programme, scheduled_at, started_at, ended_at, status) VALUES (7, 'p', '2023-01-05T10:00:00.000Z', '2023-01-05T10:00:00.000Z', '2023-01-05T10:01:00.000Z', 'completed')`,
		`INSERT INTO air_items (id, run_id, position, kind, scheduled_at, started_at, ended_at, seconds, status) VALUES (3, 7, 0, 'script', '2023-01-05T10:00:00.000Z', '2023-01-05T10:00:00.000Z', '2023-01-05T10:01:00.000Z', 60, 'aired')`,
	} {
		if _, err := old.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	db, err := OpenUpgrade(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var secs float64
	var run int64
	if err := db.QueryRow(`SELECT run_id, seconds FROM air_items WHERE id = 3`).Scan(&run, &secs); err != nil || run != 7 || secs != 60 {
		t.Fatalf("item after rebuild: run %d, %v s, %v", run, secs, err)
	}
	for _, q := range []string{
		`INSERT INTO air_runs (id, programme, scheduled_at, status) VALUES (8, 'p', '2023-01-06T10:00:00.000Z', 'failed')`,
		`INSERT INTO air_items (run_id, position, kind, scheduled_at, started_at, status, reason) VALUES (8, 0, 'script', '2023-01-06T10:00:00.000Z', '2023-01-06T10:00:00.000Z', 'skipped', 'withdrawn')`,
		`INSERT INTO air_items (run_id, position, kind, scheduled_at, started_at, status, level, ordered_by) VALUES (8, 1, 'announcement', '2023-01-06T10:00:00.000Z', '2023-01-06T10:00:00.000Z', 'aired', 'emergency', 'Chủ tịch')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, q := range []string{
		`UPDATE air_items SET seconds = 1 WHERE id = 3`,
		`DELETE FROM air_runs WHERE id = 7`,
		`INSERT INTO air_items (run_id, position, kind, scheduled_at, started_at) VALUES (99, 0, 'script', '2023-01-06T10:00:00.000Z', '2023-01-06T10:00:00.000Z')`,
	} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s: allowed after the rebuild", q)
		}
	}
}

func TestAirItemsReferAirRunsAfterRebuild(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ddl string
	if err := db.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'air_items'`).Scan(&ddl); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ddl, `REFERENCES "air_runs"`) && !strings.Contains(ddl, "REFERENCES air_runs ") {
		t.Fatalf("air_items does not refer to air_runs:\n%s", ddl)
	}
}

// TestReadOnlyRefusesUnreadableWAL: a copy taken while a writer was open,
// without its WAL index, on a read-only mount: the rows in the WAL cannot
// be read, and the stale file alone is not shown as the log.
func TestReadOnlyRefusesUnreadableWAL(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO air_runs (programme, scheduled_at) VALUES ('p', '2023-07-01T00:00:00.000Z')`); err != nil {
		t.Fatal(err)
	}
	cp := t.TempDir()
	for _, name := range []string{FileName, FileName + "-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || (name != FileName && len(b) == 0) {
			t.Fatalf("%s: %d bytes, %v", name, len(b), err)
		}
		os.WriteFile(filepath.Join(cp, name), b, FileMode)
	}
	mnt := testenv.ReadOnlyMount(t, cp)
	if ro, err := OpenReadOnly(ctx, filepath.Join(mnt, FileName)); err == nil || !strings.Contains(err.Error(), "-wal") {
		if ro != nil {
			ro.Close()
		}
		t.Fatalf("copy with an unreadable WAL: %v", err)
	}
}
