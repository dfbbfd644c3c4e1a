package queue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/tts"
)

// ErrNotFound is returned for an unknown script id.
var ErrNotFound = errors.New("no such script")

// scriptColumns are what scanScript reads before the play counts.
const scriptColumns = `s.id, s.title, s.topic, s.area, s.audience, s.author, s.body, s.text_sha256,
	s.audio_sha256, s.audio_format, s.sample_rate, s.channels, s.frames, s.duration_s, s.loudness_lufs, s.true_peak_dbtp,
	s.priority, s.air_from, s.air_until, s.max_plays, s.status, s.approved_by, s.approved_at,
	s.approved_audio_sha256, s.approved_text_sha256, s.created_at, s.tts_engine, s.tts_voice, s.tts_normalizer,
	s.audio_level`

// selectScripts reads scripts with their play counts derived from the
// airtime log: real (not simulated) script broadcasts that aired whole or in
// part.
const selectScripts = `SELECT ` + scriptColumns + `, coalesce(p.plays, 0), coalesce(p.last, '')
	FROM scripts s LEFT JOIN (
		SELECT script_id, count(*) AS plays, max(started_at) AS last FROM air_items
		WHERE kind = 'script' AND status IN ('aired','partial') AND simulated = 0 AND script_id IS NOT NULL
		GROUP BY script_id) p ON p.script_id = s.id`

type scanner interface{ Scan(...any) error }

func scanScript(r scanner, loc *time.Location) (Script, error) {
	var s Script
	var maxPlays sql.NullInt64
	var lufs, tp sql.NullFloat64
	var approvedAt, createdAt, last, level string
	var v tts.Voice
	err := r.Scan(&s.ID, &s.Title, &s.Topic, &s.Area, &s.Audience, &s.Author, &s.Body, &s.TextSHA256,
		&s.AudioSHA256, &s.AudioFormat, &s.SampleRate, &s.Channels, &s.Frames, &s.DurationS, &lufs, &tp,
		&s.Priority, &s.From, &s.Until, &maxPlays, &s.Status, &s.ApprovedBy, &approvedAt,
		&s.approvedAudio, &s.approvedText, &createdAt, &v.Engine, &v.Voice, &v.Normalizer, &level, &s.Plays, &last)
	if err != nil {
		return s, err
	}
	if level != "" {
		var lv Level
		if err := json.Unmarshal([]byte(level), &lv); err == nil {
			s.Level = &lv // unreadable: found again before air
		}
	}
	if v.Engine != "" {
		s.Voice = &v
	}
	if maxPlays.Valid {
		n := int(maxPlays.Int64)
		s.MaxPlays = &n
	}
	if lufs.Valid {
		s.LoudnessLUFS = &lufs.Float64
	}
	if tp.Valid {
		s.TruePeakDBTP = &tp.Float64
	}
	for _, t := range []struct {
		src string
		dst *JSONTime
	}{{approvedAt, &s.ApprovedAt}, {createdAt, &s.CreatedAt}, {last, &s.LastPlayed}} {
		if t.src == "" {
			continue
		}
		v, err := database.ParseTime(t.src)
		if err != nil {
			return s, err
		}
		t.dst.Time = v.In(loc)
	}
	if s.Status != Approved {
		// Approval fields describe the current approval only.
		s.ApprovedBy, s.ApprovedAt = "", JSONTime{}
	}
	s.NeedsAudio = s.AudioSHA256 == ""
	return s, nil
}

