package playout

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// LockFile is the daemon's lock and heartbeat file in the data directory.
const LockFile = "daemon.lock"

// ErrLocked means another daemon holds the data directory.
var ErrLocked = errors.New("another loa daemon is running on this data directory")

// Lock is the held data-directory lock.
type Lock struct {
	f     *os.File
	beats bool // Touch was called: this process is the station's daemon
}

// AcquireLock takes the data directory lock without waiting. lastAlive is
// the previous daemon's last heartbeat (the file's mtime), zero if the file
// did not exist. The lock is released when the process exits, however it
// exits. Taking the lock is not a heartbeat (loa daemon --once holds the
// lock without keeping the schedule); the daemon calls Touch.
func AcquireLock(dataDir string) (l *Lock, lastAlive time.Time, err error) {
	path := filepath.Join(dataDir, LockFile)
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, time.Time{}, fmt.Errorf("lock %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.ModTime().Unix() > 0 {
		lastAlive = fi.ModTime()
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, time.Time{}, fmt.Errorf("lock %s: %w", path, ErrLocked)
		}
		return nil, time.Time{}, fmt.Errorf("lock %s: %w", path, err)
	}
	l = &Lock{f: f}
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "%d\n", os.Getpid())
	}
	if lastAlive.IsZero() {
		// A new file's mtime is now: make it "never" until a heartbeat.
		os.Chtimes(path, time.Time{}, time.Unix(0, 0))
	}
	return l, lastAlive, nil
}

// Touch records a heartbeat.
func (l *Lock) Touch(now time.Time) error {
	l.beats = true
	if err := os.Chtimes(l.f.Name(), now, now); err != nil {
		return fmt.Errorf("heartbeat %s: %w", l.f.Name(), err)
	}
	return nil
}

// Release records a last heartbeat (if this process kept them) and unlocks.
func (l *Lock) Release() error {
	if l.beats {
		l.Touch(time.Now())
	}
	return l.f.Close() // closing drops the flock
}
