package station

import (
	"context"
	"errors"
	"time"

	"loa/internal/airlog"
	"loa/internal/inputerr"
	"loa/internal/users"
)

// LogFilter selects a page of the airtime log: [From, To), programme,
// status, kind; newest first when paged.
type LogFilter struct {
	airlog.Filter
	Limit, Offset int // Limit 0: all, oldest first (a bounded period); at most airlog.MaxPage
}

// filterErr is an airlog.FilterError as an input error naming its field.
func filterErr(err error) error {
	var fe *airlog.FilterError
	if errors.As(err, &fe) {
		return inputerr.Field(fe.Field, "invalid", "%s", fe.Msg)
	}
	return err
}

func (f LogFilter) check() error {
	if f.Limit < 0 || f.Offset < 0 {
		return inputerr.Field("limit", "invalid", "limit and offset must not be negative")
	}
	if f.Limit > airlog.MaxPage {
		return inputerr.Field("limit", "invalid", "limit is at most %d", airlog.MaxPage)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return inputerr.Field("to", "before_from", "to is before from")
	}
	return nil
}

// LogItems returns items of the airtime log in the JSON shape.
func (s *Station) LogItems(ctx context.Context, a Actor, f LogFilter) (Page[LogItem], error) {
	if err := a.can(users.View, "read log"); err != nil {
		return Page[LogItem]{}, err
	}
	if err := f.check(); err != nil {
		return Page[LogItem]{}, err
	}
	if err := f.CheckItems(); err != nil {
		return Page[LogItem]{}, filterErr(err)
	}
	if f.Limit > 0 { // one page from the database, the latest first
		items, total, err := s.Log.ItemPage(ctx, f.Filter, f.Limit, f.Offset)
		if err != nil {
			return Page[LogItem]{}, err
		}
		return Page[LogItem]{Items: convert(items, s.Location(), NewLogItem), Total: total, Limit: f.Limit, Offset: f.Offset}, nil
	}
	items, err := s.Log.Items(ctx, f.Filter)
	if err != nil {
		return Page[LogItem]{}, err
	}
	p := page(items, f.Limit, f.Offset)
	return Page[LogItem]{Items: convert(p.Items, s.Location(), NewLogItem), Total: p.Total, Limit: p.Limit, Offset: p.Offset}, nil
}

// LogRuns returns programme runs in the JSON shape.
func (s *Station) LogRuns(ctx context.Context, a Actor, f LogFilter) (Page[LogRun], error) {
	if err := a.can(users.View, "read log"); err != nil {
		return Page[LogRun]{}, err
	}
	if err := f.check(); err != nil {
		return Page[LogRun]{}, err
	}
	if err := f.CheckRuns(); err != nil {
		return Page[LogRun]{}, filterErr(err)
	}
	if f.Limit > 0 {
		runs, total, err := s.Log.RunPage(ctx, f.Filter, f.Limit, f.Offset)
		if err != nil {
			return Page[LogRun]{}, err
		}
		return Page[LogRun]{Items: convert(runs, s.Location(), NewLogRun), Total: total, Limit: f.Limit, Offset: f.Offset}, nil
	}
	runs, err := s.Log.Runs(ctx, f.Filter)
	if err != nil {
		return Page[LogRun]{}, err
	}
	p := page(runs, f.Limit, f.Offset)
	return Page[LogRun]{Items: convert(p.Items, s.Location(), NewLogRun), Total: p.Total, Limit: p.Limit, Offset: p.Offset}, nil
}

func convert[T, U any](in []T, loc *time.Location, f func(T, *time.Location) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v, loc)
	}
	return out
}
