// Command loa is the broadcast software of a Vietnamese commune loudspeaker
// radio station: it queues and approves propaganda scripts, plays scheduled
// programmes on time, logs airtime and writes the chairman's report.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
	_ "time/tzdata" // the station's zone must load on machines without tzdata

	"loa/internal/config"
	"loa/internal/database"
	_ "loa/internal/hangup" // SIGHUP ignored from the earliest init until main catches it
	"loa/internal/inputerr"
	"loa/internal/station"
)

func main() {
	// Caught from the first instruction (ignored before it, from package
	// hangup's init): an early SIGHUP (systemd reload, an operator) must
	// not kill the daemon before it is up. The daemon reloads on it; Main
	// gives other commands back the default.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, stop := stopContext()
	code := Main(context.WithValue(ctx, hangupKey{}, hup), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// stopContext is cancelled by the first SIGINT/SIGTERM (the command winds
// down: the daemon closes its log rows); a second one exits at once.
func stopContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		cancel()
		s := <-sig
		fmt.Fprintf(os.Stderr, "loa: second %v: exiting at once\n", s)
		os.Exit(1)
	}()
	return ctx, func() { signal.Stop(sig); cancel() }
}

// hangupKey holds main's SIGHUP channel in the context.
type hangupKey struct{}

// hangups is the SIGHUP channel main set up, or one made now (Main called
// from a test).
func hangups(ctx context.Context) (<-chan os.Signal, func()) {
	if c, ok := ctx.Value(hangupKey{}).(chan os.Signal); ok {
		return c, func() { signal.Stop(c) }
	}
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGHUP)
	return c, func() { signal.Stop(c) }
}

// Env is what every subcommand gets: where the data lives, the effective
// configuration and where to write.
type Env struct {
	DataDir    string
	ConfigPath string
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	Logger     *slog.Logger

	config     *config.Config
	createData bool   // this command may create the data directory
	readOnly   bool   // a read command: open the database read-only
	upgrade    bool   // this command upgrades an older schema (daemon, migrate)
	schedules  string // --schedules of the command, for the service layer
}

type command struct {
	name, summary string
	run           func(e *Env, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"script", "queue, approve and manage propaganda scripts", (*Env).runScript},
		{"config", "print the effective station configuration", (*Env).runConfig},
		{"loudness", "measure a file's loudness (EBU R128) and exact length", (*Env).runLoudness},
		{"render", "render items into one programme WAV, as it would air", (*Env).runRender},
		{"play", "play files through the station's output pipeline", (*Env).runPlay},
		{"schedule", "check programme files and list upcoming runs", (*Env).runSchedule},
		{"daemon", "run the station: play programmes on schedule and log airtime", (*Env).runDaemon},
		{"announce", "put an urgent announcement on air now (khẩn cấp / ưu tiên)", (*Env).runAnnounce},
		{"status", "what the running daemon has on air, next, and its outputs", (*Env).runStatus},
		{"log", "print the airtime log", (*Env).runLog},
		{"simulate", "run the schedules over a period on a virtual clock", (*Env).runSimulate},
		{"report", "write the airtime report (PDF, DOCX, XLSX, CSV, JSON)", (*Env).runReport},
		{"user", "manage console users, roles and API tokens", (*Env).runUser},
		{"migrate", "upgrade the station database to this loa's schema", (*Env).runMigrate},
		{"backup", "write the station to one archive (while the daemon plays)", (*Env).runBackup},
		{"restore", "recreate a station from a backup archive", (*Env).runRestore},
		{"tts", "speak Vietnamese text offline: normalize, say", (*Env).runTTS},
		{"service", "print the systemd units that run loa as a service", (*Env).runService},
		{"serve", "serve the web console and the JSON API", (*Env).runServe},
	}
}

const usageHead = `loa — commune loudspeaker radio station software

Usage:
  loa [--data DIR] [--config FILE] <command> [arguments]

Global flags:
  --data DIR      data directory (default ./var, or $LOA_DATA)
  --config FILE   station configuration (default DIR/loa.toml)

Commands:
`

// Main runs loa with args and returns the process exit status: 0 ok, 2 bad
// input or usage, 1 anything else.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	e.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	err := e.dispatch(ctx, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case inputerr.Is(err):
		fmt.Fprintf(stderr, "loa: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "loa: %v\n", err)
		return 1
	}
}

