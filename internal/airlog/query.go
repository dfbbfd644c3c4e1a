package airlog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"loa/internal/database"
)

// Filter selects log rows. Items are selected by started_at, runs by
// scheduled_at, in [From, To); a zero bound is open.
type Filter struct {
	From, To  time.Time
	Programme string // "" = all
}

// Item is one air_items row with its run's programme.
type Item struct {
	ID          int64
	RunID       int64
	Programme   string
	Position    int
	Kind        string
	ScriptID    int64 // 0 = none
	Title       string
	Topic       string
	Area        string
	Audience    string
	SHA256      string
	ScheduledAt time.Time
	StartedAt   time.Time
	EndedAt     time.Time // zero while open
	ProgressS   float64
	Seconds     float64
	Status      string // "" while open
	Error       string
	Reason      string // reason code (ReasonWithdrawn...), "" when none
	Level       string // announcements only
	OrderedBy   string // announcements only
	Simulated   bool
}

// Run is one air_runs row.
type Run struct {
	ID           int64
	Programme    string
	Title        string
	Output       string
	ScheduledAt  time.Time
	StartedAt    time.Time // zero if it never started
	EndedAt      time.Time
	Status       string // "" while open
	Reason       string
	StartErrorMS *float64
	Simulated    bool
}

func where(f Filter, col, progCol string) (string, []any) {
	var conds []string
	var args []any
	if !f.From.IsZero() {
		conds = append(conds, col+" >= ?")
		args = append(args, database.FormatTime(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, col+" < ?")
		args = append(args, database.FormatTime(f.To))
	}
	if f.Programme != "" {
		conds = append(conds, progCol+" = ?")
		args = append(args, f.Programme)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Items returns the items matching f in air order.
func (l *Log) Items(ctx context.Context, f Filter) ([]Item, error) {
	w, args := where(f, "i.started_at", "r.programme")
	rows, err := l.db.QueryContext(ctx, `SELECT i.id, i.run_id, r.programme, i.position, i.kind, COALESCE(i.script_id, 0),
			i.title, i.topic, i.area, i.audience, i.audio_sha256, i.scheduled_at, i.started_at, COALESCE(i.ended_at, ''),
			i.progress_s, COALESCE(i.seconds, 0), COALESCE(i.status, ''), i.error, i.reason, i.level, i.ordered_by, i.simulated
		FROM air_items i JOIN air_runs r ON r.id = i.run_id`+w+` ORDER BY i.started_at, i.run_id, i.position`, args...)
	if err != nil {
		return nil, fmt.Errorf("query airtime log items: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var sched, start, end string
		if err := rows.Scan(&it.ID, &it.RunID, &it.Programme, &it.Position, &it.Kind, &it.ScriptID, &it.Title, &it.Topic,
			&it.Area, &it.Audience, &it.SHA256, &sched, &start, &end, &it.ProgressS, &it.Seconds, &it.Status, &it.Error,
			&it.Reason, &it.Level, &it.OrderedBy, &it.Simulated); err != nil {
			return nil, fmt.Errorf("query airtime log items: %w", err)
		}
		if err := parseTimes(&it.ScheduledAt, sched, &it.StartedAt, start, &it.EndedAt, end); err != nil {
			return nil, fmt.Errorf("query airtime log items: item %d: %w", it.ID, err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query airtime log items: %w", err)
	}
	return out, nil
}

// Runs returns the runs matching f in scheduled order.
func (l *Log) Runs(ctx context.Context, f Filter) ([]Run, error) {
	w, args := where(f, "scheduled_at", "programme")
	rows, err := l.db.QueryContext(ctx, `SELECT id, programme, title, output, scheduled_at, COALESCE(started_at, ''),
			COALESCE(ended_at, ''), COALESCE(status, ''), reason, start_error_ms, simulated
		FROM air_runs`+w+` ORDER BY scheduled_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("query airtime log runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var sched, start, end string
		var se sql.NullFloat64
		if err := rows.Scan(&r.ID, &r.Programme, &r.Title, &r.Output, &sched, &start, &end, &r.Status, &r.Reason, &se,
			&r.Simulated); err != nil {
			return nil, fmt.Errorf("query airtime log runs: %w", err)
		}
		if se.Valid {
			v := se.Float64
			r.StartErrorMS = &v
		}
		if err := parseTimes(&r.ScheduledAt, sched, &r.StartedAt, start, &r.EndedAt, end); err != nil {
			return nil, fmt.Errorf("query airtime log runs: run %d: %w", r.ID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query airtime log runs: %w", err)
	}
	return out, nil
}

// parseTimes parses pairs of (destination, stored text); "" leaves zero.
func parseTimes(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		s := pairs[i+1].(string)
		if s == "" {
			continue
		}
		t, err := database.ParseTime(s)
		if err != nil {
			return err
		}
		*pairs[i].(*time.Time) = t
	}
	return nil
}

// TopicAirtime returns seconds of script airtime (aired or partial) by topic
// for items started in [from, to). Simulated rows count only when
// includeSimulated is set (simulate's virtual year); reports of real
// broadcasts pass false.
func (l *Log) TopicAirtime(ctx context.Context, from, to time.Time, includeSimulated bool) (map[string]float64, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT topic, SUM(seconds) FROM air_items
		WHERE kind = 'script' AND status IN ('aired','partial') AND started_at >= ? AND started_at < ?
			AND (simulated = 0 OR ?)
		GROUP BY topic`, database.FormatTime(from), database.FormatTime(to), includeSimulated)
	if err != nil {
		return nil, fmt.Errorf("query airtime by topic: %w", err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var topic string
		var s float64
		if err := rows.Scan(&topic, &s); err != nil {
			return nil, fmt.Errorf("query airtime by topic: %w", err)
		}
		out[topic] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query airtime by topic: %w", err)
	}
	return out, nil
}

// LastRuns returns the latest scheduled time logged per programme (real
// runs, any status): the daemon logs runs scheduled after it as missed if
// their time passed while it was down.
func (l *Log) LastRuns(ctx context.Context) (map[string]time.Time, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT programme, MAX(scheduled_at) FROM air_runs WHERE simulated = 0 GROUP BY programme`)
	if err != nil {
		return nil, fmt.Errorf("query last runs: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var p, s string
		if err := rows.Scan(&p, &s); err != nil {
			return nil, fmt.Errorf("query last runs: %w", err)
		}
		t, err := database.ParseTime(s)
		if err != nil {
			return nil, fmt.Errorf("query last runs: %w", err)
		}
		out[p] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query last runs: %w", err)
	}
	return out, nil
}

// HasReal reports whether the log holds any real (non-simulated) run:
// simulate --record refuses to mix simulated runs into a real log.
func (l *Log) HasReal(ctx context.Context) (bool, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM air_runs WHERE simulated = 0)`).Scan(&n); err != nil {
		return false, fmt.Errorf("query real runs: %w", err)
	}
	return n == 1, nil
}

// RunRecord is a finished run written whole (simulate --record).
type RunRecord struct {
	RunSpec
	StartedAt    time.Time // zero: NULL (missed)
	EndedAt      time.Time
	Status       string
	Reason       string
	StartErrorMS *float64
	Items        []ItemRecord
}

// ItemRecord is a finished item of a RunRecord. RunID is ignored.
type ItemRecord struct {
	ItemSpec
	EndedAt time.Time // zero: started_at + Seconds
	Seconds float64
	Status  string
	Error   string
}

// RecordRun writes a closed run and its closed items in one transaction and
// returns the run id.
func (l *Log) RecordRun(ctx context.Context, r RunRecord) (int64, error) {
	ids, err := l.RecordRuns(ctx, []RunRecord{r})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// RecordRuns writes closed runs with their items all in one transaction:
// all or nothing (simulate --record). It returns the run ids in order.
func (l *Log) RecordRuns(ctx context.Context, runs []RunRecord) ([]int64, error) {
	ids := make([]int64, 0, len(runs))
	err := database.Tx(ctx, l.db, func(tx *sql.Tx) error {
		for _, r := range runs {
			id, err := recordRun(ctx, tx, r)
			if err != nil {
				return fmt.Errorf("record run %s at %s: %w", r.Programme, database.FormatTime(r.ScheduledAt), err)
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

func recordRun(ctx context.Context, tx *sql.Tx, r RunRecord) (int64, error) {
	if err := checkRunStatus(r.Status); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO air_runs (programme, title, output, scheduled_at, started_at, ended_at,
			status, reason, start_error_ms, simulated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Programme, r.Title, r.Output, database.FormatTime(r.ScheduledAt), nullTime(r.StartedAt), nullTime(r.EndedAt),
		r.Status, r.Reason, r.StartErrorMS, b2i(r.Simulated))
	if err != nil {
		if isUnique(err) {
			return 0, ErrDuplicate
		}
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	for _, it := range r.Items {
		if err := checkKind(it.Kind); err != nil {
			return 0, err
		}
		if err := checkItemStatus(it.Status); err != nil {
			return 0, err
		}
		end := it.EndedAt
		if end.IsZero() {
			end = it.StartedAt.Add(secondsDur(it.Seconds))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO air_items (run_id, position, kind, script_id, title, topic, area,
				audience, audio_sha256, scheduled_at, started_at, ended_at, progress_s, seconds, status, error, simulated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, it.Position, it.Kind, nullID(it.ScriptID), it.Title, it.Topic, it.Area, it.Audience, it.SHA256,
			database.FormatTime(it.ScheduledAt), database.FormatTime(it.StartedAt), database.FormatTime(end),
			it.Seconds, it.Seconds, it.Status, it.Error, b2i(r.Simulated)); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return database.FormatTime(t)
}
