package schedule

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/robfig/cron/v3"
	"golang.org/x/text/unicode/norm"

	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/taxonomy"
)

// OptionsFrom takes the station defaults from the configuration.
func OptionsFrom(cfg *config.Config, measure Measure) Options {
	return Options{Location: cfg.Location(), Output: cfg.Playout.Output, Measure: measure}
}

// keys lists every key a programme file may hold, in the order problems
// are reported.
var keys = []string{"name", "title", "cron", "monthly", "timezone", "active_from", "active_until", "length", "gap",
	"intro", "outro", "fill", "filler", "topics", "audiences", "max_items", "repeat_days", "output"}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// cronParser accepts 5 fields, 6 with seconds first, and @daily-style
// descriptors.
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// MaxLength bounds a slot: commune programmes run minutes, not days.
const MaxLength = 6 * time.Hour

// Load reads every *.toml file in dir (sorted by name). Problems in files
// are collected, all of them; a file with any problem yields no
// Programme. err is only for failing to read the directory.
func Load(ctx context.Context, dir string, opt Options) ([]*Programme, []Problem, error) {
	if opt.Location == nil {
		opt.Location = time.Local
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, inputerr.New("schedules %s: no such directory", dir)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read schedules %s: %w", dir, err)
	}
	if m := opt.Measure; m != nil { // the programmes share jingles: measure each file once
		type result struct {
			secs float64
			err  error
		}
		seen := map[string]result{}
		opt.Measure = func(ctx context.Context, path string) (float64, error) {
			if r, ok := seen[path]; ok {
				return r.secs, r.err
			}
			secs, err := m(ctx, path)
			seen[path] = result{secs, err}
			return secs, err
		}
	}
	var progs []*Programme
	var probs []Problem
	n := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".toml") {
			continue
		}
		n++
		path := filepath.Join(dir, e.Name())
		p, ps := LoadFile(ctx, path, opt)
		probs = append(probs, ps...)
		if p != nil {
			progs = append(progs, p)
		}
	}
	if n == 0 {
		probs = append(probs, Problem{File: dir, Msg: "no programme files (*.toml)"})
	}
	return progs, probs, nil
}

// LoadFile reads one programme file. The Programme is nil when there is
// any problem.
func LoadFile(ctx context.Context, path string, opt Options) (*Programme, []Problem) {
	if opt.Location == nil {
		opt.Location = time.Local
	}
	l := loader{ctx: ctx, opt: opt, p: &Programme{File: path, Location: opt.Location, Output: opt.Output, Fill: FillEnd}}
	data, err := os.ReadFile(path)
	if err != nil {
		l.add("", "%v", errors.Unwrap(err))
		return nil, l.probs
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			l.add("", "line %d: %s", pe.Position.Line, pe.Message)
		} else {
			l.add("", "%s", firstLine(err.Error()))
		}
		return nil, l.probs
	}
	l.raw = raw
	var unknown []string
	for k := range raw {
		if !slices.Contains(keys, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		l.add(k, "unknown key (known: %s)", strings.Join(keys, ", "))
	}
	l.parse()
	if len(l.probs) > 0 {
		return nil, l.probs
	}
	return l.p, nil
}

type loader struct {
	ctx   context.Context
	opt   Options
	raw   map[string]any
	p     *Programme
	probs []Problem
}

