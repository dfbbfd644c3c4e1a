package station

import (
	"context"
	"time"

	"loa/internal/assembly"
	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/taxonomy"
	"loa/internal/users"
)

// TopicCoverage is the airtime of one plan topic in a period.
type TopicCoverage struct {
	Topic   string  `json:"topic"`
	Label   string  `json:"label"`
	Item    string  `json:"item"` // the plan's item letter
	Seconds float64 `json:"seconds"`
	Percent float64 `json:"percent"` // of the largest topic, for a bar chart
}

func coverage(sec map[string]float64) []TopicCoverage {
	out := make([]TopicCoverage, 0, len(taxonomy.Topics()))
	var max float64
	for _, t := range taxonomy.Topics() {
		max = maxf(max, sec[t.Code])
	}
	for _, t := range taxonomy.Topics() {
		c := TopicCoverage{Topic: t.Code, Label: t.Label, Item: t.Item, Seconds: database.Round3(sec[t.Code])}
		if max > 0 {
			c.Percent = 100 * sec[t.Code] / max
		}
		out = append(out, c)
	}
	return out
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

// Coverage is what aired of each of the seven plan topics in [from, to),
// from the airtime log.
func (s *Station) Coverage(ctx context.Context, a Actor, from, to time.Time) ([]TopicCoverage, error) {
	if err := a.can(users.View, "coverage"); err != nil {
		return nil, err
	}
	sec, err := s.Log.TopicAirtime(ctx, from, to, false)
	if err != nil {
		return nil, err
	}
	return coverage(sec), nil
}

// HalfYear is the plan half-year containing t (its start and end).
func (s *Station) HalfYear(t time.Time) (from, to time.Time) {
	from, to = assembly.HalfYear(t.In(s.Location()))
	return from, to
}

// SimulatedCoverage is what the schedules would air of each topic in
// [from, to), by the one forecaster from the station as it is now.
func (s *Station) SimulatedCoverage(ctx context.Context, a Actor, from, to time.Time) ([]TopicCoverage, int, error) {
	if !from.Before(to) || to.Sub(from) > 366*24*time.Hour {
		return nil, 0, inputerr.Field("to", "invalid", "period must be 1 day to 1 year")
	}
	runs, err := s.Forecast(ctx, a, from, to, 0)
	if err != nil {
		return nil, 0, err
	}
	sec := map[string]float64{}
	for _, r := range runs {
		for _, it := range r.Items {
			sec[it.Topic] += it.Seconds
		}
	}
	return coverage(sec), len(runs), nil
}
