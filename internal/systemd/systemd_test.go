package systemd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWatchdogFollowsHealth: READY=1 first; no WATCHDOG=1 while the health
// check fails (so systemd restarts a daemon that cannot reach its log),
// pings again once it passes; STOPPING=1 when the context ends.
func TestWatchdogFollowsHealth(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	t.Setenv("WATCHDOG_USEC", "100000") // pings every 50 ms

	var checks atomic.Int32
	healthy := func(context.Context) error {
		if checks.Add(1) <= 4 {
			return errors.New("database locked")
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	(&Notifier{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Ready(ctx, healthy)
	read := func() string {
		t.Helper()
		buf := make([]byte, 256)
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		return string(buf[:n])
	}
	if m := read(); m != "READY=1" {
		t.Fatalf("first message %q", m)
	}
	if m := read(); m != "WATCHDOG=1" {
		t.Fatalf("second message %q", m)
	}
	if n := checks.Load(); n < 5 {
		t.Errorf("pinged after %d checks; the first 4 failed", n)
	}
	cancel()
	for {
		if m := read(); m == "STOPPING=1" {
			break
		} else if m != "WATCHDOG=1" {
			t.Fatalf("message %q", m)
		}
	}
}

// TestNotOnSystemd: without NOTIFY_SOCKET nothing is sent and nothing runs.
func TestNotOnSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	called := false
	(&Notifier{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Ready(t.Context(), func(context.Context) error { called = true; return nil })
	time.Sleep(10 * time.Millisecond)
	if called {
		t.Error("health checked outside systemd")
	}
}

func TestUnitPaths(t *testing.T) {
	p := DefaultPaths()
	p.Prefix = "/opt/loa"
	text, err := Unit("loa.service", p)
	if err != nil || !strings.Contains(text, "ExecStart=/opt/loa/bin/loa --data /var/lib/loa daemon") || strings.Contains(text, "{{") {
		t.Errorf("%v\n%s", err, text)
	}
	for _, bad := range []string{"opt", "/opt/my loa", "/opt/%i", "/opt/$HOME"} {
		p.Prefix = bad
		if _, err := Unit("loa.service", p); err == nil {
			t.Errorf("prefix %q accepted", bad)
		}
	}
}
