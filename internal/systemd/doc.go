// Package systemd is loa as a system service: the unit files (embedded in
// the binary; `loa service unit` prints them, `make install` installs them)
// and the daemon's side of the service manager's protocol — READY=1 once
// it has started, WATCHDOG=1 at half the unit's WatchdogSec while it is
// healthy, STOPPING=1 when it stops — sent through go-systemd's sd_notify.
// Outside systemd (no NOTIFY_SOCKET) the notifier does nothing.
//
// API:
//
//	Units() []string                           // names: loa.service, loa-backup.service, ...
//	Unit(name string, p Paths) (string, error) // the text of one, for an install prefix
//	(*Notifier).Ready(ctx, healthy)            // READY=1, then the watchdog until ctx ends
package systemd
