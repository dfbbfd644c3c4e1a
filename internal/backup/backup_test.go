package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"loa/internal/content"
	"loa/internal/database"
	"loa/internal/inputerr"
)

// station makes a data directory with a database, two stored files (one
// used by a script) and a loa.toml.
func station(t *testing.T) (dir string, used string) {
	t.Helper()
	ctx := context.Background()
	dir = filepath.Join(t.TempDir(), "data")
	db, err := database.Open(ctx, filepath.Join(dir, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := content.Open(filepath.Join(dir, storeDir))
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for _, b := range []string{"bản ghi âm một", "bản ghi âm cũ"} {
		s, err := st.Stage(ctx, strings.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Commit(); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, s.SHA256)
	}
	if _, err := db.Exec(`INSERT INTO scripts (title, topic, audio_sha256, created_at, updated_at)
		VALUES ('Bài một', 'ke-hoach', ?, '2023-03-01T02:00:00.000Z', '2023-03-01T02:00:00.000Z')`, sums[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "loa.toml"), []byte("[station]\nname = \"Đài xã Bình Lương\"\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	return dir, sums[0]
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir, _ := station(t)
	out := filepath.Join(t.TempDir(), "loa.tar")
	m, err := Write(ctx, dir, filepath.Join(dir, "loa.toml"), out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Scripts != 1 || m.Audio() != 2 || len(m.Files) != 4 {
		t.Fatalf("manifest %+v", m)
	}
	restored := filepath.Join(t.TempDir(), "moi")
	if _, err := Restore(ctx, out, restored); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"loa.toml", "store"} {
		if !sameTree(t, filepath.Join(dir, p), filepath.Join(restored, p)) {
			t.Errorf("%s differs after restore", p)
		}
	}
	db, err := database.OpenReadOnly(ctx, filepath.Join(restored, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var title string
	if err := db.QueryRow(`SELECT title FROM scripts`).Scan(&title); err != nil || title != "Bài một" {
		t.Fatalf("restored script %q, %v", title, err)
	}
	for p, want := range map[string]os.FileMode{restored: 0o750, filepath.Join(restored, "loa.db"): 0o640, filepath.Join(restored, "store"): 0o750} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want %o", p, fi.Mode(), err, want)
		}
	}
	// Never over a station; an empty directory is fine.
	if _, err := Restore(ctx, out, restored); !errors.Is(err, ErrStationExists) || !inputerr.Is(err) {
		t.Fatalf("restore over a station: %v", err)
	}
	empty := t.TempDir()
	if _, err := Restore(ctx, out, empty); err != nil {
		t.Fatalf("restore into an empty directory: %v", err)
	}
}

func sameTree(t *testing.T, a, b string) bool {
	t.Helper()
	fa, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	if !fa.IsDir() {
		x, _ := os.ReadFile(a)
		y, err := os.ReadFile(b)
		return err == nil && bytes.Equal(x, y)
	}
	ea, _ := os.ReadDir(a)
	eb, _ := os.ReadDir(b)
	if len(ea) != len(eb) {
		return false
	}
	for _, e := range ea {
		if !sameTree(t, filepath.Join(a, e.Name()), filepath.Join(b, e.Name())) {
			return false
		}
	}
	return true
}

// TestDamagedArchiveRestoresNothing: a changed byte in any file, or a cut
// archive, is refused, and no station (nor a half one) appears.
func TestDamagedArchiveRestoresNothing(t *testing.T) {
	ctx := context.Background()
	dir, used := station(t)
	out := filepath.Join(t.TempDir(), "loa.tar")
	if _, err := Write(ctx, dir, filepath.Join(dir, "loa.toml"), out); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(out)
	flip := func(name string) []byte {
		tr := tar.NewReader(bytes.NewReader(good))
		var off int64
		for {
			h, err := tr.Next()
			if err != nil {
				t.Fatalf("%s not in archive: %v", name, err)
			}
			if h.Name == name {
				// The data follows the header; find it by content.
				data, _ := io.ReadAll(tr)
				off = int64(bytes.Index(good, data))
				break
			}
		}
		b := bytes.Clone(good)
		b[off+10] ^= 0x20
		return b
	}
	for name, b := range map[string][]byte{
		"audio byte":    flip("store/" + used),
		"database byte": flip("loa.db"),
		"config byte":   flip("loa.toml"),
		"cut":           good[:len(good)/2],
		"not a backup":  []byte("Kính gửi UBND xã"),
	} {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.tar")
			os.WriteFile(bad, b, 0o640)
			parent := t.TempDir()
			target := filepath.Join(parent, "moi")
			if _, err := Restore(ctx, bad, target); err == nil {
				t.Fatal("damaged archive restored")
			}
			if ents, _ := os.ReadDir(parent); len(ents) != 0 {
				t.Fatalf("left behind: %v", ents)
			}
		})
	}
}

// TestDamagedStoreRefused: a stored file that no longer hashes to its name
// is not carried into a backup as good.
func TestDamagedStoreRefused(t *testing.T) {
	dir, used := station(t)
	p := filepath.Join(dir, storeDir, used)
	os.Chmod(p, 0o640)
	os.WriteFile(p, []byte("bản ghi âm hỏng"), 0o640)
	outDir := t.TempDir()
	if _, err := Write(context.Background(), dir, filepath.Join(dir, "loa.toml"), filepath.Join(outDir, "loa.tar")); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("backup of a damaged store: %v", err)
	}
	if ents, _ := os.ReadDir(outDir); len(ents) != 0 {
		t.Fatalf("left behind: %v", ents)
	}
}

// TestBackupOfAnOlderSchema: the backup before "loa migrate" is the one
// most worth having; it is taken and restored as it is.
func TestBackupOfAnOlderSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sql.Open("sqlite3", filepath.Join(dir, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := database.MigrateTo(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
	db.Exec(`INSERT INTO scripts (title, topic, created_at, updated_at) VALUES ('Bài cũ', 'ke-hoach', '2023-01-05T01:00:00.000Z', '2023-01-05T01:00:00.000Z')`)
	db.Close()
	out := filepath.Join(t.TempDir(), "loa.tar")
	m, err := Write(ctx, dir, filepath.Join(dir, "loa.toml"), out)
	if err != nil || m.Schema != 1 || m.Scripts != 1 {
		t.Fatalf("backup of schema 1: %+v, %v", m, err)
	}
	restored := filepath.Join(t.TempDir(), "moi")
	if _, err := Restore(ctx, out, restored); err != nil {
		t.Fatal(err)
	}
	if _, err := database.OpenReadOnly(ctx, filepath.Join(restored, database.FileName)); !errors.Is(err, database.ErrOutdated) {
		t.Fatalf("restored schema 1: %v (want it kept, for loa migrate)", err)
	}
}
