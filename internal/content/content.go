// Package content is the station's content-addressed audio store: every
// ingested file is copied to <data>/store/<sha256>, so loa never depends on
// the path an operator ingested from, and the same bytes are kept once.
package content

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"loa/internal/fsutil"
)

// ErrMissing is returned when a stored file is not there.
var ErrMissing = errors.New("stored audio missing")

// ErrAltered is returned when a stored file no longer hashes to its name.
var ErrAltered = errors.New("stored audio altered")

var validSum = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Store is a directory of files named by their SHA-256.
type Store struct{ dir string }

// Modes of the store: files are never written after they are stored (their
// name is their hash), and like the database they are the station's own.
const (
	dirMode  fs.FileMode = 0o750
	fileMode fs.FileMode = 0o440
)

// Open makes sure dir exists and returns the store in it.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("open content store %s: %w", dir, err)
	}
	return &Store{dir: dir}, nil
}

// Restrict brings a store made by an older loa (directory 0755, files
// 0444: unpublished recordings readable by anyone) to the store's modes,
// only ever removing permissions. A file or directory this process does not
// own is left to its owner. The daemon at start and "loa migrate" call it.
func (s *Store) Restrict() error {
	restrict := func(p string, mode fs.FileMode) error {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if m := fi.Mode().Perm(); m&^mode != 0 {
			if err := os.Chmod(p, m&mode); err != nil && !errors.Is(err, fs.ErrPermission) {
				return err
			}
		}
		return nil
	}
	if err := restrict(s.dir, dirMode); err != nil {
		return fmt.Errorf("restrict content store %s: %w", s.dir, err)
	}
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("restrict content store %s: %w", s.dir, err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		if err := restrict(filepath.Join(s.dir, e.Name()), fileMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restrict content store %s: %w", s.dir, err)
		}
	}
	return nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Path is where the content with this SHA-256 lives.
func (s *Store) Path(sum string) string { return filepath.Join(s.dir, sum) }

// Staged is content copied into the store's directory under a temporary
// name: callers validate it, then Commit or Discard it. Until Commit nothing
// is visible under a content name.
type Staged struct {
	store  *Store
	Path   string // the temporary file, complete and synced
	SHA256 string
	Size   int64
	done   bool
}

// Stage copies r into a temporary file in the store, hashing as it goes.
func (s *Store) Stage(ctx context.Context, r io.Reader) (*Staged, error) {
	f, err := os.CreateTemp(s.dir, ".stage-*")
	if err != nil {
		return nil, fmt.Errorf("stage content: %w", err)
	}
	st := &Staged{store: s, Path: f.Name()}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), ctxReader{ctx, r})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, fmt.Errorf("stage content: %w", err)
	}
	st.SHA256 = hex.EncodeToString(h.Sum(nil))
	st.Size = n
	return st, nil
}

// Commit moves the staged file to its content name. It reports whether the
// content is new; when the same bytes were already stored the copy is dropped.
// A stored copy that no longer hashes to its name is replaced by the staged
// one: ingesting the original again is how a damaged file is repaired.
func (st *Staged) Commit() (created bool, err error) {
	if st.done {
		return false, errors.New("staged content already committed or discarded")
	}
	st.done = true
	final := st.store.Path(st.SHA256)
	verr := st.store.Verify(context.Background(), st.SHA256)
	if verr == nil {
		os.Remove(st.Path)
		return false, nil
	}
	existed := !errors.Is(verr, ErrMissing)
	if err := os.Chmod(st.Path, fileMode); err != nil {
		os.Remove(st.Path)
		return false, fmt.Errorf("store %s: %w", st.SHA256, err)
	}
	// The staged file is synced; rename is atomic (readers see no file or
	// the whole file) and made durable with the directory.
	if err := fsutil.Rename(st.Path, final); err != nil {
		os.Remove(st.Path)
		return false, fmt.Errorf("store %s: %w", st.SHA256, err)
	}
	return !existed, nil
}

// Discard removes the staged file. It is safe to call after Commit.
func (st *Staged) Discard() {
	if st.done {
		return
	}
	st.done = true
	os.Remove(st.Path)
}

// Remove deletes stored content (used to undo a Commit whose database
// transaction failed).
func (s *Store) Remove(sum string) error {
	if !validSum.MatchString(sum) {
		return fmt.Errorf("remove content: bad sha256 %q", sum)
	}
	if err := os.Remove(s.Path(sum)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove content %s: %w", sum, err)
	}
	return nil
}

// Verify checks that the content named sum is present and still hashes to sum.
func (s *Store) Verify(ctx context.Context, sum string) error {
	if !validSum.MatchString(sum) {
		return fmt.Errorf("verify content: bad sha256 %q", sum)
	}
	got, _, err := HashFile(ctx, s.Path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s", ErrMissing, s.Path(sum))
	}
	if err != nil {
		return fmt.Errorf("verify content %s: %w", sum, err)
	}
	if got != sum {
		return fmt.Errorf("%w: %s now hashes to %s", ErrAltered, s.Path(sum), got)
	}
	return nil
}

// HashFile is the SHA-256 (hex) and the size of the file at path, read
// until ctx is done.
func HashFile(ctx context.Context, path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, CancelReader(ctx, f))
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// CancelReader reads r until ctx is done, then fails with ctx's error: a
// long copy (a large recording, a backup) stops when its caller gives up.
func CancelReader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
