package queue

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"loa/internal/config"
	"loa/internal/content"
	"loa/internal/database"
)

const workerEnv = "LOA_QUEUE_TEST_WORKER"

// TestMain lets the test binary act as one of several processes sharing a
// data directory, as the daemon and the CLI do.
func TestMain(m *testing.M) {
	if spec := os.Getenv(workerEnv); spec != "" {
		if err := worker(spec); err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// worker adds and approves n scripts (every fifth with audio) in dir,
// listing the approved ones after each: readers and writers interleave.
func worker(spec string) error {
	var dir, name string
	var n int
	if _, err := fmt.Sscanf(spec, "%s %s %d", &dir, &name, &n); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(dir, database.FileName))
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := content.Open(filepath.Join(dir, "store"))
	if err != nil {
		return err
	}
	q := New(db, st, config.Default(), analyze)
	text := filepath.Join(dir, name+".txt")
	if err := os.WriteFile(text, []byte("Kính thưa bà con "+name), 0o644); err != nil {
		return err
	}
	wav := filepath.Join(dir, "shared.wav")
	for i := 0; i < n; i++ {
		f := Fields{Title: ptr(fmt.Sprintf("%s bài %d", name, i)), Topic: ptr("ke-hoach"), Text: file(text)}
		if i%5 == 0 {
			f.Audio = file(wav)
		}
		s, _, err := q.Add(ctx, f, name)
		if err != nil {
			return fmt.Errorf("add %d: %w", i, err)
		}
		// Only a recording can be approved; text-only scripts stay submitted.
		if s.AudioSHA256 != "" {
			if _, err := q.Approve(ctx, s.ID, "Chủ tịch", name, s.AudioSHA256); err != nil {
				return fmt.Errorf("approve %d: %w", i, err)
			}
		}
		if _, err := q.List(ctx, Approved); err != nil {
			return fmt.Errorf("list %d: %w", i, err)
		}
	}
	return nil
}

func TestConcurrentProcessesShareTheDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "shared.wav"), 1.5, 8000, 1, 440)
	// Create the schema once, as the first loa command on a station does.
	db, err := database.Open(context.Background(), filepath.Join(dir, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	const workers, each = 3, 150
	var cmds []*exec.Cmd
	outs := make([]*os.File, workers)
	for w := 0; w < workers; w++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s w%d %d", workerEnv, dir, w, each))
		out, _ := os.Create(filepath.Join(dir, "out"+strconv.Itoa(w)))
		outs[w] = out
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for w, cmd := range cmds {
		err := cmd.Wait()
		outs[w].Close()
		if err != nil {
			b, _ := os.ReadFile(outs[w].Name())
			t.Errorf("worker %d: %v\n%s", w, err, b)
		}
		if time.Now().After(deadline) {
			t.Fatal("workers took too long")
		}
	}
	var scripts, approved, events int
	db.QueryRow(`SELECT count(*), sum(status = 'approved') FROM scripts`).Scan(&scripts, &approved)
	db.QueryRow(`SELECT count(*) FROM script_events`).Scan(&events)
	// Every fifth script has audio and is approved; each add and each
	// approval is one event.
	wantApproved := workers * ((each + 4) / 5)
	if scripts != workers*each || approved != wantApproved || events != workers*each+wantApproved {
		t.Fatalf("scripts %d approved %d events %d; want %d, %d, %d", scripts, approved, events, workers*each, wantApproved, workers*each+wantApproved)
	}
	es, _ := os.ReadDir(filepath.Join(dir, "store"))
	if len(es) != 1 {
		t.Fatalf("store holds %d files, want the one shared audio", len(es))
	}
}
