// Package golden compares what a test produced with a file under testdata/,
// for the table-driven golden tests of every package. `go test -update`
// rewrites the files instead.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// update is the usual golden-file flag; it exists only in test binaries,
// the only importers of this package.
var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// Check compares got with testdata/name (name may hold subdirectories) and
// reports a difference as a test error. Every golden file must also be NFC
// text: it is what users read.
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
	if !norm.NFC.IsNormal(got) {
		t.Errorf("%s: output is not NFC", path)
	}
}
