package station

import (
	"context"
	"errors"
	"time"

	"loa/internal/airlog"
	"loa/internal/control"
	"loa/internal/users"
)

// Status is what is on air, read from the airtime log (the daemon may run
// in another process; the log is what both share).
type Status struct {
	OnAir  bool      `json:"on_air"`
	Run    *LogRun   `json:"run"`
	Item   *LogItem  `json:"item"`
	Next   []Planned `json:"next"`
	Alarms []Alarm   `json:"alarms"`
}

// Alarm is a problem an officer should see: a missed or failed run, an
// item that failed.
type Alarm struct {
	Code    string `json:"code"` // missed, empty, partial; schedules; no-daemon, daemon, output
	At      Time   `json:"at"`
	Message string `json:"message"` // Vietnamese
}

// Planned is one upcoming run as the forecaster sees it.
type Planned struct {
	Programme string        `json:"programme"`
	Title     string        `json:"title"`
	At        Time          `json:"at"`
	LengthS   float64       `json:"length_s"`
	FillS     float64       `json:"fill_s"`
	Items     []PlannedItem `json:"items"`
	Problems  string        `json:"problems,omitempty"` // Vietnamese
}

// PlannedItem is one script a planned run will air.
type PlannedItem struct {
	ScriptID int64   `json:"script_id"`
	Title    string  `json:"title"`
	Topic    string  `json:"topic"`
	Seconds  float64 `json:"seconds"`
}

// statusWindow is how far back the status looks for an open run and for
// problems: a programme is never longer than this.
const statusWindow = 24 * time.Hour

// Status reports what is on air now and the day's problems.
func (s *Station) Status(ctx context.Context, a Actor) (Status, error) {
	if err := a.can(users.View, "status"); err != nil {
		return Status{}, err
	}
	now := s.now()
	f := airlog.Filter{From: now.Add(-statusWindow), To: now.Add(time.Minute)}
	runs, err := s.Log.Runs(ctx, f)
	if err != nil {
		return Status{}, err
	}
	loc := s.Location()
	st := Status{Next: []Planned{}, Alarms: []Alarm{}}
	for _, r := range runs {
		if r.Simulated {
			continue
		}
		switch r.Status {
		case "":
			if !r.StartedAt.IsZero() {
				lr := NewLogRun(r, loc)
				st.Run, st.OnAir = &lr, true
			}
		case "missed", "empty", "partial", "failed":
			st.Alarms = append(st.Alarms, Alarm{Code: r.Status, At: Time{r.ScheduledAt, loc},
				Message: runAlarm(r.Status) + ": " + r.Programme})
		}
	}
	// The next runs; schedules that do not load are an alarm, not a
	// failure of the status itself.
	if next, err := s.Forecast(ctx, a, now, time.Time{}, 3); err != nil {
		st.Alarms = append(st.Alarms, Alarm{Code: "schedules", At: Time{now, loc}, Message: "Lịch phát có lỗi: " + err.Error()})
	} else {
		st.Next = next
	}
	// The outputs' health is known only to the daemon.
	lctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	live, err := s.LiveStatus(lctx, a)
	cancel()
	at := Time{now, loc}
	switch {
	case errors.Is(err, control.ErrNoDaemon):
		st.Alarms = append(st.Alarms, Alarm{Code: "no-daemon", At: at, Message: "loa daemon không chạy: các chương trình sẽ không được phát theo lịch"})
	case err != nil:
		st.Alarms = append(st.Alarms, Alarm{Code: "daemon", At: at, Message: "Không hỏi được loa daemon: " + err.Error()})
	default:
		for _, k := range live.Sinks {
			if !k.OK {
				st.Alarms = append(st.Alarms, Alarm{Code: "output", At: at, Message: "Đầu ra " + k.Output + " hỏng: " + k.Error})
			}
		}
		for _, m := range live.Alarms {
			st.Alarms = append(st.Alarms, Alarm{Code: "daemon", At: at, Message: m})
		}
	}
	if st.OnAir {
		items, err := s.Log.Items(ctx, airlog.Filter{From: st.Run.StartedAt.T})
		if err != nil {
			return Status{}, err
		}
		for _, it := range items {
			if it.RunID == st.Run.RunID && it.Status == "" {
				li := NewLogItem(it, loc)
				st.Item = &li
			}
		}
	}
	return st, nil
}

func runAlarm(status string) string {
	switch status {
	case "missed":
		return "Lỡ giờ phát"
	case "empty":
		return "Chương trình trống"
	case "failed":
		return "Lỗi đầu ra, không phát được"
	}
	return "Phát không trọn"
}
