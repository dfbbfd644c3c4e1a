// Package backup writes a station — its database, its audio store and its
// configuration — to one archive while the daemon plays, and recreates a
// station from such an archive, every file verified by its SHA-256.
//
// The archive is a tar file: first a manifest (loa-backup.json) listing
// every file with its size and SHA-256, then the files: loa.db (a snapshot
// through SQLite's online backup API), loa.toml when there is one, and
// store/<sha256> for the stored audio. The audio is already compressed;
// a plain tar costs the playing daemon no CPU for nothing.
package backup

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"loa/internal/config"
	"loa/internal/content"
	"loa/internal/database"
	"loa/internal/fsutil"
	"loa/internal/inputerr"
)

// ManifestName is the archive's first entry.
const ManifestName = "loa-backup.json"

// Format is the archive layout's version.
const Format = 1

const storeDir = "store"

// Manifest says what an archive holds.
type Manifest struct {
	Format  int       `json:"format"`
	Created time.Time `json:"created_at"`
	Schema  int       `json:"schema_version"`
	Scripts int       `json:"scripts"`
	Files   []Entry   `json:"files"`
}

// Entry is one file of the archive, by its path in the data directory.
type Entry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Bytes is the total size of the files.
func (m Manifest) Bytes() int64 {
	var n int64
	for _, e := range m.Files {
		n += e.Size
	}
	return n
}

// Audio counts the stored audio files.
func (m Manifest) Audio() int {
	n := 0
	for _, e := range m.Files {
		if path.Dir(e.Path) == storeDir {
			n++
		}
	}
	return n
}

var storeName = regexp.MustCompile(`^store/[0-9a-f]{64}$`)

// mode is each file's mode in the archive and once restored.
func mode(p string) fs.FileMode {
	if storeName.MatchString(p) {
		return 0o440
	}
	return database.FileMode
}

// Write writes the station in dataDir to the archive out (written
// durably: a failed backup leaves no file). configPath is the station's
// configuration file; it is left out when it does not exist.
func Write(ctx context.Context, dataDir, configPath, out string) (Manifest, error) {
	m := Manifest{Format: Format, Created: time.Now().UTC()}
	tmpDir, err := os.MkdirTemp(filepath.Dir(out), ".loa-backup-*")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmpDir)

	// The database first: the snapshot says which audio the station needs,
	// and stored audio is never removed while a script references it.
	db, err := database.OpenReadOnlyAnySchema(ctx, filepath.Join(dataDir, database.FileName))
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	snap := filepath.Join(tmpDir, database.FileName)
	err = database.Snapshot(ctx, db, snap)
	db.Close()
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	needed, err := inspect(ctx, snap, &m)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	src := map[string]string{} // archive path → file to read
	add := func(p, file string) error {
		sum, size, err := content.HashFile(ctx, file)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, Entry{Path: p, Size: size, SHA256: sum})
		src[p] = file
		return nil
	}
	if err := add(database.FileName, snap); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(configPath); err == nil {
		if err := add(config.FileName, configPath); err != nil {
			return m, fmt.Errorf("backup: %w", err)
		}
	}
	// Every stored file, named by its hash: the referenced ones must be
	// there; others (older recordings) go along when they still are.
	store := filepath.Join(dataDir, storeDir)
	ents, err := os.ReadDir(store)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("backup: %w", err)
	}
	for _, e := range ents {
		p := storeDir + "/" + e.Name()
		if !storeName.MatchString(p) || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed meanwhile: it was not referenced
		}
		m.Files = append(m.Files, Entry{Path: p, Size: fi.Size(), SHA256: e.Name()})
		src[p] = filepath.Join(store, e.Name())
		delete(needed, e.Name())
	}
	for sum := range needed {
		return m, fmt.Errorf("backup: stored audio %s, used by a script, is missing from %s", sum, store)
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })

	tmp, err := fsutil.Create(out, database.FileMode)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer tmp.Abort()
	tw := tar.NewWriter(tmp)
	man, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	hdr := func(p string, size int64) *tar.Header {
		return &tar.Header{Typeflag: tar.TypeReg, Name: p, Size: size, Mode: int64(mode(p)), ModTime: m.Created, Format: tar.FormatPAX}
	}
	if err := tw.WriteHeader(hdr(ManifestName, int64(len(man)))); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(man); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	for _, e := range m.Files {
		if err := copyEntry(ctx, tw, hdr(e.Path, e.Size), src[e.Path], e); err != nil {
			return m, fmt.Errorf("backup: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := tmp.Commit(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// copyEntry writes the file into the archive, checking that it is still
// what the manifest says: stored audio that no longer hashes to its name
// is damaged, and a backup must not carry it as good.
func copyEntry(ctx context.Context, tw *tar.Writer, h *tar.Header, file string, e Entry) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	hash := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, hash), io.LimitReader(content.CancelReader(ctx, f), e.Size))
	if err != nil {
		return fmt.Errorf("%s: %w", e.Path, err)
	}
	if got := hex.EncodeToString(hash.Sum(nil)); n != e.Size || got != e.SHA256 {
		return fmt.Errorf("%s is damaged (it hashes to %s): re-ingest the original audio ('loa script edit ID --audio FILE') and back up again", file, got)
	}
	return nil
}

