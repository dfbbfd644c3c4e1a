// Package testenv holds helpers tests share that need the machine itself,
// such as a read-only mount of a directory.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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
