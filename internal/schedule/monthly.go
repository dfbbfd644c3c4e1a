package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// MonthlyRule is "the Nth (or last) weekday of every month at a local
// time", which cron cannot express. It implements cron.Schedule.
type MonthlyRule struct {
	Nth      int // 1..4, or -1 for the last
	Weekday  time.Weekday
	Hour     int
	Minute   int
	Second   int
	Location *time.Location
}

var ordinalsEN = map[string]int{
	"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": -1,
}

var weekdaysEN = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// Vietnamese: weekday first, then the ordinal ("chủ nhật đầu tiên 06:30",
// "thứ sáu cuối cùng 17:00", "thứ hai thứ hai 07:00" = second Monday).
var weekdaysVI = []struct {
	name string
	day  time.Weekday
}{
	{"chủ nhật", time.Sunday}, {"thứ hai", time.Monday}, {"thứ ba", time.Tuesday}, {"thứ tư", time.Wednesday},
	{"thứ năm", time.Thursday}, {"thứ sáu", time.Friday}, {"thứ bảy", time.Saturday},
	{"thứ 2", time.Monday}, {"thứ 3", time.Tuesday}, {"thứ 4", time.Wednesday}, {"thứ 5", time.Thursday},
	{"thứ 6", time.Friday}, {"thứ 7", time.Saturday}, {"cn", time.Sunday},
}

var ordinalsVI = map[string]int{
	"đầu tiên": 1, "thứ nhất": 1, "thứ hai": 2, "thứ 2": 2, "thứ ba": 3, "thứ 3": 3, "thứ tư": 4, "thứ 4": 4,
	"cuối cùng": -1, "cuối": -1,
}

// ParseMonthly reads "first|second|third|fourth|last <weekday> HH:MM[:SS]"
// (English, any case, optionally "of the month" / "of every month" / "at"),
// or the Vietnamese "<thứ> <đầu tiên|thứ hai|thứ ba|thứ tư|cuối cùng>
// [của tháng|hàng tháng] HH:MM", in loc.
func ParseMonthly(rule string, loc *time.Location) (*MonthlyRule, error) {
	s := strings.ToLower(norm.NFC.String(strings.Join(strings.Fields(rule), " ")))
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return nil, fmt.Errorf("%q: want e.g. \"first sunday 06:30\" or \"last friday 17:00\"", rule)
	}
	clock, head := s[i+1:], strings.TrimSpace(s[:i])
	h, m, sec, err := parseClock(clock)
	if err != nil {
		return nil, fmt.Errorf("%q: %v", rule, err)
	}
	for _, suffix := range []string{" at", " lúc", " of the month", " of every month", " of each month", " every month",
		" của tháng", " hàng tháng", " mỗi tháng", " trong tháng"} {
		head = strings.TrimSuffix(head, suffix)
	}
	r := &MonthlyRule{Hour: h, Minute: m, Second: sec, Location: loc}
	if f := strings.Fields(head); len(f) == 2 {
		n, okN := ordinalsEN[f[0]]
		d, okD := weekdaysEN[f[1]]
		if okN && okD {
			r.Nth, r.Weekday = n, d
			return r, nil
		}
	}
	for _, w := range weekdaysVI {
		rest, ok := strings.CutPrefix(head, w.name+" ")
		if !ok {
			continue
		}
		if n, ok := ordinalsVI[strings.TrimSpace(rest)]; ok {
			r.Nth, r.Weekday = n, w.day
			return r, nil
		}
	}
	return nil, fmt.Errorf("%q: want <first|second|third|fourth|last> <weekday> HH:MM, e.g. \"first sunday 06:30\"", rule)
}

func parseClock(s string) (h, m, sec int, err error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	var v [3]int
	limits := [3]int{23, 59, 59}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > limits[i] || len(p) > 2 {
			return 0, 0, 0, fmt.Errorf("time %q: want HH:MM", s)
		}
		v[i] = n
	}
	return v[0], v[1], v[2], nil
}

// Next returns the first run strictly after t, in the rule's zone.
func (r *MonthlyRule) Next(t time.Time) time.Time {
	t = t.In(r.Location)
	y, mo := t.Year(), t.Month()
	for range 3 { // this month or the next one always has the day
		if at := r.in(y, mo); at.After(t) {
			return at
		}
		mo++
		if mo > time.December {
			mo, y = time.January, y+1
		}
	}
	return time.Time{}
}

// in returns the rule's run in month mo of year y.
func (r *MonthlyRule) in(y int, mo time.Month) time.Time {
	var day int
	if r.Nth > 0 {
		first := time.Date(y, mo, 1, 12, 0, 0, 0, time.UTC).Weekday()
		day = 1 + (int(r.Weekday)-int(first)+7)%7 + 7*(r.Nth-1)
	} else {
		lastDay := time.Date(y, mo+1, 0, 12, 0, 0, 0, time.UTC)
		day = lastDay.Day() - (int(lastDay.Weekday())-int(r.Weekday)+7)%7
	}
	return time.Date(y, mo, day, r.Hour, r.Minute, r.Second, 0, r.Location)
}

// String renders the rule in canonical English form.
func (r *MonthlyRule) String() string {
	n := map[int]string{1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}[r.Nth]
	return fmt.Sprintf("%s %s %02d:%02d", n, strings.ToLower(r.Weekday.String()), r.Hour, r.Minute)
}
