package airlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"loa/internal/database"
)

// Filter selects log rows. Items are selected by started_at, runs by
// scheduled_at, in [From, To); a zero bound is open; empty strings match all.
type Filter struct {
	From, To  time.Time
	Programme string
	// Status is a row's status code (ItemAired..., RunCompleted...), or
	// StatusOpen for rows still open.
	Status string
	Kind   string // items only: KindScript, KindJingle, KindFiller
}

// StatusOpen selects open rows in Filter.Status (stored status NULL).
const StatusOpen = "open"

// FilterError names the Filter field whose value no row can have.
type FilterError struct {
	Field string // "status" or "kind"
	Msg   string
}

func (e *FilterError) Error() string { return e.Field + ": " + e.Msg }

// CheckItems reports a Status or Kind no item can have.
func (f Filter) CheckItems() error {
	if f.Status != "" && f.Status != StatusOpen && checkItemStatus(f.Status) != nil {
		return &FilterError{"status", fmt.Sprintf("%q is not an item status (aired, partial, failed, skipped, open)", f.Status)}
	}
	if f.Kind != "" && checkKind(f.Kind) != nil {
		return &FilterError{"kind", fmt.Sprintf("%q is not an item kind (script, jingle, filler, announcement)", f.Kind)}
	}
	return nil
}

