package schedule

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"loa/internal/inputerr"
)

// Horizon is how far ahead Check looks for overlapping runs.
const Horizon = 366 * 24 * time.Hour

// maxRuns bounds the runs Check walks per output, so that a programme
// firing every few seconds (a demo) does not make the check take minutes;
// any overlap of such a programme shows within its first runs.
const maxRuns = 200_000

// Check finds problems across files: two programmes with one name, and
// runs that would overlap on one output (including a programme whose slot
// is longer than the time to its own next run), over [from, from+horizon).
func Check(progs []*Programme, from time.Time, horizon time.Duration) []Problem {
	var probs []Problem
	byName := map[string]*Programme{}
	for _, p := range progs {
		if q, dup := byName[p.Name]; dup {
			probs = append(probs, Problem{File: p.File, Field: "name", Msg: fmt.Sprintf("%q is also the name in %s", p.Name, q.File)})
			continue
		}
		byName[p.Name] = p
	}
	// The daemon plays one programme at a time per sink: "alsa" and
	// "alsa+wav:DIR" share the sound card, so group by sink, not by spec.
	var sinks []string
	bySink := map[string][]*Programme{}
	for _, p := range progs {
		for _, s := range Sinks(p.Output) {
			if _, seen := bySink[s]; !seen {
				sinks = append(sinks, s)
			}
			bySink[s] = append(bySink[s], p)
		}
	}
	reported := map[[2]*Programme]bool{} // a pair sharing two sinks is reported once
	for _, s := range sinks {
		probs = append(probs, overlaps(bySink[s], s, from, from.Add(horizon), reported)...)
	}
	return probs
}

// Sinks splits an output spec into its sinks ("alsa+wav:DIR" → "alsa",
// "wav:DIR"), each once: the units the daemon gives one programme at a
// time, so that check and daemon agree on what overlaps.
func Sinks(spec string) []string {
	var out []string
	for _, part := range strings.Split(spec, "+") {
		if part = strings.TrimSpace(part); !slices.Contains(out, part) {
			out = append(out, part)
		}
	}
	return out
}

// overlaps walks the runs of progs (all on one output) in time order and
// reports each pair of programmes that overlap, once, at the first time.
func overlaps(progs []*Programme, output string, from, to time.Time, reported map[[2]*Programme]bool) []Problem {
	next := make([]time.Time, len(progs))
	for i, p := range progs {
		next[i] = p.Schedule.Next(from.Add(-time.Nanosecond))
	}
	var probs []Problem
	var busyUntil time.Time // end of the latest-ending run so far
	busyBy := -1
	var busyAt time.Time
	for n := 0; n < maxRuns; n++ {
		i := -1
		for j, t := range next {
			if !t.IsZero() && t.Before(to) && (i < 0 || t.Before(next[i])) {
				i = j
			}
		}
		if i < 0 {
			break
		}
		at := next[i]
		p := progs[i]
		if busyBy >= 0 && at.Before(busyUntil) {
			key := [2]*Programme{progs[min(i, busyBy)], progs[max(i, busyBy)]}
			if !reported[key] {
				reported[key] = true
				probs = append(probs, overlapProblem(p, progs[busyBy], busyAt, at, output))
			}
		}
		if end := at.Add(p.Length); end.After(busyUntil) {
			busyUntil, busyBy, busyAt = end, i, at
		}
		next[i] = p.Schedule.Next(at)
	}
	return probs
}

func overlapProblem(p, q *Programme, qAt, at time.Time, output string) Problem {
	field := "cron"
	if p.Monthly != "" {
		field = "monthly"
	}
	local := at.In(p.Location).Format("2006-01-02 15:04:05 -07:00")
	if p == q {
		return Problem{File: p.File, Field: "length", Msg: fmt.Sprintf("%s is longer than the time between runs (%s and %s)",
			p.Length, qAt.In(p.Location).Format("2006-01-02 15:04:05"), local)}
	}
	return Problem{File: p.File, Field: field, Msg: fmt.Sprintf("run at %s overlaps %q (%s, %s from %s) on output %q",
		local, q.Name, q.File, q.Length, qAt.In(p.Location).Format("2006-01-02 15:04:05"), output)}
}

// LoadValid loads dir and checks it from now over Horizon; any problem is
// an input error naming the first one and how many more there are. The
// daemon refuses to start (and keeps its old schedules on SIGHUP) when it
// fails.
func LoadValid(ctx context.Context, dir string, opt Options, now time.Time) ([]*Programme, error) {
	progs, probs, err := Load(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	probs = append(probs, Check(progs, now, Horizon)...)
	switch len(probs) {
	case 0:
		return progs, nil
	case 1:
		return nil, inputerr.New("invalid schedule: %v", probs[0])
	default:
		return nil, inputerr.New("invalid schedule: %v (and %d more; run 'loa schedule check')", probs[0], len(probs)-1)
	}
}
