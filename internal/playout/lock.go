package playout

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// LockFile is the daemon's lock in the data directory (it holds the pid).
const LockFile = "daemon.lock"

// HeartbeatFile is the daemon's heartbeat: its mtime is the last instant
// the daemon was known to keep the schedule. It is apart from the lock,
// which any process may take (loa daemon --once, loa migrate, a start that
// then fails): only Touch writes it.
const HeartbeatFile = "daemon.heartbeat"

// ErrLocked means another daemon holds the data directory.
var ErrLocked = errors.New("another loa daemon is running on this data directory")

// ErrOnce refuses an announcement to a daemon that plays one programme and
// exits (loa daemon --once).
var ErrOnce = errors.New("this loa daemon plays one programme (--once) and takes no announcements; start 'loa daemon' for them")

// Lock is the held data-directory lock.
type Lock struct {
	f     *os.File
	beat  string // heartbeat file
	beats bool   // Touch was called: this process is the station's daemon
}

// AcquireLock takes the data directory lock without waiting. lastAlive is
// the last heartbeat of a daemon (zero if none ever beat). The lock is
// released when the process exits, however it exits. Taking the lock is
// not a heartbeat; the daemon calls Touch.
func AcquireLock(dataDir string) (l *Lock, lastAlive time.Time, err error) {
	path := filepath.Join(dataDir, LockFile)
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, time.Time{}, fmt.Errorf("lock %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
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
	l = &Lock{f: f, beat: filepath.Join(dataDir, HeartbeatFile)}
	// (A station from before the heartbeat file starts as if new: its
	// lock's mtime cannot tell a heartbeat from the last lock taken.)
	if fi, err := os.Stat(l.beat); err == nil {
		lastAlive = fi.ModTime()
	}
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "%d\n", os.Getpid())
	}
	return l, lastAlive, nil
}

// Touch records a heartbeat.
func (l *Lock) Touch(now time.Time) error {
	l.beats = true
	err := os.Chtimes(l.beat, now, now)
	if errors.Is(err, os.ErrNotExist) {
		var f *os.File
		if f, err = os.OpenFile(l.beat, os.O_WRONLY|os.O_CREATE, 0o640); err == nil {
			f.Close()
			err = os.Chtimes(l.beat, now, now)
		}
	}
	if err != nil {
		return fmt.Errorf("heartbeat %s: %w", l.beat, err)
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