func (l *loader) add(field, format string, args ...any) {
	l.probs = append(l.probs, Problem{File: l.p.File, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// str returns a string key; ok is false when it is absent or not a string
// (the latter reported).
func (l *loader) str(key string) (string, bool) {
	v, present := l.raw[key]
	if !present {
		return "", false
	}
	s, isStr := v.(string)
	if !isStr {
		l.add(key, "must be a string, not %T", v)
		return "", false
	}
	return norm.NFC.String(strings.TrimSpace(s)), true
}

func (l *loader) integer(key string) (int, bool) {
	v, present := l.raw[key]
	if !present {
		return 0, false
	}
	n, isInt := v.(int64)
	if !isInt {
		l.add(key, "must be an integer, not %T", v)
		return 0, false
	}
	if n < 0 || n > 1_000_000 {
		l.add(key, "%d is outside 0..1000000", n)
		return 0, false
	}
	return int(n), true
}

func (l *loader) list(key string) []string {
	v, present := l.raw[key]
	if !present {
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		l.add(key, "must be a list of strings, e.g. [\"ke-hoach\", \"mot-cua-dvc\"]")
		return nil
	}
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		s, isStr := x.(string)
		if !isStr {
			l.add(key, "must be a list of strings, not containing %T", x)
			return nil
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

func (l *loader) duration(key string) (time.Duration, bool) {
	s, ok := l.str(key)
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		l.add(key, "bad duration %q (use e.g. 15m, 30s, 1h30m)", s)
		return 0, false
	}
	return d, true
}

func (l *loader) parse() {
	p := l.p
	if s, ok := l.str("name"); ok && s != "" {
		if !nameRE.MatchString(s) {
			l.add("name", "%q: use lower-case ASCII letters, digits and dashes", s)
		}
		p.Name = s
	} else if _, present := l.raw["name"]; !present || ok { // ok: an empty string; a wrong type is reported by str
		l.add("name", "missing")
	}
	if s, ok := l.str("title"); ok && s != "" {
		p.Title = s
	} else if _, present := l.raw["title"]; !present || ok { // ok: an empty string; a wrong type is reported by str
		l.add("title", "missing")
	}
	if s, ok := l.str("timezone"); ok {
		loc, err := time.LoadLocation(s)
		if err != nil || s == "" {
			l.add("timezone", "unknown time zone %q", s)
		} else {
			p.Location = loc
		}
	}
	l.parseWhen()
	if d, ok := l.duration("length"); ok {
		if d <= 0 || d > MaxLength {
			l.add("length", "%s is outside 1s..%s", d, MaxLength)
		} else {
			p.Length = d
		}
	} else if _, present := l.raw["length"]; !present {
		l.add("length", "missing (the slot, e.g. \"15m\")")
	}
	if d, ok := l.duration("gap"); ok {
		if d < 0 || (p.Length > 0 && d >= p.Length) {
			l.add("gap", "%s must be at least 0 and shorter than length", d)
		} else {
			p.Gap = d
		}
	}
	p.Intro = l.clip("intro")
	p.Outro = l.clip("outro")
	p.Filler = l.clip("filler")
	if s, ok := l.str("fill"); ok {
		p.Fill = s
	} else if p.Filler != nil {
		p.Fill = FillFiller
	}
	switch {
	case p.Fill != FillEnd && p.Fill != FillFiller:
		l.add("fill", "%q must be %q or %q", p.Fill, FillEnd, FillFiller)
	case p.Fill == FillFiller && p.Filler == nil && l.raw["filler"] == nil:
		l.add("filler", "missing: fill = \"filler\" needs a filler file (e.g. the station ident)")
	case p.Fill == FillEnd && p.Filler != nil:
		l.add("filler", "set, but fill is \"end\"; remove it or set fill = \"filler\"")
	}
	if p.Length > 0 {
		var jingles float64
		for _, c := range []*Clip{p.Intro, p.Outro} {
			if c != nil {
				jingles += c.Seconds
			}
		}
		if jingles > p.Length.Seconds() {
			l.add("length", "%s is shorter than intro and outro together (%.1fs)", p.Length, jingles)
		}
		if p.Filler != nil && p.Filler.Seconds > p.Length.Seconds() {
			l.add("filler", "longer (%.1fs) than the slot (%s)", p.Filler.Seconds, p.Length)
		}
	}
	for _, t := range l.list("topics") {
		if !taxonomy.Known(taxonomy.Topics(), t) {
			l.add("topics", "unknown topic %q (known: %s)", t, strings.Join(taxonomy.Codes(taxonomy.Topics()), ", "))
			continue
		}
		p.Topics = append(p.Topics, t)
	}
	for _, a := range l.list("audiences") {
		if !taxonomy.Known(taxonomy.Audiences(), a) {
			l.add("audiences", "unknown audience %q (known: %s)", a, strings.Join(taxonomy.Codes(taxonomy.Audiences()), ", "))
			continue
		}
		p.Audiences = append(p.Audiences, a)
	}
	if _, present := l.raw["topics"]; present && len(p.Topics) == 0 && !l.hasProblem("topics") {
		l.add("topics", "empty list: leave the key out to allow every topic")
	}
	if _, present := l.raw["audiences"]; present && len(p.Audiences) == 0 && !l.hasProblem("audiences") {
		l.add("audiences", "empty list: leave the key out to allow every audience")
	}
	if n, ok := l.integer("max_items"); ok {
		if n == 0 {
			l.add("max_items", "must be at least 1 (leave it out for no limit)")
		}
		p.MaxItems = n
	}
	if n, ok := l.integer("repeat_days"); ok {
		p.RepeatDays = n
	}
	if s, ok := l.str("output"); ok {
		if s == "" {
			l.add("output", "empty (leave it out for the station default)")
		} else if l.opt.CheckOutput != nil {
			if err := l.opt.CheckOutput(s); err != nil {
				l.add("output", "%v", err)
			}
		}
		p.Output = s
	}
}

func (l *loader) hasProblem(field string) bool {
	for _, pr := range l.probs {
		if pr.Field == field {
			return true
		}
	}
	return false
}

// parseWhen reads cron or monthly and the active range, and builds the
// schedules.
func (l *loader) parseWhen() {
	p := l.p
	c, hasCron := l.str("cron")
	m, hasMonthly := l.str("monthly")
	_, cronPresent := l.raw["cron"]
	_, monthlyPresent := l.raw["monthly"]
	switch {
	case cronPresent && monthlyPresent:
		l.add("cron", "both cron and monthly are set; keep one")
		return
	case !cronPresent && !monthlyPresent:
		l.add("cron", "missing: set cron (e.g. \"0 17 * * 2,5\") or monthly (e.g. \"first sunday 06:30\")")
		return
	}
	switch {
	case hasCron:
		p.Cron = c
		if strings.HasPrefix(c, "TZ=") || strings.HasPrefix(c, "CRON_TZ=") {
			l.add("cron", "%q: set the time zone with the timezone key, not in cron", c)
			return
		}
		s, err := cronParser.Parse(c)
		if err != nil {
			l.add("cron", "%q: %v", c, err)
			return
		}
		spec, ok := s.(*cron.SpecSchedule)
		if !ok { // @every: not a wall-clock time
			l.add("cron", "%q: @every is not allowed; give wall-clock times", c)
			return
		}
		spec.Location = p.Location
		p.Rule = spec
	case hasMonthly:
		p.Monthly = m
		r, err := ParseMonthly(m, p.Location)
		if err != nil {
			l.add("monthly", "%v", err)
			return
		}
		p.Rule = r
	default:
		return // wrong type, reported
	}
	var from, until time.Time
	if s, ok := l.str("active_from"); ok {
		p.ActiveFrom = s
		from = l.date("active_from", s, p.Location)
	}
	if s, ok := l.str("active_until"); ok {
		p.ActiveUntil = s
		if u := l.date("active_until", s, p.Location); !u.IsZero() {
			until = u.AddDate(0, 0, 1) // inclusive date: up to its end
		}
	}
	if !from.IsZero() && !until.IsZero() && !from.Before(until) {
		l.add("active_until", "%s is before active_from %s", p.ActiveUntil, p.ActiveFrom)
		return
	}
	p.Schedule = &activeSchedule{rule: p.Rule, from: from, until: until}
	if p.Rule.Next(time.Now()).IsZero() && p.Rule.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		field := "cron"
		if p.Monthly != "" {
			field = "monthly"
		}
		l.add(field, "never fires")
	}
}

func (l *loader) date(key, s string, loc *time.Location) time.Time {
	t, err := time.ParseInLocation(database.DateFormat, s, loc)
	if err != nil {
		l.add(key, "%q: want a date YYYY-MM-DD", s)
		return time.Time{}
	}
	return t
}

// clip checks a jingle or filler path and measures it.
func (l *loader) clip(key string) *Clip {
	s, ok := l.str(key)
	if !ok {
		return nil
	}
	if s == "" {
		l.add(key, "empty path (leave the key out for none)")
		return nil
	}
	abs := s
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(l.opt.BaseDir, s)
		if a, err := filepath.Abs(abs); err == nil {
			abs = a
		}
	}
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		l.add(key, "file %s does not exist (relative paths are from the working directory)", s)
		return nil
	case err != nil:
		l.add(key, "file %s: %v", s, errors.Unwrap(err))
		return nil
	case !st.Mode().IsRegular():
		l.add(key, "%s is not a regular file", s)
		return nil
	}
	c := &Clip{Path: s, Abs: abs}
	if l.opt.Measure != nil {
		secs, err := l.opt.Measure(l.ctx, abs)
		if err != nil {
			l.add(key, "file %s: %s", s, firstLine(err.Error()))
			return nil
		}
		if secs <= 0 {
			l.add(key, "file %s: no audio", s)
			return nil
		}
		c.Seconds = secs
	}
	return c
}

// activeSchedule limits a rule to [from, until); zero bounds are open.
type activeSchedule struct {
	rule        cron.Schedule
	from, until time.Time
}

// Next returns the rule's next run after t inside the range, or the zero
// time when there is none (robfig/cron then never runs the entry).
func (a *activeSchedule) Next(t time.Time) time.Time {
	if !a.from.IsZero() && t.Before(a.from) {
		t = a.from.Add(-time.Nanosecond)
	}
	n := a.rule.Next(t)
	if n.IsZero() || (!a.until.IsZero() && !n.Before(a.until)) {
		return time.Time{}
	}
	return n
}

// Runs returns the scheduled starts in [from, to), at most max of them
// (max <= 0: no limit).
func (p *Programme) Runs(from, to time.Time, max int) []time.Time {
	var out []time.Time
	for t := p.Schedule.Next(from.Add(-time.Nanosecond)); !t.IsZero() && t.Before(to); t = p.Schedule.Next(t) {
		out = append(out, t)
		if max > 0 && len(out) >= max {
			break
		}
	}
	return out
}

// When renders the rule as written, for listings.
func (p *Programme) When() string {
	if p.Monthly != "" {
		return "monthly " + p.Monthly
	}
	return "cron " + p.Cron
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Run is one scheduled start of a programme.
type Run struct {
	Prog *Programme
	At   time.Time
}

// Upcoming merges the runs of progs in [from, to) in time order (programme
// name order at one instant), at most max of them. A zero to is open; max
// <= 0 is no limit (then to must be set).
func Upcoming(progs []*Programme, from, to time.Time, max int) []Run {
	ps := append([]*Programme(nil), progs...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	next := make([]time.Time, len(ps))
	for i, p := range ps {
		next[i] = p.Schedule.Next(from.Add(-time.Nanosecond))
	}
	var out []Run
	for max <= 0 || len(out) < max {
		i := -1
		for j, t := range next {
			if !t.IsZero() && (to.IsZero() || t.Before(to)) && (i < 0 || t.Before(next[i])) {
				i = j
			}
		}
		if i < 0 {
			break
		}
		out = append(out, Run{ps[i], next[i]})
		next[i] = ps[i].Schedule.Next(next[i])
	}
	return out
}
