package station

import (
	"math"
	"strconv"
	"time"

	"loa/internal/airlog"
	"loa/internal/database"
	"loa/internal/users"
)

// JSON shapes shared by the command line's --json output and the web API,
// so the two cannot drift apart.

// TimeFormat is how instants appear in JSON (database.JSONTimeFormat).
const TimeFormat = database.JSONTimeFormat

// Time is an instant rendered in TimeFormat in the station zone; zero is null.
type Time struct {
	T   time.Time
	Loc *time.Location
}

// MarshalJSON writes the instant or null.
func (j Time) MarshalJSON() ([]byte, error) {
	if j.T.IsZero() {
		return []byte("null"), nil
	}
	loc := j.Loc
	if loc == nil {
		loc = time.UTC
	}
	return []byte(strconv.Quote(j.T.In(loc).Format(TimeFormat))), nil
}

// Dec3 rounds to milliseconds (seconds) or thousandths, the stored resolution.
func Dec3(v float64) float64 { return math.Round(v*1000) / 1000 }

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
		s := Dec3(it.Seconds)
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
