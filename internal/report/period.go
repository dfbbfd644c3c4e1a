package report

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"loa/internal/database"
	"loa/internal/inputerr"
)

// Kind is the kind of reporting period; it decides the title's wording.
type Kind int

// Period kinds.
const (
	KindRange   Kind = iota // --from/--to
	KindYear                // 2023
	KindHalf                // 2023-H1, 2023-H2
	KindQuarter             // 2023-Q1..Q4
	KindMonth               // 2023-06
)

// Period is a span of whole local days, [Start, End) as instants. From and
// To are the inclusive local dates.
type Period struct {
	Kind  Kind
	Spec  string // "2023-H1", or "2023-03-01_2023-03-15" for a range
	Year  int
	N     int // half 1–2, quarter 1–4 or month 1–12
	From  string
	To    string
	Start time.Time
	End   time.Time
	loc   *time.Location
}

var (
	reYear    = regexp.MustCompile(`^(\d{4})$`)
	reHalf    = regexp.MustCompile(`^(\d{4})-[Hh]([12])$`)
	reQuarter = regexp.MustCompile(`^(\d{4})-[Qq]([1-4])$`)
	reMonth   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
)

// ParsePeriod reads a period spec: 2023, 2023-H1, 2023-H2, 2023-Q1..Q4 or
// 2023-06, in the station's zone loc.
func ParsePeriod(spec string, loc *time.Location) (Period, error) {
	var (
		kind       Kind
		y, n       int
		first, cnt int // first month, number of months
	)
	atoi := func(s string) int { v, _ := strconv.Atoi(s); return v }
	switch {
	case reYear.MatchString(spec):
		kind, y, first, cnt = KindYear, atoi(spec), 1, 12
	case reHalf.MatchString(spec):
		m := reHalf.FindStringSubmatch(spec)
		kind, y, n = KindHalf, atoi(m[1]), atoi(m[2])
		first, cnt = 6*(n-1)+1, 6
	case reQuarter.MatchString(spec):
		m := reQuarter.FindStringSubmatch(spec)
		kind, y, n = KindQuarter, atoi(m[1]), atoi(m[2])
		first, cnt = 3*(n-1)+1, 3
	case reMonth.MatchString(spec):
		m := reMonth.FindStringSubmatch(spec)
		kind, y, n = KindMonth, atoi(m[1]), atoi(m[2])
		if n < 1 || n > 12 {
			return Period{}, inputerr.New("--period %q: no month %d (use 01–12)", spec, n)
		}
		first, cnt = n, 1
	default:
		return Period{}, inputerr.New("--period %q: want YYYY, YYYY-H1, YYYY-H2, YYYY-Q1..Q4 or YYYY-MM", spec)
	}
	if y < 2000 || y > 2999 {
		return Period{}, inputerr.New("--period %q: year %d out of range 2000–2999", spec, y)
	}
	start := time.Date(y, time.Month(first), 1, 0, 0, 0, 0, loc)
	end := start.AddDate(0, cnt, 0)
	p := Period{Kind: kind, Year: y, N: n, Start: start, End: end, loc: loc}
	p.From = start.Format(database.DateFormat)
	p.To = end.AddDate(0, 0, -1).Format(database.DateFormat)
	p.Spec = spec
	if kind == KindHalf {
		p.Spec = fmt.Sprintf("%d-H%d", y, n)
	} else if kind == KindQuarter {
		p.Spec = fmt.Sprintf("%d-Q%d", y, n)
	}
	return p, nil
}

// ParseRange reads inclusive local dates from and to (YYYY-MM-DD).
func ParseRange(from, to string, loc *time.Location) (Period, error) {
	f, err := time.ParseInLocation(database.DateFormat, from, loc)
	if err != nil {
		return Period{}, inputerr.New("--from %q: want a date YYYY-MM-DD", from)
	}
	t, err := time.ParseInLocation(database.DateFormat, to, loc)
	if err != nil {
		return Period{}, inputerr.New("--to %q: want a date YYYY-MM-DD", to)
	}
	if t.Before(f) {
		return Period{}, inputerr.New("--to %s is before --from %s", to, from)
	}
	if f.Year() < 2000 || t.Year() > 2999 {
		return Period{}, inputerr.New("--from/--to: years must be within 2000–2999")
	}
	end := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
	return Period{
		Kind: KindRange, Spec: from + "_" + to, Year: f.Year(),
		From: from, To: to, Start: f, End: end, loc: loc,
	}, nil
}

// month is one local calendar month (or the part of it inside the period).
type month struct {
	Key        string // "2023-06"
	Start, End time.Time
}

// months splits the period at local month boundaries, so that each bucket's
// UTC bounds are computed in Go and the database only does range scans.
func (p Period) months() []month {
	var out []month
	for s := p.Start; s.Before(p.End); {
		next := time.Date(s.Year(), s.Month()+1, 1, 0, 0, 0, 0, p.loc)
		e := next
		if e.After(p.End) {
			e = p.End
		}
		out = append(out, month{Key: s.Format("2006-01"), Start: s, End: e})
		s = next
	}
	return out
}
