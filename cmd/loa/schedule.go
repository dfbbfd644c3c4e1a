package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"loa/internal/assembly"
	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/report"
	"loa/internal/schedule"
	"loa/internal/station"
)

func (e *Env) runSchedule(ctx context.Context, args []string) error {
	const usage = "schedule: want a subcommand: check, next (see 'loa schedule check --help')"
	if len(args) == 0 {
		return inputerr.New(usage)
	}
	switch args[0] {
	case "check":
		return e.scheduleCheck(ctx, args[1:])
	case "next":
		return e.scheduleNext(ctx, args[1:])
	}
	return inputerr.New("schedule: unknown subcommand %q; %s", args[0], usage[len("schedule: "):])
}

// LoadSchedules loads and checks dir (see schedulesFlag) the way the daemon
// must before it starts: any problem is an input error.
func (e *Env) LoadSchedules(ctx context.Context, dir string, now time.Time) ([]*schedule.Programme, error) {
	cfg, err := e.Config()
	if err != nil {
		return nil, err
	}
	return schedule.LoadValid(ctx, dir, station.ScheduleOptions(cfg), now)
}

// schedulesFlag is the --schedules directory, or playout.schedules.
func (e *Env) schedulesFlag(fsDir *string) (string, error) {
	if *fsDir != "" {
		return *fsDir, nil
	}
	cfg, err := e.Config()
	if err != nil {
		return "", err
	}
	return cfg.Playout.Schedules, nil
}

func (e *Env) scheduleCheck(ctx context.Context, args []string) error {
	fs := e.newFlagSet("schedule check", "loa schedule check [--schedules DIR]")
	dirFlag := fs.String("schedules", "", "directory of programme files (default: config playout.schedules)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "schedule check"); err != nil {
		return err
	}
	dir, err := e.schedulesFlag(dirFlag)
	if err != nil {
		return err
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	progs, probs, err := schedule.Load(ctx, dir, station.ScheduleOptions(cfg))
	if err != nil {
		return err
	}
	now := time.Now()
	probs = append(probs, schedule.Check(progs, now, schedule.Horizon)...)
	for _, p := range probs {
		fmt.Fprintln(e.Stdout, p.Error())
	}
	if len(probs) > 0 {
		return inputerr.New("schedule check: %d problem(s) in %s", len(probs), dir)
	}
	for _, p := range progs {
		next := p.Schedule.Next(now)
		when := "không còn lượt phát nào" // the active range is over
		if !next.IsZero() {
			when = "lượt tới " + localTime(next.In(p.Location))
		}
		fmt.Fprintf(e.Stdout, "ok  %-18s %s, %s, %s — %s\n", p.Name, p.When(), report.Clock(p.Length.Seconds()), when, p.Title)
	}
	return nil
}

var weekdaysVI = [...]string{"CN", "T2", "T3", "T4", "T5", "T6", "T7"}

// localTime renders an instant for people: "T6 27/11/2026 17:00 (+07)".
func localTime(t time.Time) string {
	return weekdaysVI[t.Weekday()] + " " + t.Format(database.ShowDate+" "+database.ShowMinute) + " (" + t.Format("-07") + ")"
}

// parseInstant reads RFC 3339 or a local "YYYY-MM-DD HH:MM" / "YYYY-MM-DD".
func parseInstant(s string, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// writePlan prints one planned run for people.
func writePlan(w io.Writer, p assembly.Plan, withItems bool) {
	pct := 0.0
	if p.LengthS > 0 {
		pct = 100 * p.FillS / p.LengthS
	}
	nScripts := 0
	for _, it := range p.Items {
		if it.Kind == assembly.KindScript {
			nScripts++
		}
	}
	fmt.Fprintf(w, "%s  %s — %s\n", localTime(p.At), p.Programme, p.Title)
	fmt.Fprintf(w, "    đầy %s / %s (%.0f%%), %d bài, %s lời\n", report.Clock(p.FillS), report.Clock(p.LengthS), pct, nScripts, report.Clock(p.ScriptS))
	if withItems {
		for i := 0; i < len(p.Items); i++ {
			it := p.Items[i]
			switch it.Kind {
			case assembly.KindScript:
				fmt.Fprintf(w, "    %s  #%-4d %-14s %s\n", report.Clock(it.Seconds), it.ScriptID, it.Topic, it.Title)
			case assembly.KindFiller: // repeated copies on one line
				n := 1
				for i+1 < len(p.Items) && p.Items[i+1].Kind == assembly.KindFiller {
					i++
					n++
				}
				fmt.Fprintf(w, "    %s  %-20s %s × %d\n", report.Clock(it.Seconds*float64(n)), "", it.Title, n)
			default:
				fmt.Fprintf(w, "    %s  %-20s %s\n", report.Clock(it.Seconds), "", it.Title)
			}
		}
	}
	for _, pr := range p.Problems {
		fmt.Fprintf(w, "    ! %s\n", pr.Vietnamese())
	}
}

func (e *Env) scheduleNext(ctx context.Context, args []string) error {
	fs := e.newFlagSet("schedule next", "loa schedule next [--schedules DIR] [--count N] [--json] [--from TIME]")
	dirFlag := fs.String("schedules", "", "directory of programme files (default: config playout.schedules)")
	count := fs.Int("count", 10, "how many runs to list")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	fromFlag := fs.String("from", "", "forecast from this instant, as if the station started there with its queue and log as they are (as simulate --from does): RFC 3339, or local \"YYYY-MM-DD HH:MM\"; default now")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "schedule next"); err != nil {
		return err
	}
	if *count < 1 || *count > 1000 {
		return inputerr.New("schedule next: --count: %d is outside 1..1000", *count)
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	loc := cfg.Location()
	now := time.Now()
	if *fromFlag != "" {
		t, ok := parseInstant(*fromFlag, loc)
		if !ok {
			return inputerr.New("schedule next: --from: %q is not a time (RFC 3339 or YYYY-MM-DD HH:MM)", *fromFlag)
		}
		now = t
	}
	dir, err := e.schedulesFlag(dirFlag)
	if err != nil {
		return err
	}
	progs, err := e.LoadSchedules(ctx, dir, now)
	if err != nil {
		return err
	}
	e.readOnly = true
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	runs, err := st.Runs(ctx, station.Local(actor("")), progs, now, *count)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.Stdout)
	for _, r := range runs {
		plan := r.Plan
		if *asJSON {
			if err := enc.Encode(station.NewForecastRun(plan, r.Output)); err != nil {
				return err
			}
			continue
		}
		writePlan(e.Stdout, plan, true)
	}
	return nil
}
