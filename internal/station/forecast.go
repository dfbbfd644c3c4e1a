package station

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"loa/internal/assembly"
	"loa/internal/audio"
	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/forecast"
	"loa/internal/inputerr"
	"loa/internal/output"
	"loa/internal/schedule"
	"loa/internal/users"
)

// programmes caches the loaded programme files: loading measures every
// jingle, too slow for each page view. It reloads when a file in the
// directory changes (or after a minute, for clips changed in place).
type programmes struct {
	mu     sync.Mutex
	dir    string
	stamp  string
	loaded time.Time
	progs  []*schedule.Programme
}

// MeasureClip is the exact length of an audio file, decoded whole.
func MeasureClip(ctx context.Context, path string) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := audio.Analyze(ctx, f)
	if err != nil {
		return 0, err
	}
	return info.Seconds(), nil
}

// ScheduleOptions are the station defaults for programme files, as the
// daemon loads them: clips measured by decoding, and an output spec the
// daemon would refuse is a problem of the file.
func ScheduleOptions(cfg *config.Config) schedule.Options {
	opt := schedule.OptionsFrom(cfg, MeasureClip)
	opt.CheckOutput = func(spec string) error { _, err := output.Parse(spec); return err }
	return opt
}

// dirStamp summarises the names, sizes and times of the files in dir.
func dirStamp(dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "error: " + err.Error()
	}
	var b []byte
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil {
			continue
		}
		b = append(b, e.Name()...)
		b = append(b, fi.ModTime().String()...)
		b = append(b, byte(fi.Size()))
	}
	return string(b)
}

// Programmes loads the station's programme files (the schedules directory
// given at Open, else playout.schedules) as the daemon does; a problem is an
// input error naming it.
func (s *Station) Programmes(ctx context.Context, now time.Time) ([]*schedule.Programme, error) {
	p := &s.progs
	p.mu.Lock()
	defer p.mu.Unlock()
	stamp := dirStamp(p.dir)
	if p.progs != nil && stamp == p.stamp && time.Since(p.loaded) < time.Minute {
		return p.progs, nil
	}
	progs, err := schedule.LoadValid(ctx, p.dir, ScheduleOptions(s.Config), now)
	if err != nil {
		return nil, err
	}
	p.progs, p.stamp, p.loaded = progs, stamp, time.Now()
	return progs, nil
}

// forecasts caches recent forecasts: the dashboard, the calendar and the
// API ask for the same runs again and again, and a forecast reads every
// approved script and the half-year's airtime. An entry holds while no
// script changed through this station and for at most forecastTTL (the
// daemon, another process, changes play counts as it airs).
type forecasts struct {
	mu      sync.Mutex
	gen     uint64 // bumped by every script write
	entries map[string]forecastEntry
}

type forecastEntry struct {
	gen  uint64
	from time.Time // the instant it was forecast from
	made time.Time
	runs []Planned
}

const forecastTTL = 30 * time.Second

func (f *forecasts) changed() {
	f.mu.Lock()
	f.gen++
	f.entries = nil
	f.mu.Unlock()
}

func (f *forecasts) get(key string, from time.Time) ([]Planned, uint64, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.entries[key]
	if !ok || e.gen != f.gen || time.Since(e.made) >= forecastTTL || from.Before(e.from) || from.Sub(e.from) >= forecastTTL {
		return nil, f.gen, false
	}
	return e.runs, f.gen, true
}

func (f *forecasts) put(key string, gen uint64, from time.Time, runs []Planned) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if gen != f.gen {
		return // a script changed while this was computed
	}
	if f.entries == nil || len(f.entries) > 64 {
		f.entries = map[string]forecastEntry{}
	}
	f.entries[key] = forecastEntry{gen: gen, from: from, made: time.Now(), runs: runs}
}

// Forecast is what the coming runs will air, from the one forecaster: runs
// in [from, to), at most count (count 0: all in the range). A forecast is
// reused for up to 30 s unless a script changes through this station.
func (s *Station) Forecast(ctx context.Context, a Actor, from, to time.Time, count int) ([]Planned, error) {
	if err := a.can(users.View, "forecast"); err != nil {
		return nil, err
	}
	if count < 0 || count > 1000 {
		return nil, inputerr.Field("count", "invalid", "count %d is outside 0..1000", count)
	}
	if to.IsZero() && count == 0 {
		count = 10
	}
	// A forecast from a few seconds later is the same one without the runs
	// that began meanwhile: two spare runs cover those.
	key := fmt.Sprint(to.Unix(), count)
	runs, gen, ok := s.forecasts.get(key, from)
	if !ok {
		spare := count
		if count > 0 {
			spare = count + 2
		}
		var err error
		if runs, err = s.forecast(ctx, from, to, spare); err != nil {
			return nil, err
		}
		s.forecasts.put(key, gen, from, runs)
	}
	out := make([]Planned, 0, len(runs))
	for _, r := range runs {
		if !r.At.T.Before(from) && (count == 0 || len(out) < count) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *Station) forecast(ctx context.Context, from, to time.Time, count int) ([]Planned, error) {
	progs, err := s.Programmes(ctx, from)
	if err != nil {
		return nil, err
	}
	loc := s.Location()
	// The forecast starts from the station as it is now, so that a later
	// window (next week's calendar) carries what airs before it.
	origin := from
	if now := s.now(); now.Before(from) {
		origin = now
	}
	start, err := forecast.Load(ctx, s.Queue, s.Log, origin, loc)
	if err != nil {
		return nil, err
	}
	opt := forecast.Options{Programmes: progs, Location: loc, Lead: s.Config.Playout.Lead.D()}
	runs, err := forecast.Between(ctx, opt, start, from, to, count)
	if err != nil {
		return nil, err
	}
	out := make([]Planned, len(runs))
	for i, r := range runs {
		out[i] = NewPlanned(r.Plan, loc)
	}
	return out, nil
}

// Runs is the forecast of the next count runs of progs (programme files
// loaded by the caller, not necessarily the station's) from the instant
// from, with the queue and the airtime log as they are: schedule next.
func (s *Station) Runs(ctx context.Context, a Actor, progs []*schedule.Programme, from time.Time, count int) ([]forecast.Run, error) {
	if err := a.can(users.View, "forecast"); err != nil {
		return nil, err
	}
	loc := s.Location()
	start, err := forecast.Load(ctx, s.Queue, s.Log, from, loc)
	if err != nil {
		return nil, err
	}
	return forecast.Runs(ctx, forecast.Options{Programmes: progs, Location: loc, Lead: s.Config.Playout.Lead.D()}, start, time.Time{}, count)
}

// NewPlanned is the JSON shape of a plan: its scripts, and its problems in
// Vietnamese.
func NewPlanned(p assembly.Plan, loc *time.Location) Planned {
	out := Planned{Programme: p.Programme, Title: p.Title, At: Time{p.At, loc}, LengthS: database.Round3(p.LengthS),
		FillS: database.Round3(p.FillS), Items: []PlannedItem{}, Problems: p.ProblemText()}
	for _, it := range p.Items {
		if it.Kind == assembly.KindScript {
			out.Items = append(out.Items, PlannedItem{ScriptID: it.ScriptID, Title: it.Title, Topic: it.Topic, Seconds: database.Round3(it.Seconds)})
		}
	}
	return out
}
