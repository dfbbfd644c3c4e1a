package content

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestStageCommitDedupVerify(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	body := "tiếng loa xã"
	sum := sha256.Sum256([]byte(body))
	want := hex.EncodeToString(sum[:])

	st, err := s.Stage(ctx, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if st.SHA256 != want || st.Size != int64(len(body)) {
		t.Fatalf("staged %s/%d, want %s/%d", st.SHA256, st.Size, want, len(body))
	}
	created, err := st.Commit()
	if err != nil || !created {
		t.Fatalf("commit: %v %v", created, err)
	}
	st2, _ := s.Stage(ctx, strings.NewReader(body))
	created, err = st2.Commit()
	if err != nil || created {
		t.Fatalf("second commit of same bytes: created=%v err=%v", created, err)
	}
	if got := entries(t, s.Dir()); len(got) != 1 || got[0] != want {
		t.Fatalf("store holds %v, want only %s", got, want)
	}
	if err := s.Verify(ctx, want); err != nil {
		t.Fatal(err)
	}

	os.Chmod(s.Path(want), 0o644)
	os.WriteFile(s.Path(want), []byte("changed"), 0o644)
	if err := s.Verify(ctx, want); !errors.Is(err, ErrAltered) {
		t.Fatalf("altered file: got %v", err)
	}
	os.Remove(s.Path(want))
	if err := s.Verify(ctx, want); !errors.Is(err, ErrMissing) {
		t.Fatalf("missing file: got %v", err)
	}
}

func TestDiscardLeavesNothing(t *testing.T) {
	s, _ := Open(t.TempDir())
	st, err := s.Stage(context.Background(), strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	st.Discard()
	if got := entries(t, s.Dir()); len(got) != 0 {
		t.Fatalf("store not empty after discard: %v", got)
	}
}

func TestStageCancelled(t *testing.T) {
	s, _ := Open(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Stage(ctx, strings.NewReader("x")); err == nil {
		t.Fatal("want error on cancelled context")
	}
	if got := entries(t, s.Dir()); len(got) != 0 {
		t.Fatalf("store not empty after failed stage: %v", got)
	}
}

// TestCommitRepairsAlteredCopy: ingesting the original bytes again is how an
// operator repairs a damaged stored file; the good staged copy must replace
// it rather than be dropped as a duplicate of the damaged one.
func TestCommitRepairsAlteredCopy(t *testing.T) {
	ctx := context.Background()
	s, _ := Open(t.TempDir())
	body := "bài phát thanh gốc"
	st, err := s.Stage(ctx, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	os.Chmod(s.Path(st.SHA256), 0o644)
	os.WriteFile(s.Path(st.SHA256), []byte("bài phát thanh hỏng"), 0o644)

	st2, err := s.Stage(ctx, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	// Not "created": the name was already in use, so undoing this commit
	// (queue's discard) must not delete it.
	if created, err := st2.Commit(); err != nil || created {
		t.Fatalf("repairing commit: created=%v err=%v", created, err)
	}
	if err := s.Verify(ctx, st.SHA256); err != nil {
		t.Fatalf("stored copy not repaired by re-ingest: %v", err)
	}
	if got := entries(t, s.Dir()); len(got) != 1 {
		t.Fatalf("store holds %v, want one file", got)
	}
}

// TestRestrict: an older loa's modes are narrowed to the store's; a
// stricter mode is kept.
func TestRestrict(t *testing.T) {
	for _, c := range []struct {
		name              string
		dir, file         os.FileMode
		wantDir, wantFile os.FileMode
	}{
		{"older loa", 0o755, 0o444, dirMode, fileMode},
		{"group writable", 0o775, 0o664, dirMode, fileMode},
		{"stricter kept", 0o700, 0o400, 0o700, 0o400},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(dir, strings.Repeat("ab", 32))
			if err := os.WriteFile(f, []byte("audio"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(f, c.file); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, c.dir); err != nil {
				t.Fatal(err)
			}
			if err := s.Restrict(); err != nil {
				t.Fatal(err)
			}
			for p, want := range map[string]os.FileMode{dir: c.wantDir, f: c.wantFile} {
				fi, err := os.Stat(p)
				if err != nil {
					t.Fatal(err)
				}
				if got := fi.Mode().Perm(); got != want {
					t.Errorf("%s: mode %o, want %o", filepath.Base(p), got, want)
				}
			}
		})
	}
}
