package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// tamper appends to a stored file, so that it no longer hashes to the
// sha256 it was approved by.
func tamper(t testing.TB, path string) {
	t.Helper()
	os.Chmod(path, 0o644)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("tampered")); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// served is a real `loa serve` started by startServe.
type served struct {
	addr string           // host:port it listens on
	cmd  *exec.Cmd        // the process
	log  *strings.Builder // its standard error
}

// startServe starts the real binary's `loa --data DATA serve` on a free
// local port, with extra arguments, and waits until it answers; it is
// killed when the test ends unless the test stopped it.
func startServe(t *testing.T, data string, extra ...string) *served {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &served{addr: ln.Addr().String(), log: &strings.Builder{}}
	ln.Close()
	s.cmd = exec.Command(loaBinary(t), append([]string{"--data", data, "serve", "--listen", s.addr}, extra...)...)
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			s.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("loa serve:\n%s", s.log.String())
		}
	})
	waitHTTP(t, "http://"+s.addr+"/dang-nhap")
	return s
}
