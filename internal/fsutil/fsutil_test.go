package fsutil

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "a-summary.csv")
	ok := func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }
	fail := func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("boom") }
	if err := WriteFiles(0o640, File{a, ok}, File{b, fail}); err == nil {
		t.Fatal("no error")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("left behind after a failure: %v", ents)
	}
	if err := WriteFiles(0o640, File{a, ok}, File{b, ok}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Fatalf("files: %v", ents)
	}
	for _, p := range []string{a, b} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm()&^0o640 != 0 || fi.Size() != 1 {
			t.Fatalf("%s: %v %v", p, fi, err)
		}
	}
}

func TestTempAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "prog.wav")
	os.WriteFile(target, []byte("old"), 0o644)
	tmp, err := Create(target, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	tmp.WriteString("new, half")
	tmp.Abort()
	tmp.Abort()
	if b, _ := os.ReadFile(target); string(b) != "old" {
		t.Fatalf("target %q after abort", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("left behind: %v", ents)
	}
	tmp, _ = Create(target, 0o644)
	tmp.WriteString("new")
	if err := tmp.Commit(); err != nil {
		t.Fatal(err)
	}
	tmp.Abort() // safe after Commit
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Fatalf("target %q after commit", b)
	}
}
