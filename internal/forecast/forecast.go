package forecast

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"loa/internal/assembly"
	"loa/internal/queue"
	"loa/internal/schedule"
)

// Queue is what a forecast reads of the script queue (*queue.Queue).
type Queue interface {
	Approved(ctx context.Context) ([]queue.Script, error)
}

// Log is what a forecast reads of the airtime log (*airlog.Log).
type Log interface {
	TopicAirtime(ctx context.Context, from, to time.Time, includeSimulated bool) (map[string]float64, error)
}

// Start is the station at an instant: where a forecast begins.
type Start struct {
	At time.Time
	// Scripts are the approved scripts with their real plays and last
	// airing (queue.Approved).
	Scripts []queue.Script
	// TopicAirtime is the seconds aired by topic in the half-year of At
	// (station zone) before At; nil: none.
	TopicAirtime map[string]float64
	// Location is the station zone, in whose dates a script's air window
	// is read (as the queue's air check reads it); nil: the programme's.
	Location *time.Location
}

// Load reads the station at instant at: approved scripts and the real
// topic airtime of at's half-year (loc: the station zone) before at.
func Load(ctx context.Context, q Queue, log Log, at time.Time, loc *time.Location) (Start, error) {
	scripts, err := q.Approved(ctx)
	if err != nil {
		return Start{}, fmt.Errorf("forecast: read the queue: %w", err)
	}
	half, _ := assembly.HalfYear(at.In(loc))
	air, err := log.TopicAirtime(ctx, half, at, false)
	if err != nil {
		return Start{}, fmt.Errorf("forecast: read topic airtime: %w", err)
	}
	return Start{At: at, Scripts: scripts, TopicAirtime: air, Location: loc}, nil
}

// Input is what a run at at is assembled from when the station is st (the
// daemon: Load at the run's time, then this).
func (st Start) Input(at time.Time) assembly.Input {
	return assembly.Input{At: at, Candidates: st.Scripts, TopicAirtime: st.TopicAirtime, Location: st.Location}
}

// Options is how runs are forecast.
type Options struct {
	Programmes []*schedule.Programme
	// Location is the station zone: topic airtime is balanced over its
	// half-years, as in the report. Nil: time.Local.
	Location *time.Location
	// Lead is playout.lead: the daemon assembles a run this long before
	// air, so what ends later is not yet in the log it reads.
	Lead time.Duration
}

// Run is one forecast programme run.
type Run struct {
	Output string        // output spec of the programme
	Plan   assembly.Plan // what it airs; Items empty when nothing
}

// ErrUnbounded is returned by Runs given neither an end nor a limit.
var ErrUnbounded = errors.New("forecast: runs need an end time or a limit")

// Runs forecasts the runs scheduled from st.At (inclusive) up to to
// (exclusive; zero: open), at most limit of them (0: no limit). Runs at one
// instant come in programme-name order.
func Runs(ctx context.Context, opt Options, st Start, to time.Time, limit int) ([]Run, error) {
	if to.IsZero() && limit <= 0 {
		return nil, ErrUnbounded
	}
	f := newWalk(opt, st)
	var out []Run
	for _, r := range schedule.Upcoming(opt.Programmes, st.At, to, limit) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, f.run(r.Prog, r.At))
	}
	return out, nil
}

// Between forecasts from st.At and returns the runs from from (inclusive)
// up to to (exclusive; zero: open), at most limit of them (0: no limit):
// the calendar's week or month, or the next runs after an instant, with
// what airs between st.At and from carried into them. Runs before st.At
// are not forecast (they are in the airtime log).
func Between(ctx context.Context, opt Options, st Start, from, to time.Time, limit int) ([]Run, error) {
	if to.IsZero() && limit <= 0 {
		return nil, ErrUnbounded
	}
	if limit > 0 && from.After(st.At) {
		limit += len(schedule.Upcoming(opt.Programmes, st.At, from, 0)) // the runs walked before the window
	}
	all, err := Runs(ctx, opt, st, to, limit)
	if err != nil {
		return nil, err
	}
	i := 0
	for i < len(all) && all[i].Plan.At.Before(from) {
		i++
	}
	return all[i:], nil
}

// walk carries the state from run to run.
type walk struct {
	opt     Options
	scripts []queue.Script
	byID    map[int64]int
	halves  map[int64]map[string]float64 // half-year start (Unix) → topic seconds
	pending []aired                      // aired, not yet visible to the next assembly
}

// aired is one script item of a forecast run.
type aired struct {
	id         int64
	topic      string
	start, end time.Time
	seconds    float64
}

func newWalk(opt Options, st Start) *walk {
	if opt.Location == nil {
		opt.Location = time.Local
	}
	w := &walk{opt: opt, scripts: append([]queue.Script(nil), st.Scripts...), byID: map[int64]int{},
		halves: map[int64]map[string]float64{}}
	for i, s := range w.scripts {
		w.byID[s.ID] = i
	}
	w.half(st.At) // the seed belongs to the start's half-year
	maps.Copy(w.halves[w.halfKey(st.At)], st.TopicAirtime)
	return w
}

func (w *walk) halfKey(t time.Time) int64 {
	from, _ := assembly.HalfYear(t.In(w.opt.Location))
	return from.Unix()
}

// half returns the topic airtime of t's half-year, made empty the first time.
func (w *walk) half(t time.Time) map[string]float64 {
	k := w.halfKey(t)
	m, ok := w.halves[k]
	if !ok {
		m = map[string]float64{}
		w.halves[k] = m
	}
	return m
}

// run assembles the run of p at at and records what it airs.
func (w *walk) run(p *schedule.Programme, at time.Time) Run {
	w.settle(at.Add(-w.opt.Lead))
	plan := assembly.Assemble(p, assembly.Input{At: at, Candidates: w.scripts, TopicAirtime: w.half(at), Location: w.opt.Location})
	for _, it := range plan.Items {
		if it.Kind != assembly.KindScript {
			continue
		}
		start := at.Add(seconds(it.OffsetS))
		w.pending = append(w.pending, aired{id: it.ScriptID, topic: it.Topic, start: start,
			end: start.Add(seconds(it.Seconds)), seconds: it.Seconds})
	}
	return Run{Output: p.Output, Plan: plan}
}

// settle applies what has ended by t, as the airtime log would show it:
// plays, last airing (the item's start) and topic airtime of the half-year
// the item started in.
func (w *walk) settle(t time.Time) {
	keep := w.pending[:0]
	for _, a := range w.pending {
		if a.end.After(t) {
			keep = append(keep, a)
			continue
		}
		s := &w.scripts[w.byID[a.id]]
		s.Plays++
		if a.start.After(s.LastPlayed.Time) {
			s.LastPlayed = queue.JSONTime{Time: a.start}
		}
		w.half(a.start)[a.topic] += a.seconds
	}
	w.pending = keep
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
