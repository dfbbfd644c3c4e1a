// Package simulate runs the station's schedules over a period on a virtual
// clock, instantly: the runs are forecast (internal/forecast, the one
// forecaster, which carries plays, last-played dates and topic airtime from
// run to run as the daemon would see them), lengths come from the scripts'
// metadata. The result is what would air and the airtime by topic per
// month and per half-year — the operator's check that the year's plan will
// be covered. Record writes it into the airtime log as simulated runs.
package simulate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/forecast"
	"loa/internal/inputerr"
	"loa/internal/queue"
	"loa/internal/schedule"
)

// Options is what a simulation runs on.
type Options struct {
	Programmes []*schedule.Programme
	Scripts    []queue.Script // approved scripts (queue.Approved), with their real plays
	From, To   time.Time      // runs scheduled in [From, To)
	Location   *time.Location // station zone: months and half-years are local
	// TopicAirtime is airtime by topic already in the half-year of From,
	// before From (from the real log); nil: none.
	TopicAirtime map[string]float64
	// Lead is playout.lead (see forecast.Options).
	Lead time.Duration
}

// Run is one simulated programme run.
type Run = forecast.Run

// Bucket is airtime in one month ("2027-01") or half-year ("2027-H1"),
// local: runs count where they are scheduled, scripts where they start.
type Bucket struct {
	Key       string
	From, To  time.Time
	Runs      int                // programme runs scheduled
	NoScripts int                // runs that aired no script (nothing, or only filler)
	Scripts   int                // script items aired
	Seconds   float64            // script seconds
	AirS      float64            // everything aired, jingles and filler included
	ByTopic   map[string]float64 // script seconds by topic code
	Distinct  int                // distinct scripts aired
	ids       map[int64]bool
}

// Result is a whole simulation.
type Result struct {
	From, To time.Time
	Runs     []Run
	Months   []*Bucket
	Halves   []*Bucket
}

// Simulate runs opt.Programmes over [From, To). Runs at the same instant
// go in programme-name order.
func Simulate(ctx context.Context, opt Options) (*Result, error) {
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if !opt.From.Before(opt.To) {
		return nil, inputerr.New("simulate: --to must be after --from")
	}
	runs, err := forecast.Runs(ctx, forecast.Options{Programmes: opt.Programmes, Location: opt.Location, Lead: opt.Lead},
		forecast.Start{At: opt.From, Scripts: opt.Scripts, TopicAirtime: opt.TopicAirtime}, opt.To, 0)
	if err != nil {
		return nil, err
	}
	res := &Result{From: opt.From, To: opt.To, Runs: runs}
	months := map[string]*Bucket{}
	halves := map[string]*Bucket{}
	halfOf := func(local time.Time) *Bucket {
		from, to := assembly.HalfYear(local)
		n := 1
		if from.Month() != time.January {
			n = 2
		}
		return bucket(halves, &res.Halves, fmt.Sprintf("%d-H%d", from.Year(), n), from, to)
	}
	monthOf := func(local time.Time) *Bucket {
		from := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, opt.Location)
		return bucket(months, &res.Months, from.Format("2006-01"), from, from.AddDate(0, 1, 0))
	}
	for _, run := range runs {
		plan := run.Plan
		local := plan.At.In(opt.Location)
		for _, b := range []*Bucket{monthOf(local), halfOf(local)} {
			b.Runs++
			if !plan.HasScripts() {
				b.NoScripts++
			}
			b.AirS += plan.FillS
		}
		for _, it := range plan.Items {
			if it.Kind != assembly.KindScript {
				continue
			}
			// A script counts in the month and half-year it starts in (a run
			// may cross midnight into the next), as the report counts the
			// airtime log.
			start := plan.At.Add(seconds(it.OffsetS)).In(opt.Location)
			for _, b := range []*Bucket{monthOf(start), halfOf(start)} {
				b.Scripts++
				b.Seconds += it.Seconds
				b.ByTopic[it.Topic] += it.Seconds
				b.ids[it.ScriptID] = true
				b.Distinct = len(b.ids)
			}
		}
	}
	return res, nil
}

// bucket returns the bucket of key, making it the first time.
func bucket(m map[string]*Bucket, list *[]*Bucket, key string, from, to time.Time) *Bucket {
	if b, ok := m[key]; ok {
		return b
	}
	b := &Bucket{Key: key, From: from, To: to, ByTopic: map[string]float64{}, ids: map[int64]bool{}}
	m[key] = b
	*list = append(*list, b)
	return b
}

// ErrRealBroadcasts is returned by Record when the log already holds real
// broadcasts: simulated runs must not mix into the station's record.
var ErrRealBroadcasts = errors.New("the airtime log already holds real broadcasts; simulate --record needs a data dir without them")

// Record writes every run into the airtime log as simulated (air_runs and
// air_items with simulated = 1): a run with items completed, started at
// its scheduled second, items back to back with the programme's gaps; a run
// with nothing to air, empty with the reason. It refuses when the log holds
// real broadcasts, or already holds a simulated run of the period.
func Record(ctx context.Context, log *airlog.Log, res *Result) error {
	real, err := log.HasReal(ctx)
	if err != nil {
		return err
	}
	if real {
		return inputerr.Wrap(ErrRealBroadcasts)
	}
	// Checked first so that a second recording of a period writes nothing
	// rather than stopping half-way at the first duplicate.
	prev, err := log.Runs(ctx, airlog.Filter{From: res.From, To: res.To})
	if err != nil {
		return err
	}
	if len(prev) > 0 {
		return inputerr.New("simulate --record: the log already holds %d simulated run(s) in this period (first: %s at %s)",
			len(prev), prev[0].Programme, prev[0].ScheduledAt.Format(time.RFC3339))
	}
	recs := make([]airlog.RunRecord, 0, len(res.Runs))
	for _, r := range res.Runs {
		p := r.Plan
		rec := airlog.RunRecord{
			RunSpec:   airlog.RunSpec{Programme: p.Programme, Title: p.Title, Output: r.Output, ScheduledAt: p.At, Simulated: true},
			StartedAt: p.At,
			EndedAt:   p.At.Add(seconds(p.FillS)),
			Status:    airlog.RunCompleted,
		}
		if len(p.Items) == 0 {
			rec.Status, rec.StartedAt, rec.EndedAt = airlog.RunEmpty, time.Time{}, time.Time{}
		}
		rec.Reason = p.ProblemText()
		for i, it := range p.Items {
			start := p.At.Add(seconds(it.OffsetS))
			rec.Items = append(rec.Items, airlog.ItemRecord{
				ItemSpec: airlog.ItemSpec{Position: i, Kind: it.Kind, ScriptID: it.ScriptID, Title: it.Title, Topic: it.Topic,
					Area: it.Area, Audience: it.Audience, SHA256: it.SHA256, ScheduledAt: start, StartedAt: start},
				EndedAt: start.Add(seconds(it.Seconds)),
				Seconds: it.Seconds,
				Status:  airlog.ItemAired,
			})
		}
		recs = append(recs, rec)
	}
	// One transaction: a failure half-way writes nothing, rather than
	// leaving part of the period that a new recording would then refuse.
	if _, err := log.RecordRuns(ctx, recs); err != nil {
		if errors.Is(err, airlog.ErrDuplicate) {
			return inputerr.New("simulate --record: %v (already recorded by an earlier simulation)", err)
		}
		return fmt.Errorf("simulate --record: %w", err)
	}
	return nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
