package queue

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"loa/internal/database"
)

// TestProgressIsMonotonic: decoders seek to the end of a file to look for
// tags before they decode it; progress must not jump to 100 % and back.
func TestProgressIsMonotonic(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 10000)
	var got []int64
	p := &progressReader{r: bytes.NewReader(data), total: int64(len(data)), phase: "decode",
		report: func(_ string, done, total int64) { got = append(got, done) }}
	p.Seek(-128, io.SeekEnd)
	io.ReadFull(p, make([]byte, 128))
	p.Seek(0, io.SeekStart)
	io.Copy(io.Discard, p)
	for i := 1; i < len(got); i++ {
		if got[i] < got[i-1] {
			t.Fatalf("progress went back: %v", got)
		}
	}
	if len(got) == 0 || got[len(got)-1] != int64(len(data)) {
		t.Fatalf("progress did not end at the total: %v", got)
	}
}

// TestCleanupSparesContentJustReferenced: an ingest whose database write
// failed removes the audio it stored unless a script references it. A
// concurrent ingest of the same bytes finds the file already in the store
// and references it in its own write transaction; the cleanup must not
// count "no reference" while that transaction is about to commit, then
// remove the file from under it. Here that transaction (a second
// connection, holding the write lock) is open with its row inserted when
// the cleanup starts, and commits a moment later.
func TestCleanupSparesContentJustReferenced(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	wav := writeWAV(t, filepath.Join(t.TempDir(), "a.wav"), 2, 22050, 1, 440)
	src, err := os.Open(wav)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	staged, err := f.store.Stage(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	// The failed ingest: its audio is in place, its script row was not written.
	failed := &ingested{q: f.q, staged: staged}
	if err := failed.commit(); err != nil || !failed.created {
		t.Fatalf("commit: created %v, %v", failed.created, err)
	}

	other, err := database.Open(ctx, filepath.Join(f.dir, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.BeginTx(ctx, nil) // immediate: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO scripts (title, topic, audio_sha256, created_at, updated_at)
		VALUES ('Cùng bản ghi', 'ke-hoach', ?, '2023-03-01T02:00:00.000Z', '2023-03-01T02:00:00.000Z')`, staged.SHA256); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		failed.discard(ctx)
		close(done)
	}()
	select {
	case <-done:
		// Finished while the other write was open: it must not have
		// decided anything from what it could not yet see.
		if err := f.store.Verify(ctx, staged.SHA256); err != nil {
			t.Fatalf("cleanup removed audio a concurrent write was referencing: %v", err)
		}
	case <-time.After(300 * time.Millisecond):
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	<-done
	if err := f.store.Verify(ctx, staged.SHA256); err != nil {
		t.Fatalf("audio referenced by script %q is gone: %v", "Cùng bản ghi", err)
	}
}
