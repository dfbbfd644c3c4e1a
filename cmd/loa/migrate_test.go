package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"loa/internal/database"
	"loa/internal/testenv"
)

// readStation is a station with scripts and a (simulated) airtime log, for
// the read commands to show.
func readStation(t *testing.T) (data, sched string) {
	t.Helper()
	data, sched = t.TempDir(), t.TempDir()
	prog := "name = \"thu\"\ntitle = \"Chương trình thử\"\ncron = \"0 17 * * 2,5\"\nlength = \"60s\"\ngap = \"1s\"\n"
	if err := os.WriteFile(filepath.Join(sched, "thu.toml"), []byte(prog), 0o640); err != nil {
		t.Fatal(err)
	}
	run := loaOn(t, data)
	for i, f := range []string{"01-mot-cua-dien-tu", "02-ke-hoach-cchc-2023", "05-chu-truong-cchc"} {
		run("script", "add", "--title", "Bài "+f, "--topic", []string{"mot-cua-dvc", "ke-hoach", "chu-truong"}[i], "--audio", demoAudio+f+".mp3")
	}
	for _, id := range []string{"1", "2"} {
		run("script", "approve", id, "--by", "Chủ tịch", "--sha256", fileSHA256(t, demoAudio+map[string]string{"1": "01-mot-cua-dien-tu", "2": "02-ke-hoach-cchc-2023"}[id]+".mp3")[:8])
	}
	run("simulate", "--record", "--schedules", sched, "--from", "2023-07-01", "--to", "2023-07-14")
	return data, sched
}

// readCommands are the commands that only read the station.
func readCommands(sched string) [][]string {
	return [][]string{
		{"script", "list"},
		{"script", "list", "--json"},
		{"script", "show", "1"},
		{"script", "history", "1", "--json"},
		{"log", "--json"},
		{"log", "--runs"},
		{"report", "--period", "2023-07", "--format", "csv"},
		{"report", "--period", "2023-07", "--format", "json"},
		{"schedule", "next", "--schedules", sched, "--from", "2023-07-15 00:00", "--count", "3"},
		{"simulate", "--schedules", sched, "--from", "2023-07-15", "--to", "2023-07-31"},
		{"config"},
	}
}

// TestReadCommandsOnReadOnlyMount: every read command prints the same on a
// read-only bind mount of a data directory as on the directory itself, and
// a command that writes fails there saying why.
func TestReadCommandsOnReadOnlyMount(t *testing.T) {
	data, sched := readStation(t)
	ro := testenv.ReadOnlyMount(t, data)
	for _, args := range readCommands(sched) {
		code, want, stderr := runLoa(t, append([]string{"--data", data}, args...)...)
		if code != 0 || want == "" {
			t.Fatalf("loa %v: exit %d, %q: %s", args, code, want, stderr)
		}
		code, got, stderr := runLoa(t, append([]string{"--data", ro}, args...)...)
		if code != 0 {
			t.Errorf("loa %v on a read-only mount: exit %d: %s", args, code, stderr)
			continue
		}
		if got != want {
			t.Errorf("loa %v on a read-only mount prints\n%s\nnot\n%s", args, got, want)
		}
	}
	for _, args := range [][]string{
		{"script", "add", "--title", "Bài mới", "--topic", "ket-qua", "--text", demoAudio + "07-ket-qua-quy-1.txt"},
		{"script", "retire", "1"},
		{"script", "edit", "2", "--priority", "emergency"},
		{"simulate", "--record", "--schedules", sched, "--from", "2024-01-01", "--to", "2024-01-02"},
	} {
		code, _, stderr := runLoa(t, append([]string{"--data", ro}, args...)...)
		if code != 1 || !strings.Contains(stderr, "read-only") || !strings.Contains(stderr, "read commands") {
			t.Errorf("loa %v on a read-only mount: exit %d, %q; want 1 and why", args, code, stderr)
		}
	}
}

// TestOnlyMigrateUpgrades: on a database of an older schema, commands
// refuse and say to run loa migrate; loa migrate upgrades it, keeping its
// rows; then they work.
func TestOnlyMigrateUpgrades(t *testing.T) {
	data := t.TempDir()
	path := filepath.Join(data, database.FileName)
	old, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if err := database.MigrateTo(context.Background(), old, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(`INSERT INTO scripts (title, topic, status, created_at, updated_at) VALUES ('Bài cũ', 'ke-hoach', 'submitted', '2023-01-05T01:00:00.000Z', '2023-01-05T01:00:00.000Z')`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	for _, args := range [][]string{{"script", "list"}, {"log"}, {"script", "retire", "1"}} {
		code, _, stderr := runLoa(t, append([]string{"--data", data}, args...)...)
		if code != 1 || !strings.Contains(stderr, "loa migrate") || strings.Count(stderr, "\n") != 1 {
			t.Fatalf("loa %v on an older schema: exit %d, %q", args, code, stderr)
		}
	}
	for _, want := range []string{"từ phiên bản 1 lên", "không cần nâng cấp"} {
		code, out, stderr := runLoa(t, "--data", data, "migrate")
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("migrate: exit %d, %q, %s; want %q", code, out, stderr, want)
		}
	}
	if code, out, stderr := runLoa(t, "--data", data, "script", "list"); code != 0 || !strings.Contains(out, "Bài cũ") {
		t.Fatalf("list after migrate: %d %q %s", code, out, stderr)
	}
	if code, _, stderr := runLoa(t, "--data", filepath.Join(data, "none"), "migrate"); code != 2 || !strings.Contains(stderr, "does not exist") {
		t.Fatalf("migrate of a missing data dir: %d %s", code, stderr)
	}
}

// TestMigrateRestrictsModes: a station an older loa made world-readable
// (directory 0755, database 0644, store 0755 with audio 0444 — unpublished
// recordings and, since the console, password hashes) has the issue's
// modes after loa migrate: 0750, 0640, store 0750, audio 0440.
func TestMigrateRestrictsModes(t *testing.T) {
	data := t.TempDir()
	if code, _, stderr := runLoa(t, "--data", data, "script", "add", "--title", "Bài một", "--topic", "ke-hoach",
		"--audio", demoAudio+"06-mo-hinh-tot.mp3"); code != 0 {
		t.Fatalf("script add: %d %s", code, stderr)
	}
	store := filepath.Join(data, "store")
	ents, err := os.ReadDir(store)
	if err != nil || len(ents) != 1 {
		t.Fatalf("store: %v %v", ents, err)
	}
	audio := filepath.Join(store, ents[0].Name())
	want := map[string]os.FileMode{data: 0o750, filepath.Join(data, database.FileName): 0o640, store: 0o750, audio: 0o440}
	older := map[string]os.FileMode{data: 0o755, filepath.Join(data, database.FileName): 0o644, store: 0o755, audio: 0o444}
	for p, m := range older {
		if err := os.Chmod(p, m); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, stderr := runLoa(t, "--data", data, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	for p, m := range want {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != m {
			t.Errorf("%s: mode %o after migrate, want %o", p, got, m)
		}
	}
}
