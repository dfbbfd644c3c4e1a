package airlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"

	"loa/internal/database"
)

// Item kinds.
const (
	KindScript = "script"
	KindJingle = "jingle"
	KindFiller = "filler"
	// KindAnnouncement is an urgent announcement (loa announce): counted
	// apart from the plan's topics unless it was given one.
	KindAnnouncement = "announcement"
)

// Announcement levels (Thông tư 39/2020/TT-BTTTT: ưu tiên, khẩn cấp).
const (
	LevelPriority  = "priority"
	LevelEmergency = "emergency"
)

// Item statuses.
const (
	ItemAired   = "aired"
	ItemPartial = "partial"
	ItemFailed  = "failed"
	// ItemSkipped: refused at the instant of air (see the Reason codes);
	// nothing of it went out.
	ItemSkipped = "skipped"
)

// Item reason codes (air_items.reason): why an item was skipped or cut.
const (
	ReasonWithdrawn = "withdrawn"        // retired or rejected after the run was assembled
	ReasonRevoked   = "approval revoked" // no longer approved for exactly its content
	ReasonAltered   = "altered"          // the stored file does not hash to the approved sha256
	ReasonExpired   = "expired"          // outside its air window or over its max plays
	ReasonPreempted = "preempted"        // cut by an emergency announcement
)

// Run statuses.
const (
	RunCompleted = "completed"
	RunPartial   = "partial"
	RunMissed    = "missed"
	RunEmpty     = "empty"
	// RunFailed: the output could not play it (the reason says why).
	RunFailed = "failed"
)

// ErrDuplicate is returned by OpenRun, LogMissed and RecordRun when the log
// already holds a run of that programme at that scheduled time.
var ErrDuplicate = errors.New("run already logged")

// ErrNotOpen is returned when closing a row that is not open (closed
// already, or no such row): trying again cannot help.
var ErrNotOpen = errors.New("no open row with that id")

// Log is the airtime log in one station database.
type Log struct {
	db *sql.DB
}

// New returns the log stored in db (already migrated by database.Open).
func New(db *sql.DB) *Log { return &Log{db: db} }

// RunSpec identifies a programme run.
type RunSpec struct {
	Programme   string
	Title       string // programme title, copied for the report
	Output      string // output spec the run plays on
	ScheduledAt time.Time
	Simulated   bool
}

// RunEnd closes a run.
type RunEnd struct {
	EndedAt time.Time // zero: now
	Status  string    // RunCompleted, RunPartial, RunMissed, RunEmpty or RunFailed
	Reason  string
}

// ItemSpec is an item as it starts on air. Title, topic, area, audience and
// sha256 are copied from the script so later edits do not rewrite history.
type ItemSpec struct {
	RunID       int64
	Position    int // 0-based order within the run
	Kind        string
	ScriptID    int64 // 0 for jingles and fillers without a script
	Title       string
	Topic       string
	Area        string
	Audience    string
	SHA256      string
	ScheduledAt time.Time // planned start
	StartedAt   time.Time // actual start (from the output sample offset)
	Level       string    // announcements: LevelPriority or LevelEmergency
	OrderedBy   string    // announcements: who ordered it
}

// ItemEnd closes an item.
type ItemEnd struct {
	EndedAt time.Time // zero: started_at + Seconds
	Seconds float64   // aired, from the sample offsets actually played
	Status  string    // ItemAired, ItemPartial, ItemFailed or ItemSkipped
	Error   string
	Reason  string // a reason code (ReasonWithdrawn...), "" when none
}

// OpenRun inserts an open run and returns its id.
func (l *Log) OpenRun(ctx context.Context, r RunSpec) (int64, error) {
	res, err := l.db.ExecContext(ctx, `INSERT INTO air_runs (programme, title, output, scheduled_at, simulated)
		VALUES (?, ?, ?, ?, ?)`, r.Programme, r.Title, r.Output, database.FormatTime(r.ScheduledAt), b2i(r.Simulated))
	if err != nil {
		if isUnique(err) {
			return 0, fmt.Errorf("open run %s at %s: %w", r.Programme, database.FormatTime(r.ScheduledAt), ErrDuplicate)
		}
		return 0, fmt.Errorf("open run %s at %s: %w", r.Programme, database.FormatTime(r.ScheduledAt), err)
	}
	return res.LastInsertId()
}

