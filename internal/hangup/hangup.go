// Package hangup ignores SIGHUP from the earliest package initialisation
// loa can reach. Go's runtime exits on a SIGHUP that nothing has asked for,
// and main can ask only after every package has initialised (SQLite, the
// report libraries: milliseconds); a reload sent while the daemon starts
// must not kill it. Between this init and main's signal.Notify a SIGHUP is
// dropped; from then on the daemon reloads on it. Import it for its effect,
// with nothing but os/signal and syscall below it so it initialises early.
package hangup

import (
	"os/signal"
	"syscall"
)

func init() { signal.Ignore(syscall.SIGHUP) }