// Get returns one script.
func (q *Queue) Get(ctx context.Context, id int64) (Script, error) {
	s, err := scanScript(q.db.QueryRowContext(ctx, `SELECT `+scriptColumns+`, `+playCounts+` FROM scripts s WHERE s.id = ?`, id), q.loc())
	if errors.Is(err, sql.ErrNoRows) {
		return Script{}, inputerr.New("script %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Script{}, fmt.Errorf("read script %d: %w", id, err)
	}
	return s, nil
}

// List returns scripts, all or those with one status, oldest first. Bodies
// are left out.
func (q *Queue) List(ctx context.Context, status string) ([]Script, error) {
	query := selectScripts
	var args []any
	if status != "" {
		switch status {
		case Submitted, Approved, Rejected, Retired:
		default:
			return nil, inputerr.New("status: unknown %q (submitted, approved, rejected, retired)", status)
		}
		query += ` WHERE s.status = ?`
		args = append(args, status)
	}
	return q.query(ctx, query+` ORDER BY s.id`, args...)
}

func (q *Queue) query(ctx context.Context, query string, args ...any) ([]Script, error) {
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list scripts: %w", err)
	}
	defer rows.Close()
	var out []Script
	for rows.Next() {
		s, err := scanScript(rows, q.loc())
		if err != nil {
			return nil, fmt.Errorf("list scripts: %w", err)
		}
		s.Body = ""
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list scripts: %w", err)
	}
	return out, nil
}