// StartRun records when the run's first sample left the output and how far
// that was from the scheduled time (positive: late).
func (l *Log) StartRun(ctx context.Context, runID int64, startedAt time.Time, startErrorMS float64) error {
	_, err := l.db.ExecContext(ctx, `UPDATE air_runs SET started_at = ?, start_error_ms = ? WHERE id = ? AND status IS NULL`,
		database.FormatTime(startedAt), startErrorMS, runID)
	if err != nil {
		return fmt.Errorf("start run %d: %w", runID, err)
	}
	return nil
}

// CloseRun closes an open run. A run that never started gets started_at
// NULL; ended_at defaults to now.
func (l *Log) CloseRun(ctx context.Context, runID int64, e RunEnd) error {
	if err := checkRunStatus(e.Status); err != nil {
		return fmt.Errorf("close run %d: %w", runID, err)
	}
	end := e.EndedAt
	if end.IsZero() {
		end = time.Now()
	}
	res, err := l.db.ExecContext(ctx, `UPDATE air_runs SET ended_at = ?, status = ?, reason = ? WHERE id = ? AND status IS NULL`,
		database.FormatTime(end), e.Status, e.Reason, runID)
	if err != nil {
		return fmt.Errorf("close run %d: %w", runID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("close run %d: %w", runID, ErrNotOpen)
	}
	return nil
}

// LogMissed writes a run that did not air (status RunMissed or RunEmpty),
// closed at once. startedAt/endedAt stay NULL for missed runs; an empty run
// is stamped with its scheduled time.
func (l *Log) LogMissed(ctx context.Context, r RunSpec, status, reason string) (int64, error) {
	if status != RunMissed && status != RunEmpty {
		return 0, fmt.Errorf("log missed run %s: status %q is not missed or empty", r.Programme, status)
	}
	at := database.FormatTime(r.ScheduledAt)
	var started, ended any
	if status == RunEmpty {
		started, ended = at, at
	}
	res, err := l.db.ExecContext(ctx, `INSERT INTO air_runs (programme, title, output, scheduled_at, started_at, ended_at, status, reason, simulated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Programme, r.Title, r.Output, at, started, ended, status, reason, b2i(r.Simulated))
	if err != nil {
		if isUnique(err) {
			return 0, fmt.Errorf("log %s run %s at %s: %w", status, r.Programme, at, ErrDuplicate)
		}
		return 0, fmt.Errorf("log %s run %s at %s: %w", status, r.Programme, at, err)
	}
	return res.LastInsertId()
}

// StartItem inserts an open item of an open run and returns its id. The
// simulated flag is copied from the run.
func (l *Log) StartItem(ctx context.Context, it ItemSpec) (int64, error) {
	if err := checkKind(it.Kind); err != nil {
		return 0, fmt.Errorf("start item %d of run %d: %w", it.Position, it.RunID, err)
	}
	res, err := l.db.ExecContext(ctx, `INSERT INTO air_items (run_id, position, kind, script_id, title, topic, area, audience,
			audio_sha256, scheduled_at, started_at, level, ordered_by, simulated)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, simulated FROM air_runs WHERE id = ?`,
		it.RunID, it.Position, it.Kind, nullID(it.ScriptID), it.Title, it.Topic, it.Area, it.Audience, it.SHA256,
		database.FormatTime(it.ScheduledAt), database.FormatTime(it.StartedAt), it.Level, it.OrderedBy, it.RunID)
	if err != nil {
		return 0, fmt.Errorf("start item %d of run %d: %w", it.Position, it.RunID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, fmt.Errorf("start item %d of run %d: no such run", it.Position, it.RunID)
	}
	return res.LastInsertId()
}

// Progress records how many seconds of an open item have aired, so that a
// crash loses at most the time since the last call.
func (l *Log) Progress(ctx context.Context, itemID int64, seconds float64) error {
	_, err := l.db.ExecContext(ctx, `UPDATE air_items SET progress_s = ? WHERE id = ? AND status IS NULL`, seconds, itemID)
	if err != nil {
		return fmt.Errorf("record progress of item %d: %w", itemID, err)
	}
	return nil
}

// CloseItem closes an open item with the seconds actually aired.
func (l *Log) CloseItem(ctx context.Context, itemID int64, e ItemEnd) error {
	if err := checkItemStatus(e.Status); err != nil {
		return fmt.Errorf("close item %d: %w", itemID, err)
	}
	var started string
	if err := l.db.QueryRowContext(ctx, `SELECT started_at FROM air_items WHERE id = ?`, itemID).Scan(&started); err != nil {
		return fmt.Errorf("close item %d: %w", itemID, err)
	}
	end := e.EndedAt
	if end.IsZero() {
		st, err := database.ParseTime(started)
		if err != nil {
			return fmt.Errorf("close item %d: %w", itemID, err)
		}
		end = st.Add(secondsDur(e.Seconds))
	}
	res, err := l.db.ExecContext(ctx, `UPDATE air_items SET ended_at = ?, seconds = ?, progress_s = ?, status = ?, error = ?, reason = ?
		WHERE id = ? AND status IS NULL`, database.FormatTime(end), e.Seconds, e.Seconds, e.Status, e.Error, e.Reason, itemID)
	if err != nil {
		return fmt.Errorf("close item %d: %w", itemID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("close item %d: %w", itemID, ErrNotOpen)
	}
	return nil
}

// Recovered counts what RecoverOpen closed.
type Recovered struct {
	Items, Runs int
}

// RecoverOpen closes every row left open by a process that died: items as
// partial with their last recorded progress (ended_at = started_at +
// progress), runs as partial ending with their last item (or missed, if the
// first sample never left). It is idempotent and never inserts rows. Call it
// only while holding the data directory lock, before playing anything.
func (l *Log) RecoverOpen(ctx context.Context, reason string) (Recovered, error) {
	var rec Recovered
	err := database.Tx(ctx, l.db, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, started_at, progress_s FROM air_items WHERE status IS NULL`)
		if err != nil {
			return err
		}
		type open struct {
			id      int64
			started string
			prog    float64
		}
		var items []open
		for rows.Next() {
			var o open
			if err := rows.Scan(&o.id, &o.started, &o.prog); err != nil {
				rows.Close()
				return err
			}
			items = append(items, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, o := range items {
			st, err := database.ParseTime(o.started)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE air_items SET ended_at = ?, seconds = progress_s, status = 'partial', error = ?
				WHERE id = ? AND status IS NULL`, database.FormatTime(st.Add(secondsDur(o.prog))), reason, o.id); err != nil {
				return err
			}
			rec.Items++
		}
		res, err := tx.ExecContext(ctx, `UPDATE air_runs SET
				status = CASE WHEN started_at IS NULL THEN 'missed' ELSE 'partial' END,
				ended_at = CASE WHEN started_at IS NULL THEN NULL ELSE
					COALESCE((SELECT MAX(ended_at) FROM air_items WHERE run_id = air_runs.id), started_at) END,
				reason = CASE WHEN reason = '' THEN ? ELSE reason || '; ' || ? END
			WHERE status IS NULL`, reason, reason)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		rec.Runs = int(n)
		return nil
	})
	if err != nil {
		return rec, fmt.Errorf("recover open airtime log rows: %w", err)
	}
	return rec, nil
}

func checkKind(k string) error {
	switch k {
	case KindScript, KindJingle, KindFiller, KindAnnouncement:
		return nil
	}
	return fmt.Errorf("unknown item kind %q", k)
}

func checkItemStatus(s string) error {
	switch s {
	case ItemAired, ItemPartial, ItemFailed, ItemSkipped:
		return nil
	}
	return fmt.Errorf("unknown item status %q", s)
}

func checkRunStatus(s string) error {
	switch s {
	case RunCompleted, RunPartial, RunMissed, RunEmpty, RunFailed:
		return nil
	}
	return fmt.Errorf("unknown run status %q", s)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// isUnique reports whether err is a UNIQUE constraint (for air_runs: programme,
// scheduled_at, simulated) refusing a second row.
func isUnique(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique
}

// secondsDur converts seconds to a duration rounded to the millisecond, the
// resolution of stored times.
func secondsDur(s float64) time.Duration {
	return time.Duration(s*1000+0.5) * time.Millisecond
}

// KindLabel is the Vietnamese word for an item kind, for people (the
// command line's table, the console); JSON keeps the codes.
func KindLabel(code string) string {
	switch code {
	case KindScript:
		return "bài"
	case KindJingle:
		return "nhạc hiệu"
	case KindFiller:
		return "lấp chỗ"
	case KindAnnouncement:
		return "thông báo"
	}
	return code
}

// StatusLabel is the Vietnamese word for the status of an item or a run,
// for people (the command line's log, the report, the console); JSON keeps
// the codes. An open one ("") is "chưa kết thúc".
func StatusLabel(code string) string {
	switch code {
	case ItemAired:
		return "đã phát"
	case ItemPartial: // = RunPartial; the report's word too
		return "phát một phần"
	case ItemFailed: // = RunFailed
		return "lỗi"
	case ItemSkipped:
		return "bỏ qua"
	case RunCompleted:
		return "hoàn thành"
	case RunMissed:
		return "bỏ lỡ"
	case RunEmpty:
		return "không có bài"
	case "":
		return "chưa kết thúc"
	}
	return code
}