func (e *Env) dispatch(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("loa", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	data := fs.String("data", "", "data directory")
	cfg := fs.String("config", "", "configuration file")
	fs.Usage = func() {
		fmt.Fprint(e.Stderr, usageHead)
		for _, c := range commands() {
			fmt.Fprintf(e.Stderr, "  %-9s %s\n", c.name, c.summary)
		}
		fmt.Fprint(e.Stderr, "\nRun 'loa <command> --help' for a command's flags.\n")
	}
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	e.DataDir = *data
	if e.DataDir == "" {
		e.DataDir = os.Getenv("LOA_DATA")
	}
	if e.DataDir == "" {
		e.DataDir = "var"
	}
	e.ConfigPath = *cfg
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return inputerr.New("no command given")
	}
	for _, c := range commands() {
		if c.name == rest[0] {
			if hup, ok := ctx.Value(hangupKey{}).(chan os.Signal); ok && c.name != "daemon" {
				signal.Stop(hup) // only the daemon handles SIGHUP
				signal.Reset(syscall.SIGHUP)
			}
			return c.run(e, ctx, rest[1:])
		}
	}
	if rest[0] == "help" {
		fs.Usage()
		return nil
	}
	return inputerr.New("unknown command %q (see 'loa --help')", rest[0])
}

// Config loads the station configuration once.
func (e *Env) Config() (*config.Config, error) {
	if e.config != nil {
		return e.config, nil
	}
	path, optional := e.ConfigPath, false
	if path == "" {
		path, optional = filepath.Join(e.DataDir, config.FileName), true
	}
	c, err := config.Load(path, optional)
	if err != nil {
		return nil, err
	}
	e.config = c
	return c, nil
}

// OpenDB opens the station database in the data directory. Only commands
// that start a station (script add, daemon) may create the directory: a
// mistyped --data must not quietly show an empty station. Read commands
// open it read-only (so they work on a backup copy or a read-only mount);
// only the daemon and loa migrate upgrade an older schema.
func (e *Env) OpenDB(ctx context.Context) (*sql.DB, error) {
	if err := e.checkDataDir(); err != nil {
		return nil, err
	}
	path := filepath.Join(e.DataDir, database.FileName)
	switch {
	case e.readOnly:
		return database.OpenReadOnly(ctx, path)
	case e.upgrade:
		return database.OpenUpgrade(ctx, path)
	}
	return database.Open(ctx, path)
}

// checkDataDir refuses a data directory that does not exist, unless this
// command may create it.
func (e *Env) checkDataDir() error { return station.CheckDataDir(e.DataDir, e.createData) }

// usageErr turns a flag parsing error into an input error (exit 2), except
// --help, which is success.
func usageErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return inputerr.Wrap(err)
}

// parseFlags parses args with fs, allowing flags after positional arguments
// ("loa script show 3 --json"). It returns the positional arguments. A bad
// flag is one line (exit 2); the full usage is printed only for --help.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	defer func() { fs.SetOutput(out); fs.Usage = usage }()
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(out)
				usage()
				return nil, err
			}
			return nil, inputerr.New("%s: %v (see 'loa %s --help')", fs.Name(), err, fs.Name())
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// newFlagSet makes a flag set whose usage text starts with synopsis.
func (e *Env) newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.Stderr, "Usage: %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// wantArgs checks the number of positional arguments.
func wantArgs(pos []string, n int, what string) error {
	if len(pos) != n {
		return inputerr.New("%s: want %d argument(s), got %d", what, n, len(pos))
	}
	return nil
}

// localDays reads --from and --to, inclusive local dates YYYY-MM-DD, as the
// instants [start of from, end of to). An empty flag gives the zero time.
func localDays(what, from, to string, loc *time.Location) (start, end time.Time, err error) {
	if from != "" {
		if start, err = time.ParseInLocation(database.DateFormat, from, loc); err != nil {
			return start, end, inputerr.New("%s: --from: %q is not a date YYYY-MM-DD", what, from)
		}
	}
	if to != "" {
		if end, err = time.ParseInLocation(database.DateFormat, to, loc); err != nil {
			return start, end, inputerr.New("%s: --to: %q is not a date YYYY-MM-DD", what, to)
		}
		end = end.AddDate(0, 0, 1) // the whole last day
	}
	if from != "" && to != "" && !start.Before(end) {
		return start, end, inputerr.New("%s: --to %s is before --from %s", what, to, from)
	}
	return start, end, nil
}
