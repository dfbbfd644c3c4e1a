package main

import (
	"database/sql"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"loa/internal/database"
)

// TestBackupWhileDaemonPlays: a backup taken while a script is on air is
// the station as of one instant: restored, its queue and audit trail are
// the station's, each airtime row closed at that instant is the row the
// station kept, and the row on air is the one the daemon went on to close.
// A backup of the stopped station restores to a station every read
// command shows identically.
func TestBackupWhileDaemonPlays(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the daemon for ~20 s")
	}
	s := newStation(t, "*/10 * * * * *", "9s", 4, 3)
	db := s.db()
	d := s.start()
	s.waitFor("a second script on air, the first closed", 25*time.Second, d, func() bool {
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM air_items WHERE status IS NOT NULL`).Scan(&n)
		return n >= 1 && openItemPlaying(db, 0.5)
	})
	during := filepath.Join(s.dir, "during.tar")
	s.cli("backup", "--out", during)
	s.waitFor("a run completed after the backup", 25*time.Second, d, func() bool {
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM air_runs WHERE status = 'completed'`).Scan(&n)
		return n >= 2
	})
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-d.done; err != nil {
		t.Fatalf("daemon exit: %v\n%s", err, d.errb.String())
	}

	restored := filepath.Join(s.dir, "restored")
	if out := s.cli("--data", restored, "restore", during); !strings.Contains(out, "đã kiểm tra SHA-256") {
		t.Fatalf("restore said %q", out)
	}
	rdb, err := database.OpenReadOnly(t.Context(), filepath.Join(restored, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	for _, q := range []string{
		`SELECT * FROM scripts ORDER BY id`,
		`SELECT * FROM script_events ORDER BY id`,
	} {
		if got, want := dump(t, rdb, q), dump(t, db, q); got != want {
			t.Errorf("%s: restored\n%s\nstation\n%s", q, got, want)
		}
	}
	// Airtime: every restored row is the station's row; closed ones equal,
	// open ones (on air at the backup) the same item, closed since.
	var open, closed int
	for _, tbl := range []string{"air_runs", "air_items"} {
		got := rowsByID(t, rdb, `SELECT * FROM `+tbl)
		want := rowsByID(t, db, `SELECT * FROM `+tbl)
		if len(got) == 0 {
			t.Fatalf("no %s in the backup", tbl)
		}
		for id, row := range got {
			switch {
			case want[id] == "":
				t.Errorf("%s %d in the backup, not in the station", tbl, id)
			case strings.Contains(row, "status=<nil>"):
				open++
			case row != want[id]:
				t.Errorf("%s %d: backup %s, station %s", tbl, id, row, want[id])
			default:
				closed++
			}
		}
	}
	if open == 0 || closed == 0 {
		t.Errorf("backup taken while on air holds %d open and %d closed airtime rows; want both", open, closed)
	}

	// The stopped station, backed up and restored, reads the same.
	after := filepath.Join(s.dir, "after.tar")
	s.cli("backup", "--out", after)
	again := filepath.Join(s.dir, "again")
	s.cli("--data", again, "restore", after)
	for _, args := range [][]string{
		{"script", "list", "--json"},
		{"script", "history", "1", "--json"},
		{"log", "--json"},
		{"log", "--runs", "--json"},
		{"report", "--period", time.Now().In(mustLoc(t)).Format("2006-01"), "--format", "json"},
		{"config"},
	} {
		want, got := stdout(t, s, s.data, args...), stdout(t, s, again, args...)
		if got != want {
			t.Errorf("loa %v: restored station prints\n%s\nnot\n%s", args, got, want)
		}
	}
}

// rowsByID renders each row of q (whose first column is the id) as text.
func rowsByID(t *testing.T, db *sql.DB, q string) map[int64]string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := map[int64]string{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, c := range cols {
			v := vals[i]
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%s=%v ", c, v)
		}
		out[vals[0].(int64)] = b.String()
	}
	return out
}

func dump(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	m := rowsByID(t, db, q)
	var b strings.Builder
	for id := int64(1); len(m) > 0; id++ {
		if r, ok := m[id]; ok {
			b.WriteString(r + "\n")
			delete(m, id)
		}
	}
	return b.String()
}

// stdout runs loa on a data directory and returns what it printed on
// stdout (stderr has the log's timestamps).
func stdout(t *testing.T, s *testStation, data string, args ...string) string {
	t.Helper()
	cmd := exec.Command(s.bin, append([]string{"--data", data}, args...)...)
	cmd.Dir = s.dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("loa --data %s %v: %v", data, args, err)
	}
	return string(out)
}

// TestBackupBadInput: what the user gave wrong is exit 2, one line naming
// the flag or file; nothing is left behind.
func TestBackupBadInput(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runLoa(t, "--data", data, "script", "add", "--title", "Chỉ có văn bản", "--topic", "ket-qua",
		"--text", demoAudio+"07-ket-qua-quy-1.txt"); code != 0 {
		t.Fatalf("script add: %d %s", code, stderr)
	}
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"backup"}, "--out"},
		{[]string{"backup", "--out", filepath.Join(missing, "loa.tar")}, "--out"},
		{[]string{"backup", "--out", t.TempDir()}, "--out"},
		{[]string{"restore", filepath.Join(missing, "loa.tar")}, "loa.tar"},
	} {
		dir := data
		if c.args[0] == "restore" {
			dir = filepath.Join(t.TempDir(), "restored")
		}
		code, _, stderr := runLoa(t, append([]string{"--data", dir}, c.args...)...)
		if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("loa %v: exit %d, %q; want 2, one line naming %s", c.args, code, stderr, c.want)
		}
	}
}
