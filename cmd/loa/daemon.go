package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"loa/internal/airlog"
	"loa/internal/audio"
	"loa/internal/control"
	"loa/internal/inputerr"
	"loa/internal/output"
	"loa/internal/playout"
	"loa/internal/schedule"
	"loa/internal/systemd"
)

// runDaemon runs the station: programmes on schedule until SIGTERM/SIGINT
// (main cancels ctx), schedules reloaded on SIGHUP. With --once NAME it
// plays that programme now and exits. Logs go to stderr (the journal under
// systemd).
func (e *Env) runDaemon(ctx context.Context, args []string) error {
	hup, stopHup := hangups(ctx) // before anything: an early SIGHUP must not kill the daemon
	defer stopHup()
	fs := e.newFlagSet("daemon", "loa daemon [--schedules DIR] [--output SPEC] [--once NAME]")
	dir := fs.String("schedules", "", "directory of programme files (default: config playout.schedules)")
	out := fs.String("output", "", "play every programme here: alsa, wav:DIR, null, null:instant, alsa+wav:DIR (default: each programme's)")
	once := fs.String("once", "", "play this programme now, then exit")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "daemon"); err != nil {
		return err
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	if *out != "" {
		// The spec as typed: PacedSpec only adds "null+", which would show
		// up in the message.
		if _, err := output.Parse(*out); err != nil {
			return inputerr.New("daemon: --output: %v", err)
		}
	}
	schedDir, err := e.schedulesFlag(dir)
	if err != nil {
		return err
	}
	load := func(ctx context.Context) ([]*schedule.Programme, error) {
		progs, err := e.LoadSchedules(ctx, schedDir, time.Now())
		if err != nil {
			return nil, err
		}
		alsaSpecs := map[string]bool{}
		for _, p := range progs {
			spec := p.Output
			if *out != "" {
				spec = *out
			}
			if _, err := output.Parse(playout.PacedSpec(spec)); err != nil {
				return nil, inputerr.New("invalid schedule: %s: output: %v", p.File, err)
			}
			for _, part := range strings.Split(spec, "+") {
				if strings.TrimSpace(part) == "alsa" {
					alsaSpecs[spec] = true
				}
			}
		}
		if len(alsaSpecs) > 1 {
			// Each spec opens its own sound device context, and ALSA
			// through oto allows one per process: only the first works.
			e.Logger.Warn("programmes use the sound card through different output specs; only one can open it — give them the same output",
				"specs", fmt.Sprint(slices.Sorted(maps.Keys(alsaSpecs))))
		}
		return progs, nil
	}
	// Refuse to start on invalid schedules before touching anything.
	progs, err := load(ctx)
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	if *once != "" && !slices.ContainsFunc(progs, func(p *schedule.Programme) bool { return p.Name == *once }) {
		return inputerr.New("daemon: --once: no programme named %q in %s", *once, schedDir)
	}

	lock, lastAlive, err := playout.AcquireLock(e.DataDir)
	if errors.Is(err, playout.ErrLocked) {
		pid, _ := os.ReadFile(filepath.Join(e.DataDir, playout.LockFile))
		return fmt.Errorf("daemon: %w (pid %s)", err, strings.TrimSpace(string(pid)))
	}
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	defer lock.Release()

	// Every output the programmes use is opened now (after the lock: the
	// card may be held by the daemon that has it): a station without its
	// sound card refuses to start rather than miss 17:00.
	air := &playout.AudioAir{Audio: cfg.Audio}
	checked := map[string]bool{}
	for _, p := range progs {
		spec := p.Output
		if *out != "" {
			spec = *out
		}
		if checked[spec] || (*once != "" && p.Name != *once) {
			continue
		}
		checked[spec] = true
		if err := air.CheckOutput(spec); err != nil {
			return fmt.Errorf("daemon: cannot open output %q: %v; to record the programmes instead, run with --output wav:DIR", spec, err)
		}
	}

	e.createData = true // a new station starts with its daemon
	e.upgrade = true    // and an older one is upgraded by it, at start
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	alog := airlog.New(st.DB)
	air.Check = st.Queue
	d := playout.New(playout.Options{
		Load:      load,
		Planner:   playout.StorePlanner{Queue: st.Queue, Log: alog, Location: cfg.Location()},
		Air:       air,
		Log:       alog,
		Logger:    e.Logger,
		Location:  cfg.Location(),
		Output:    *out,
		Lead:      cfg.Playout.Lead.D(),
		Grace:     cfg.Playout.Grace.D(),
		Overlap:   cfg.Playout.Overlap,
		LastAlive: lastAlive,
		Heartbeat: lock.Touch,
		// Urgent announcements (loa announce) come over the control socket.
		Announcements: playout.StoreAudio{Store: st.Content, Audio: audio.OptionsFromConfig(cfg.Audio, 0)},
		Announce:      cfg.Announce,
		Started: func() {
			// systemd (Type=notify): ready, then the watchdog while the
			// airtime log can be read.
			(&systemd.Notifier{Log: e.Logger}).Ready(ctx, alog.Check)
		},
	})

	// The control socket: loa announce, loa status, the web console (which
	// shows what is on air from it, --once included).
	ln, err := control.Listen(e.DataDir)
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	go func() {
		if err := control.Serve(serveCtx, ln, d, e.Logger); err != nil {
			e.Logger.Error("control socket", "err", err)
		}
	}()

	if *once != "" {
		res, err := d.Once(ctx, *once)
		if err != nil {
			return fmt.Errorf("daemon --once: %w", err)
		}
		e.Logger.Info("once: run ended", "programme", *once, "run", res.RunID, "status", res.Status,
			"start_error_ms", res.StartErrorMS, "reason", res.Reason)
		if res.Status == airlog.RunMissed || res.Status == "" {
			return fmt.Errorf("daemon --once: %s did not air: %s", *once, res.Reason)
		}
		return nil
	}

	reload := make(chan struct{})
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				e.Logger.Info("SIGHUP: reloading schedules")
				select {
				case reload <- struct{}{}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	if err := d.Run(ctx, reload); err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	return nil
}