// inspect reads the snapshot's schema, script count and the audio its
// scripts use.
func inspect(ctx context.Context, file string, m *Manifest) (map[string]bool, error) {
	db, err := sql.Open("sqlite3", "file:"+file+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if m.Schema, err = database.Version(ctx, db); err != nil {
		return nil, err
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM scripts`).Scan(&m.Scripts); err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT audio_sha256 FROM scripts WHERE audio_sha256 != ''`)
	if err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	defer rows.Close()
	needed := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("read snapshot: %w", err)
		}
		needed[s] = true
	}
	return needed, rows.Err()
}

// ErrStationExists means restore was pointed at a data directory that
// already holds something.
var ErrStationExists = errors.New("data directory is not empty")

// Restore recreates a station in dataDir from the archive at file. dataDir
// must not exist or be empty: a restore never overwrites a station. The
// station appears whole or not at all (it is built beside dataDir and
// renamed into place), every file checked against the manifest's SHA-256
// and every stored audio file against its name.
func Restore(ctx context.Context, file, dataDir string) (Manifest, error) {
	var m Manifest
	if ents, err := os.ReadDir(dataDir); err == nil && len(ents) > 0 {
		return m, inputerr.New("restore: %s: %w (it holds %s…): restore into a new directory", dataDir, ErrStationExists, ents[0].Name())
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("restore: %w", err)
	}
	f, err := os.Open(file)
	if err != nil {
		return m, inputerr.New("restore: %w", err)
	}
	defer f.Close()
	parent := filepath.Dir(filepath.Clean(dataDir))
	if err := os.MkdirAll(parent, database.DirMode); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	stage, err := os.MkdirTemp(parent, "."+filepath.Base(dataDir)+".restore-*")
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(stage)
		}
	}()
	if m, err = extract(ctx, f, stage); err != nil {
		return m, fmt.Errorf("restore %s: %w", file, err)
	}
	if err := checkRestored(ctx, stage); err != nil {
		return m, fmt.Errorf("restore %s: %w", file, err)
	}
	if err := os.Chmod(stage, database.DirMode); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	if err := fsutil.SyncDir(stage); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	// An empty target goes (os.Remove refuses a non-empty one, and rename
	// refuses any target that reappeared): nothing is ever overwritten.
	if err := os.Remove(dataDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return m, inputerr.New("restore: %s: %w", dataDir, ErrStationExists)
	}
	if err := fsutil.Rename(stage, dataDir); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	done = true
	return m, nil
}

// extract reads the manifest and then every file it lists into dir.
func extract(ctx context.Context, r io.Reader, dir string) (Manifest, error) {
	var m Manifest
	tr := tar.NewReader(r)
	h, err := tr.Next()
	if err != nil || h.Name != ManifestName {
		return m, inputerr.New("not a loa backup (no %s first)", ManifestName)
	}
	if err := json.NewDecoder(io.LimitReader(tr, 64<<20)).Decode(&m); err != nil {
		return m, inputerr.New("not a loa backup: %s: %v", ManifestName, err)
	}
	if m.Format != Format {
		return m, inputerr.New("backup format %d; this loa reads format %d", m.Format, Format)
	}
	want := map[string]Entry{}
	for _, e := range m.Files {
		if e.Path != database.FileName && e.Path != config.FileName && !storeName.MatchString(e.Path) {
			return m, inputerr.New("backup lists an unexpected file %q", e.Path)
		}
		want[e.Path] = e
	}
	if _, ok := want[database.FileName]; !ok {
		return m, inputerr.New("backup holds no %s", database.FileName)
	}
	if err := os.Mkdir(filepath.Join(dir, storeDir), database.DirMode); err != nil {
		return m, err
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, inputerr.New("backup is truncated or damaged: %v", err)
		}
		e, ok := want[h.Name]
		if !ok {
			return m, inputerr.New("backup holds %q, not in its manifest (or twice)", h.Name)
		}
		delete(want, h.Name)
		if err := extractFile(ctx, tr, filepath.Join(dir, filepath.FromSlash(e.Path)), e); err != nil {
			return m, err
		}
	}
	for p := range want {
		return m, inputerr.New("backup is missing %s (truncated?)", p)
	}
	if err := fsutil.SyncDir(filepath.Join(dir, storeDir)); err != nil {
		return m, err
	}
	return m, nil
}

func extractFile(ctx context.Context, r io.Reader, file string, e Entry) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode(e.Path))
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), content.CancelReader(ctx, r))
	if err != nil {
		return inputerr.New("backup is truncated or damaged at %s: %v", e.Path, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != e.Size || got != e.SHA256 {
		return inputerr.New("%s in the backup is damaged: %d bytes hashing to %s, want %d bytes hashing to %s", e.Path, n, got, e.Size, e.SHA256)
	}
	if err := f.Chmod(mode(e.Path)); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// checkRestored opens the restored database: it must be sound, and every
// audio file its scripts use must be in the restored store. Its schema is
// restored as it was: an older one is upgraded by loa migrate, a newer one
// is refused by every command, as at the station it came from.
func checkRestored(ctx context.Context, dir string) error {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, database.FileName)+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := database.Check(ctx, db); err != nil {
		return inputerr.New("the database in the backup is damaged: %v", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT audio_sha256 FROM scripts WHERE audio_sha256 != ''`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(dir, storeDir, s)); err != nil {
			return inputerr.New("the backup lacks stored audio %s, used by a script", s)
		}
	}
	return rows.Err()
}
