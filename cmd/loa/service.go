package main

import (
	"context"
	"fmt"
	"strings"

	"loa/internal/inputerr"
	"loa/internal/systemd"
)

// runService prints the systemd units that run loa as a service (make
// install writes them with its PREFIX).
func (e *Env) runService(ctx context.Context, args []string) error {
	const usage = "service: want a subcommand: unit [NAME], units (see 'loa service unit --help')"
	if len(args) == 0 {
		return inputerr.New(usage)
	}
	switch args[0] {
	case "unit":
		return e.serviceUnit(args[1:])
	case "units":
		if err := wantArgs(args[1:], 0, "service units"); err != nil {
			return err
		}
		fmt.Fprintln(e.Stdout, strings.Join(systemd.Units(), "\n"))
		return nil
	}
	return inputerr.New("service: unknown subcommand %q; %s", args[0], usage[len("service: "):])
}

func (e *Env) serviceUnit(args []string) error {
	fs := e.newFlagSet("service unit", "loa service unit [--prefix DIR] [NAME]\n\n"+
		"Prints a systemd unit (default loa.service); 'loa service units' lists them:\n"+
		"loa.service (the daemon), loa-backup.service and loa-backup.timer (nightly backup),\n"+
		"loa.sysusers (the loa system user, for sysusers.d/loa.conf).")
	def := systemd.DefaultPaths()
	prefix := fs.String("prefix", def.Prefix, "install prefix: the binary in PREFIX/bin, schedules and jingles in PREFIX/share/loa")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	name := "loa.service"
	switch len(pos) {
	case 0:
	case 1:
		name = pos[0]
	default:
		return inputerr.New("service unit: want at most one unit name, got %d", len(pos))
	}
	p := def
	p.Prefix = strings.TrimRight(*prefix, "/")
	text, err := systemd.Unit(name, p)
	if err != nil {
		return inputerr.New("service unit: %v", err)
	}
	_, err = fmt.Fprint(e.Stdout, text)
	return err
}
