package main

import (
	"os"
	"path/filepath"
	"testing"
)

// loaOn returns a runner of loa (in-process) on the data directory data: it
// fails the test on a non-zero exit and returns what loa printed.
func loaOn(t testing.TB, data string) func(args ...string) string {
	return func(args ...string) string {
		t.Helper()
		code, out, stderr := runLoa(t, append([]string{"--data", data}, args...)...)
		if code != 0 {
			t.Fatalf("loa %v: exit %d: %s", args, code, stderr)
		}
		return out
	}
}

// needJingles skips the test when the shipped jingles it names
// (audio/jingles/NAME.mp3) have not been generated yet.
func needJingles(t testing.TB, names ...string) {
	t.Helper()
	for _, j := range names {
		if _, err := os.Stat(filepath.Join("..", "..", "audio", "jingles", j+".mp3")); err != nil {
			t.Skipf("jingles not generated yet: %v", err)
		}
	}
}
