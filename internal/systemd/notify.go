package systemd

import (
	"context"
	"log/slog"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// Notifier speaks to the service manager for the daemon.
type Notifier struct {
	Log *slog.Logger
}

// Ready tells the service manager the daemon has started (READY=1) and,
// when the unit has a watchdog, pings it (WATCHDOG=1) every half of
// WatchdogSec for as long as healthy returns nil; when ctx ends it says
// STOPPING=1. A daemon whose healthy check fails stops pinging, and the
// service manager restarts it after WatchdogSec. It returns at once; the
// pings run in their own goroutine.
func (n *Notifier) Ready(ctx context.Context, healthy func(context.Context) error) {
	sent, err := daemon.SdNotify(false, daemon.SdNotifyReady)
	if err != nil {
		n.Log.Warn("systemd: notify ready", "err", err)
	}
	if !sent {
		return // not under systemd (no NOTIFY_SOCKET)
	}
	interval, err := daemon.SdWatchdogEnabled(false)
	if err != nil {
		n.Log.Warn("systemd: watchdog settings", "err", err)
	}
	n.Log.Info("systemd: ready", "watchdog", interval)
	go n.watch(ctx, interval/2, healthy)
}

func (n *Notifier) watch(ctx context.Context, every time.Duration, healthy func(context.Context) error) {
	defer func() {
		if _, err := daemon.SdNotify(false, daemon.SdNotifyStopping); err != nil {
			n.Log.Warn("systemd: notify stopping", "err", err)
		}
	}()
	if every <= 0 {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		hctx, cancel := context.WithTimeout(ctx, every)
		err := healthy(hctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if !failing {
				n.Log.Error("systemd: unhealthy, watchdog not pinged", "err", err)
			}
			failing = true
			continue
		}
		if failing {
			n.Log.Info("systemd: healthy again")
			failing = false
		}
		if _, err := daemon.SdNotify(false, daemon.SdNotifyWatchdog); err != nil {
			n.Log.Warn("systemd: notify watchdog", "err", err)
		}
	}
}
