package station

import (
	"strings"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/database"
	"loa/internal/report"
	"loa/internal/simulate"
	"loa/internal/taxonomy"
	"loa/internal/users"
)

// JSON shapes shared by the command line's --json output and the web API,
// so the two cannot drift apart.

// Time is an instant rendered in database.JSONTimeFormat in the station
// zone (database.JSONTime); zero is null.
type Time struct {
	T   time.Time
	Loc *time.Location
}

// MarshalJSON writes the instant or null.
func (j Time) MarshalJSON() ([]byte, error) {
	loc := j.Loc
	if loc == nil {
		loc = time.UTC
	}
	return database.JSONTime{Time: j.T.In(loc)}.MarshalJSON()
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// LogItem is one broadcast item of the airtime log.
type LogItem struct {
	RunID       int64    `json:"run_id"`
	Programme   string   `json:"programme"`
	Kind        string   `json:"kind"`
	ScriptID    *int64   `json:"script_id"`
	Title       string   `json:"title"`
	Topic       string   `json:"topic"`
	Area        string   `json:"area"`
	ScheduledAt Time     `json:"scheduled_at"`
	StartedAt   Time     `json:"started_at"`
	EndedAt     Time     `json:"ended_at"`
	Seconds     *float64 `json:"seconds"`
	Status      *string  `json:"status"`
	Reason      string   `json:"reason"` // skipped or cut: withdrawn, approval revoked, altered, expired, preempted
	Level       string   `json:"level,omitempty"`
	OrderedBy   string   `json:"ordered_by,omitempty"`
	Simulated   bool     `json:"simulated"`
}

// NewLogItem is the JSON shape of it.
func NewLogItem(it airlog.Item, loc *time.Location) LogItem {
	o := LogItem{RunID: it.RunID, Programme: it.Programme, Kind: it.Kind, ScriptID: optID(it.ScriptID),
		Title: it.Title, Topic: it.Topic, Area: it.Area, ScheduledAt: Time{it.ScheduledAt, loc},
		StartedAt: Time{it.StartedAt, loc}, EndedAt: Time{it.EndedAt, loc}, Status: optString(it.Status),
		Reason: it.Reason, Level: it.Level, OrderedBy: it.OrderedBy, Simulated: it.Simulated}
	if it.Status != "" {
		s := database.Round3(it.Seconds)
		o.Seconds = &s
	}
	return o
}

// LogRun is one programme run of the airtime log.
type LogRun struct {
	RunID       int64    `json:"run_id"`
	Programme   string   `json:"programme"`
	ScheduledAt Time     `json:"scheduled_at"`
	StartedAt   Time     `json:"started_at"`
	EndedAt     Time     `json:"ended_at"`
	Status      *string  `json:"status"`
	Reason      string   `json:"reason"`
	Simulated   bool     `json:"simulated"`
	StartErrMS  *float64 `json:"start_error_ms"`
}

// NewLogRun is the JSON shape of r.
func NewLogRun(r airlog.Run, loc *time.Location) LogRun {
	return LogRun{RunID: r.ID, Programme: r.Programme, ScheduledAt: Time{r.ScheduledAt, loc},
		StartedAt: Time{r.StartedAt, loc}, EndedAt: Time{r.EndedAt, loc}, Status: optString(r.Status),
		Reason: r.Reason, Simulated: r.Simulated, StartErrMS: r.StartErrorMS}
}

// User is an account as shown in JSON (no secrets).
type User struct {
	Name      string `json:"name"`
	Role      string `json:"role"`
	Disabled  bool   `json:"disabled"`
	CreatedAt Time   `json:"created_at"`
}

// NewUsers is the JSON shape of list.
func NewUsers(list []users.User, loc *time.Location) []User {
	out := make([]User, len(list))
	for i, u := range list {
		out[i] = User{Name: u.Name, Role: string(u.Role), Disabled: u.Disabled, CreatedAt: Time{u.CreatedAt, loc}}
	}
	return out
}

// ForecastRun is one run as `schedule next --json` and `simulate --json`
// print it: its scripts, fill and problems (codes and English messages).
type ForecastRun struct {
	Programme string            `json:"programme"`
	Title     string            `json:"title"`
	At        string            `json:"at"` // RFC 3339, seconds
	Output    string            `json:"output"`
	LengthS   float64           `json:"length_s"`
	FillS     float64           `json:"fill_s"`
	ScriptS   float64           `json:"script_s"`
	Items     []PlannedItem     `json:"items"`
	Problems  []ForecastProblem `json:"problems,omitempty"`
}

// ForecastProblem is one problem of a forecast run.
type ForecastProblem struct {
	Code     string `json:"code"`
	ScriptID int64  `json:"script_id,omitempty"`
	Message  string `json:"message"`
}

// NewForecastRun is the JSON shape of p, to play on output.
func NewForecastRun(p assembly.Plan, output string) ForecastRun {
	j := ForecastRun{Programme: p.Programme, Title: p.Title, At: p.At.Format(time.RFC3339), Output: output,
		LengthS: database.Round3(p.LengthS), FillS: database.Round3(p.FillS), ScriptS: database.Round3(p.ScriptS), Items: []PlannedItem{}}
	for _, it := range p.Items {
		if it.Kind == assembly.KindScript {
			j.Items = append(j.Items, PlannedItem{ScriptID: it.ScriptID, Title: it.Title, Topic: it.Topic, Seconds: database.Round3(it.Seconds)})
		}
	}
	for _, pr := range p.Problems {
		j.Problems = append(j.Problems, ForecastProblem{Code: pr.Code, ScriptID: pr.ScriptID, Message: pr.Msg})
	}
	return j
}

// SimTopic is a topic's airtime in a simulated period.
type SimTopic struct {
	Topic   string  `json:"topic"`
	Label   string  `json:"label"`
	Seconds float64 `json:"seconds"`
}

// SimBucket is a simulated month or half-year as `simulate --json` prints it.
type SimBucket struct {
	Type      string     `json:"type"` // "month" or "half"
	Period    string     `json:"period"`
	Label     string     `json:"label"`
	Runs      int        `json:"runs"`
	NoScripts int        `json:"runs_without_scripts"`
	Scripts   int        `json:"scripts"`
	Distinct  int        `json:"distinct_scripts"`
	Seconds   float64    `json:"seconds"`
	AirS      float64    `json:"air_s"`
	Topics    []SimTopic `json:"topics"`
	Missing   []string   `json:"missing_topics"`
}

// NewSimBucket is the JSON shape of b, a bucket of kind "month" or "half".
func NewSimBucket(kind string, b *simulate.Bucket) SimBucket {
	j := SimBucket{Type: kind, Period: b.Key, Label: PeriodLabel(b.Key), Runs: b.Runs, NoScripts: b.NoScripts, Scripts: b.Scripts,
		Distinct: b.Distinct, Seconds: database.Round3(b.Seconds), AirS: database.Round3(b.AirS), Topics: []SimTopic{}, Missing: []string{}}
	for _, t := range taxonomy.Topics() {
		s := b.ByTopic[t.Code]
		j.Topics = append(j.Topics, SimTopic{Topic: t.Code, Label: t.Label, Seconds: database.Round3(s)})
		if s == 0 {
			j.Missing = append(j.Missing, t.Code)
		}
	}
	return j
}

// PeriodLabel says a simulation bucket key in Vietnamese: "Tháng 01/2027",
// "6 tháng đầu năm 2027", "6 tháng cuối năm 2027".
func PeriodLabel(key string) string {
	if y, h, ok := strings.Cut(key, "-H"); ok {
		if h == "1" {
			return "6 tháng đầu năm " + y
		}
		return "6 tháng cuối năm " + y
	}
	return report.MonthLabel(key)
}
