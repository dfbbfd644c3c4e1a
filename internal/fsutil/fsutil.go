// Package fsutil is the station's one way to write a file durably: into a
// temporary file beside the target, synced, renamed into place, and the
// directory synced. A crash or power cut leaves the old file or the whole
// new one, never a part — and never a rename the disk forgot.
package fsutil

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Temp is a file being written beside its target. Write to it (it is an
// *os.File: it seeks, for writers that patch headers), then Commit or Abort.
type Temp struct {
	*os.File
	target string
	done   bool
}

// Create starts writing path: a temporary file in its directory (made,
// with mode 0750, if missing). The file gets mode perm less the umask, as
// any file the user creates (os.CreateTemp's 0600 would make a finished
// report or programme unreadable to the office's other accounts).
func Create(path string, perm fs.FileMode) (*Temp, error) {
	dir, base := filepath.Split(path)
	if err := os.MkdirAll(filepath.Clean(dir), 0o750); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	for i := 0; ; i++ {
		name := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d-%d", base, os.Getpid(), time.Now().UnixNano()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		return &Temp{File: f, target: path}, nil
	}
}

// finish syncs and closes the temporary file.
func (t *Temp) finish() error {
	err := t.Sync()
	if cerr := t.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", t.target, err)
	}
	return nil
}

// Commit makes the written file durable under its name.
func (t *Temp) Commit() error {
	if t.done {
		return errors.New("write " + t.target + ": already committed or aborted")
	}
	t.done = true
	if err := t.finish(); err != nil {
		os.Remove(t.Name())
		return err
	}
	if err := Rename(t.Name(), t.target); err != nil {
		os.Remove(t.Name())
		return err
	}
	return nil
}

// Abort drops the temporary file. It is safe after Commit (a no-op).
func (t *Temp) Abort() {
	if t.done {
		return
	}
	t.done = true
	t.Close()
	os.Remove(t.Name())
}

// Rename moves a complete, synced file (or directory) to newpath and syncs
// the directory, so that the rename itself survives a power cut.
func Rename(oldpath, newpath string) error {
	if err := os.Rename(oldpath, newpath); err != nil {
		return fmt.Errorf("write %s: %w", newpath, err)
	}
	return SyncDir(filepath.Dir(newpath))
}

// SyncDir flushes a directory's entries (new names, renames) to disk.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// File is one output file and how to fill it.
type File struct {
	Path  string
	Write func(io.Writer) error
}

// WriteFile writes path durably with mode perm; on error nothing is left.
func WriteFile(path string, perm fs.FileMode, write func(io.Writer) error) error {
	return WriteFiles(perm, File{Path: path, Write: write})
}

// WriteFiles writes every file durably and together: each is written to a
// temporary file beside it, and only when all succeeded are they renamed
// into place. On error nothing is left half-written.
func WriteFiles(perm fs.FileMode, files ...File) (err error) {
	temps := make([]*Temp, 0, len(files))
	defer func() {
		if err != nil {
			for _, t := range temps {
				t.Abort()
				os.Remove(t.Name())
			}
		}
	}()
	for _, f := range files {
		t, err := Create(f.Path, perm)
		if err != nil {
			return err
		}
		temps = append(temps, t)
		bw := bufio.NewWriterSize(t, 1<<16)
		err = f.Write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		if err := t.finish(); err != nil {
			return err
		}
	}
	for _, t := range temps {
		t.done = true
		if err := Rename(t.Name(), t.target); err != nil {
			return err
		}
	}
	return nil
}