// CheckRuns reports a Status no run can have, or a Kind (runs have none).
func (f Filter) CheckRuns() error {
	if f.Status != "" && f.Status != StatusOpen && checkRunStatus(f.Status) != nil {
		return &FilterError{"status", fmt.Sprintf("%q is not a run status (completed, partial, missed, empty, failed, open)", f.Status)}
	}
	if f.Kind != "" {
		return &FilterError{"kind", "runs have no kind"}
	}
	return nil
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

// where renders f for one table: time column col, programme column
// progCol, status column statusCol, kind column kindCol ("": no kind).
func where(f Filter, col, progCol, statusCol, kindCol string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if !f.From.IsZero() {
		add(col+" >= ?", database.FormatTime(f.From))
	}
	if !f.To.IsZero() {
		add(col+" < ?", database.FormatTime(f.To))
	}
	if f.Programme != "" {
		add(progCol+" = ?", f.Programme)
	}
	switch f.Status {
	case "":
	case StatusOpen:
		conds = append(conds, statusCol+" IS NULL")
	default:
		add(statusCol+" = ?", f.Status)
	}
	if f.Kind != "" && kindCol != "" {
		add(kindCol+" = ?", f.Kind)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const selectItems = `SELECT i.id, i.run_id, r.programme, i.position, i.kind, COALESCE(i.script_id, 0),
	i.title, i.topic, i.area, i.audience, i.audio_sha256, i.scheduled_at, i.started_at, COALESCE(i.ended_at, ''),
	i.progress_s, COALESCE(i.seconds, 0), COALESCE(i.status, ''), i.error, i.reason, i.level, i.ordered_by, i.simulated
	FROM air_items i JOIN air_runs r ON r.id = i.run_id`

// selectItemsByTime is selectItems walking the items in time order. Without
// ANALYZE statistics SQLite (3.54, as built into go-sqlite3) prefers the
// (run_id, position) index for the join and then sorts the whole log: a page
// of the newest 50 of 1,000,000 items took 2.9 s; by the time index, 1 ms.
const selectItemsByTime = `SELECT i.id, i.run_id, r.programme, i.position, i.kind, COALESCE(i.script_id, 0),
	i.title, i.topic, i.area, i.audience, i.audio_sha256, i.scheduled_at, i.started_at, COALESCE(i.ended_at, ''),
	i.progress_s, COALESCE(i.seconds, 0), COALESCE(i.status, ''), i.error, i.reason, i.level, i.ordered_by, i.simulated
	FROM air_items i INDEXED BY air_items_started JOIN air_runs r ON r.id = i.run_id`

// Air order, and its reverse for pages (newest first).
const (
	itemOrder     = ` ORDER BY i.started_at, i.run_id, i.position`
	itemOrderDesc = ` ORDER BY i.started_at DESC, i.run_id DESC, i.position DESC`
)

func scanItem(rows *sql.Rows) (Item, error) {
	var it Item
	var sched, start, end string
	if err := rows.Scan(&it.ID, &it.RunID, &it.Programme, &it.Position, &it.Kind, &it.ScriptID, &it.Title, &it.Topic,
		&it.Area, &it.Audience, &it.SHA256, &sched, &start, &end, &it.ProgressS, &it.Seconds, &it.Status, &it.Error,
		&it.Reason, &it.Level, &it.OrderedBy, &it.Simulated); err != nil {
		return it, err
	}
	if err := parseTimes(&it.ScheduledAt, sched, &it.StartedAt, start, &it.EndedAt, end); err != nil {
		return it, fmt.Errorf("item %d: %w", it.ID, err)
	}
	return it, nil
}

const selectRuns = `SELECT id, programme, title, output, scheduled_at, COALESCE(started_at, ''),
	COALESCE(ended_at, ''), COALESCE(status, ''), reason, start_error_ms, simulated FROM air_runs`

const (
	runOrder     = ` ORDER BY scheduled_at, id`
	runOrderDesc = ` ORDER BY scheduled_at DESC, id DESC`
)

func scanRun(rows *sql.Rows) (Run, error) {
	var r Run
	var sched, start, end string
	var se sql.NullFloat64
	if err := rows.Scan(&r.ID, &r.Programme, &r.Title, &r.Output, &sched, &start, &end, &r.Status, &r.Reason, &se,
		&r.Simulated); err != nil {
		return r, err
	}
	if se.Valid {
		v := se.Float64
		r.StartErrorMS = &v
	}
	if err := parseTimes(&r.ScheduledAt, sched, &r.StartedAt, start, &r.EndedAt, end); err != nil {
		return r, fmt.Errorf("run %d: %w", r.ID, err)
	}
	return r, nil
}

// each streams the rows of query through scan: one row in memory at a
// time, however long the log. Breaking out of the loop closes the rows.
func each[T any](ctx context.Context, db *sql.DB, what, query string, args []any, scan func(*sql.Rows) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		rows, err := db.QueryContext(ctx, query, args...)
		if err != nil {
			yield(zero, fmt.Errorf("query airtime log %s: %w", what, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				yield(zero, fmt.Errorf("query airtime log %s: %w", what, err))
				return
			}
			if !yield(v, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(zero, fmt.Errorf("query airtime log %s: %w", what, err))
		}
	}
}

func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// EachItem streams the items matching f in air order (loa log: memory does
// not grow with the log). A failure is yielded once, last.
func (l *Log) EachItem(ctx context.Context, f Filter) iter.Seq2[Item, error] {
	w, args := where(f, "i.started_at", "r.programme", "i.status", "i.kind")
	return each(ctx, l.db, "items", selectItems+w+itemOrder, args, scanItem)
}

// Items returns the items matching f in air order (a bounded period: a
// report, a test; a whole log is for EachItem or ItemPage).
func (l *Log) Items(ctx context.Context, f Filter) ([]Item, error) {
	return collect(l.EachItem(ctx, f))
}

// ItemPage returns one page of the items matching f, newest first: limit
// rows (1..1000) after skipping offset, and how many match in all (the
// console's log page).
func (l *Log) ItemPage(ctx context.Context, f Filter, limit, offset int) ([]Item, int, error) {
	if err := checkPage(limit, offset); err != nil {
		return nil, 0, err
	}
	w, args := where(f, "i.started_at", "r.programme", "i.status", "i.kind")
	items, err := collect(each(ctx, l.db, "items", selectItemsByTime+w+itemOrderDesc+` LIMIT ? OFFSET ?`,
		append(args, limit, offset), scanItem))
	if err != nil {
		return nil, 0, err
	}
	from := ` FROM air_items i`
	if f.Programme != "" {
		from += ` JOIN air_runs r ON r.id = i.run_id`
	}
	n, err := l.count(ctx, "items", `SELECT COUNT(*)`+from+w, args)
	return items, n, err
}

// EachRun streams the runs matching f in scheduled order.
func (l *Log) EachRun(ctx context.Context, f Filter) iter.Seq2[Run, error] {
	w, args := where(f, "scheduled_at", "programme", "status", "")
	return each(ctx, l.db, "runs", selectRuns+w+runOrder, args, scanRun)
}

// Runs returns the runs matching f in scheduled order.
func (l *Log) Runs(ctx context.Context, f Filter) ([]Run, error) {
	return collect(l.EachRun(ctx, f))
}

// RunPage returns one page of the runs matching f, newest first, and how
// many match in all.
func (l *Log) RunPage(ctx context.Context, f Filter, limit, offset int) ([]Run, int, error) {
	if err := checkPage(limit, offset); err != nil {
		return nil, 0, err
	}
	w, args := where(f, "scheduled_at", "programme", "status", "")
	runs, err := collect(each(ctx, l.db, "runs", selectRuns+w+runOrderDesc+` LIMIT ? OFFSET ?`, append(args, limit, offset), scanRun))
	if err != nil {
		return nil, 0, err
	}
	n, err := l.count(ctx, "runs", `SELECT COUNT(*) FROM air_runs`+w, args)
	return runs, n, err
}

// MaxPage is the most rows a page may ask for.
const MaxPage = 1000

// ErrPage is returned for a limit outside 1..MaxPage or a negative offset.
var ErrPage = errors.New("page: limit must be 1..1000 and offset not negative")

func checkPage(limit, offset int) error {
	if limit < 1 || limit > MaxPage || offset < 0 {
		return ErrPage
	}
	return nil
}

func (l *Log) count(ctx context.Context, what, query string, args []any) (int, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count airtime log %s: %w", what, err)
	}
	return n, nil
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
	// Real broadcasts only: the condition is written as the partial index
	// air_items_topic_time has it, so a half-year reads its own rows, not
	// every script item of the log.
	// Without statistics SQLite keeps to the covering report index (91 ms
	// for a half-year of a 1 M-item log); the partial index reads 4 ms.
	table, sim := `air_items INDEXED BY air_items_topic_time`, ` AND simulated = 0`
	if includeSimulated {
		table, sim = `air_items`, ``
	}
	rows, err := l.db.QueryContext(ctx, `SELECT topic, SUM(seconds) FROM `+table+`
		WHERE kind = 'script' AND status IN ('aired','partial') AND started_at >= ? AND started_at < ?`+sim+`
		GROUP BY topic`, database.FormatTime(from), database.FormatTime(to))
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
