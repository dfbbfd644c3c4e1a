// Package testenv holds helpers tests of several packages share: a
// read-only mount of a directory (which needs the machine itself), a tone
// written as a WAV file.
package testenv

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"loa/internal/audio"
)

// ReadOnlyMount bind-mounts dir read-only at a new directory and returns
// it; the mount is removed when the test ends. Permissions cannot make a
// directory read-only to root (tests often run as root), a read-only mount
// can: writes there fail with EROFS for everyone. The test is skipped where
// mounting is not allowed.
func ReadOnlyMount(t testing.TB, dir string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a read-only bind mount needs root")
	}
	mnt := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(mnt, 0o750); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "--bind", "-o", "ro", dir, mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot bind-mount read-only here: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	probe := filepath.Join(mnt, ".write-probe")
	if err := os.WriteFile(probe, nil, 0o600); err == nil {
		os.Remove(probe)
		t.Skip("the bind mount is writable here (kernel ignored -o ro)")
	}
	return mnt
}

// SineWAV writes a 16-bit WAV at path: a sine of freq Hz and peak amp
// (full scale 1), the same on each of ch channels; it returns path.
func SineWAV(t testing.TB, path string, rate, ch int, seconds, freq, amp float64) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := audio.NewWAVWriter(f, rate, ch)
	if err != nil {
		t.Fatal(err)
	}
	n := int(seconds * float64(rate))
	buf := make([]float32, 0, n*ch)
	for i := 0; i < n; i++ {
		v := float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
		for c := 0; c < ch; c++ {
			buf = append(buf, v)
		}
	}
	if err := w.Write(buf); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