// History returns the script's audit trail, oldest first.
func (q *Queue) History(ctx context.Context, id int64) ([]Event, error) {
	if _, err := q.Get(ctx, id); err != nil {
		return nil, err
	}
	rows, err := q.db.QueryContext(ctx, `SELECT script_id, at, actor, from_status, to_status, note FROM script_events WHERE script_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("history of script %d: %w", id, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at string
		if err := rows.Scan(&e.Script, &at, &e.Actor, &e.From, &e.To, &e.Note); err != nil {
			return nil, fmt.Errorf("history of script %d: %w", id, err)
		}
		t, err := database.ParseTime(at)
		if err != nil {
			return nil, fmt.Errorf("history of script %d: %w", id, err)
		}
		e.At = JSONTime{Time: t.In(q.loc())}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Approved returns the scripts whose approval holds and that have audio,
// with their play counts, oldest approval first.
func (q *Queue) Approved(ctx context.Context) ([]Script, error) {
	// Play counts for these scripts only, by index: the whole-log
	// aggregate of selectScripts costs a scan of every item ever aired.
	all, err := q.query(ctx, `SELECT `+scriptColumns+`, `+playCounts+` FROM scripts s
		WHERE s.status = 'approved' AND s.audio_sha256 <> '' ORDER BY s.approved_at, s.id`)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, s := range all {
		if s.ApprovalHolds() {
			out = append(out, s)
		}
	}
	return out, nil
}

// Eligible returns the approved scripts that may air at instant at: inside
// their window (in the station's local date) and under their max plays. The
// stored audio is checked separately, just before air, by VerifyAudio.
func (q *Queue) Eligible(ctx context.Context, at time.Time) ([]Script, error) {
	all, err := q.Approved(ctx)
	if err != nil {
		return nil, err
	}
	day := at.In(q.cfg.Location()).Format(database.DateFormat)
	out := all[:0]
	for _, s := range all {
		if s.InWindow(day) && s.UnderMaxPlays() {
			out = append(out, s)
		}
	}
	return out, nil
}

// VerifyAudio checks, just before air, that the script is still approved
// for its current content and that the stored file still hashes to what was
// approved. It returns the file to play.
func (q *Queue) VerifyAudio(ctx context.Context, s Script) (string, error) {
	cur, err := q.Get(ctx, s.ID)
	if err != nil {
		return "", err
	}
	switch {
	case !cur.ApprovalHolds():
		return "", fmt.Errorf("script %d: not approved for its current content (status %s)", s.ID, cur.Status)
	case cur.NeedsAudio:
		return "", fmt.Errorf("script %d: has no audio", s.ID)
	case cur.AudioSHA256 != s.AudioSHA256:
		return "", fmt.Errorf("script %d: audio changed since it was chosen", s.ID)
	}
	if err := q.store.Verify(ctx, cur.AudioSHA256); err != nil {
		return "", fmt.Errorf("script %d: %w", s.ID, err)
	}
	return q.store.Path(cur.AudioSHA256), nil
}

// StatusLabel is the Vietnamese label of a status, for people.
func StatusLabel(status string) string {
	switch status {
	case Submitted:
		return "Chờ duyệt"
	case Approved:
		return "Đã duyệt"
	case Rejected:
		return "Từ chối"
	case Retired:
		return "Ngừng sử dụng"
	}
	return strings.ToUpper(status)
}

// Verdict is AirCheck's answer.
type Verdict int

// AirCheck verdicts: may air, or why not.
const (
	Airable   Verdict = iota
	Withdrawn         // retired or rejected since it was planned
	Revoked           // no longer approved for exactly the planned content
	Expired           // outside its window or over its max plays
)

// AirCheck is asked at the instant of air, just before the first sample of
// script id goes out with the audio (sha256) it was planned with. The
// stored file itself is hashed by the player, which holds it open.
func (q *Queue) AirCheck(ctx context.Context, id int64, sha string, at time.Time) (Verdict, error) {
	cur, err := q.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Withdrawn, nil
	}
	if err != nil {
		return Airable, fmt.Errorf("check script %d for air: %w", id, err)
	}
	switch {
	case cur.Status == Retired || cur.Status == Rejected:
		return Withdrawn, nil
	case !cur.ApprovalHolds() || cur.NeedsAudio || cur.AudioSHA256 != sha:
		return Revoked, nil
	case !cur.InWindow(at.In(q.cfg.Location()).Format(database.DateFormat)) || !cur.UnderMaxPlays():
		return Expired, nil
	}
	return Airable, nil
}

// PageFilter selects one page of the queue; empty fields match all.
type PageFilter struct {
	Status, Topic, Area, Audience string
	Title                         string // a substring of the title (SQLite LIKE: ASCII letters ignore case)
	UntilFrom, UntilTo            string // air_until between these local dates, inclusive
	Newest                        bool   // newest first
	Limit, Offset                 int
}

// playCounts are a script's plays and last airing, computed for the rows of
// one page only (the whole-log aggregate of selectScripts is for lists that
// need every script).
const playCounts = `(SELECT count(*) FROM air_items i WHERE i.script_id = s.id AND i.kind = 'script'
		AND i.status IN ('aired','partial') AND i.simulated = 0),
	coalesce((SELECT max(i.started_at) FROM air_items i WHERE i.script_id = s.id AND i.kind = 'script'
		AND i.status IN ('aired','partial') AND i.simulated = 0), '')`

// Page returns one page of scripts matching f (bodies left out) and how
// many match in all.
func (q *Queue) Page(ctx context.Context, f PageFilter) ([]Script, int, error) {
	var conds []string
	var args []any
	add := func(cond, v string) {
		if v != "" {
			conds = append(conds, cond)
			args = append(args, v)
		}
	}
	switch f.Status {
	case "", Submitted, Approved, Rejected, Retired:
	default:
		return nil, 0, inputerr.New("status: unknown %q (submitted, approved, rejected, retired)", f.Status)
	}
	add("s.status = ?", f.Status)
	add("s.topic = ?", f.Topic)
	add("s.area = ?", f.Area)
	add("s.audience = ?", f.Audience)
	if f.Title != "" {
		add(`s.title LIKE ? ESCAPE '\'`, "%"+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.Title)+"%")
	}
	add("s.air_until >= ?", f.UntilFrom)
	add("s.air_until <= ?", f.UntilTo)
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := q.db.QueryRowContext(ctx, `SELECT count(*) FROM scripts s`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count scripts: %w", err)
	}
	order := " ORDER BY s.id"
	if f.Newest {
		order += " DESC"
	}
	list, err := q.query(ctx, `SELECT `+scriptColumns+`, `+playCounts+` FROM scripts s`+where+order+` LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// loc is the station's zone, in which the JSON shows times.
func (q *Queue) loc() *time.Location {
	if q.cfg == nil || q.cfg.Location() == nil {
		return time.UTC
	}
	return q.cfg.Location()
}
