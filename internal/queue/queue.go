package queue

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"loa/internal/audio"
	"loa/internal/config"
	"loa/internal/content"
	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/taxonomy"
	"loa/internal/tts"
)

// Media is what decoding a whole audio file tells about it: the audio
// engine's own description, so ingest, assembly and playout hand it on
// without copying it field by field.
type Media = audio.Info

// Level is how a script's audio is gained in the station chain.
type Level = audio.Level

// Analyzer decodes a whole file, failing on anything that is not playable
// audio. The audio engine provides it; tests may fake it.
type Analyzer func(ctx context.Context, r io.ReadSeeker) (Media, error)

// Converter turns the file at src, in a format the Analyzer does not
// decode, into FLAC at dst, stopping after max. The audio engine's ffmpeg
// provides it when installed.
type Converter func(ctx context.Context, src, dst string, max time.Duration) error

// Progress is told how far a long ingest has got (bytes of total; total is
// 0 while the size of an upload is unknown).
type Progress func(phase string, done, total int64)

// Warning is something the officer should know about a script the queue
// accepted (the command line prints it on stderr, the console shows it).
type Warning struct {
	Code    string `json:"code"`      // WarnSameAudio, WarnLevel
	Script  int64  `json:"script_id"` // the other script it concerns
	Message string `json:"message"`   // one line, Vietnamese then English
}

// Warning codes.
const (
	// WarnSameAudio: another script already has exactly this audio.
	WarnSameAudio = "same-audio"
	// WarnLevel: the audio cannot reach the station's loudness target
	// through its processing chain (Media.Level.Short says why).
	WarnLevel = "level"
)

// Queue is the script queue over the station database and content store.
type Queue struct {
	db       *sql.DB
	store    *content.Store
	cfg      *config.Config
	analyze  Analyzer
	convert  Converter
	progress Progress
	now      func() time.Time
}

// Option adjusts a Queue.
type Option func(*Queue)

// WithProgress reports ingest progress to p, for uploads without their own.
func WithProgress(p Progress) Option { return func(q *Queue) { q.progress = p } }

// WithConverter lets ingest convert formats the analyzer does not decode;
// without it they are refused with advice.
func WithConverter(c Converter) Option { return func(q *Queue) { q.convert = c } }

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(q *Queue) { q.now = now } }

// New returns the queue. analyze may be nil for read-only use.
func New(db *sql.DB, store *content.Store, cfg *config.Config, analyze Analyzer, opts ...Option) *Queue {
	q := &Queue{db: db, store: store, cfg: cfg, analyze: analyze, now: time.Now}
	for _, o := range opts {
		o(q)
	}
	return q
}

// Fields are the settable fields of a script. Nil means "not given" (keep
// the current value on edit, the default on add).
type Fields struct {
	Title, Topic, Area, Audience, Author, Priority *string
	From, Until                                    *string
	MaxPlays                                       *int // 0 clears the limit
	// Audio is the recording; Text the script's text (UTF-8, at most
	// MaxTextBytes). Nil keeps the current one.
	Audio, Text *Upload
	// Voice says the Audio was spoken from the text by this engine; new
	// Audio without it is a recording (and a script spoken before becomes
	// a recorded one).
	Voice *tts.Voice
}

// Add validates f, ingests its audio and text, and queues a new submitted
// script. On any error nothing is stored. The warnings are about a script
// that was added.
func (q *Queue) Add(ctx context.Context, f Fields, actor string) (Script, []Warning, error) {
	if f.Title == nil {
		return Script{}, nil, inputerr.Field("title", "required", "title: required")
	}
	if f.Topic == nil {
		return Script{}, nil, inputerr.Field("topic", "required", "topic: required (one of %s)", strings.Join(taxonomy.Codes(taxonomy.Topics()), ", "))
	}
	if f.Audio == nil && f.Text == nil {
		return Script{}, nil, inputerr.Field("audio", "required", "script needs --audio FILE or --text FILE")
	}
	s := Script{Audience: taxonomy.DefaultAudience, Priority: "normal", Status: Submitted}
	ing, err := q.apply(ctx, &s, f)
	if err != nil {
		return Script{}, nil, err
	}
	defer ing.discard(ctx)
	warn, err := ing.warnings(ctx, 0)
	if err != nil {
		return Script{}, nil, err
	}

	now := q.now().UTC()
	err = database.Tx(ctx, q.db, func(tx *sql.Tx) error {
		if err := ing.commit(); err != nil {
			return err
		}
		v := voiceColumns(s.Voice)
		res, err := tx.ExecContext(ctx, `INSERT INTO scripts (title, topic, area, audience, author, body, text_sha256,
			audio_sha256, audio_format, sample_rate, channels, frames, duration_s, loudness_lufs, true_peak_dbtp,
			priority, air_from, air_until, max_plays, status, created_at, updated_at, tts_engine, tts_voice, tts_normalizer, audio_level)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			s.Title, s.Topic, s.Area, s.Audience, s.Author, s.Body, s.TextSHA256,
			s.AudioSHA256, s.AudioFormat, s.SampleRate, s.Channels, s.Frames, s.DurationS, s.LoudnessLUFS, s.TruePeakDBTP,
			s.Priority, s.From, s.Until, s.MaxPlays, Submitted, database.FormatTime(now), database.FormatTime(now), v[0], v[1], v[2], levelColumn(s.Level))
		if err != nil {
			return err
		}
		if s.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return addEvent(ctx, tx, s.ID, now, actor, "", Submitted, ing.withNote("queued"))
	})
	if err != nil {
		return Script{}, nil, fmt.Errorf("add script: %w", err)
	}
	ing.keep()
	s, err = q.Get(ctx, s.ID)
	return s, warn, err
}

// Edit changes the given fields. When the audio or text changes, an approval
// no longer holds: the script goes back to submitted. The warnings are
// about the edited script.
func (q *Queue) Edit(ctx context.Context, id int64, f Fields, actor string) (Script, []Warning, error) {
	cur, err := q.Get(ctx, id)
	if err != nil {
		return Script{}, nil, err
	}
	if cur.Status == Retired {
		return Script{}, nil, inputerr.Field("status", "retired", "script %d is retired and cannot be edited", id)
	}
	s := cur
	ing, err := q.apply(ctx, &s, f)
	if err != nil {
		return Script{}, nil, err
	}
	defer ing.discard(ctx)
	warn, err := ing.warnings(ctx, id)
	if err != nil {
		return Script{}, nil, err
	}

	changes := diff(cur, s)
	if len(changes) == 0 {
		if ing != nil {
			// The same audio again: it still takes its place in the store,
			// which repairs a stored copy that was damaged.
			if err := database.Tx(ctx, q.db, func(*sql.Tx) error { return ing.commit() }); err != nil {
				return Script{}, nil, fmt.Errorf("edit script %d: %w", id, err)
			}
			ing.keep()
		}
		return cur, warn, nil
	}
	to, note := cur.Status, "edited: "+changes.String()
	switch voids := changes.voiding(); {
	case len(voids) > 0 && cur.Status == Approved:
		// What was approved is this recording and text, aired on these
		// terms: a new priority, topic, window or play limit is a new
		// decision for the approver, not an operator's.
		to = Submitted
		note += "; approval void (" + strings.Join(voids, ", ") + " changed after approval): approve again"
	case cur.AudioSHA256 != s.AudioSHA256 || cur.TextSHA256 != s.TextSHA256:
		if cur.Status == Rejected {
			to = Submitted
			note += "; resubmitted"
		}
	}
	note = ing.withNote(note)
	now := q.now().UTC()
	err = database.Tx(ctx, q.db, func(tx *sql.Tx) error {
		if err := ing.commit(); err != nil {
			return err
		}
		v := voiceColumns(s.Voice)
		res, err := tx.ExecContext(ctx, `UPDATE scripts SET title=?, topic=?, area=?, audience=?, author=?, body=?, text_sha256=?,
			audio_sha256=?, audio_format=?, sample_rate=?, channels=?, frames=?, duration_s=?, loudness_lufs=?, true_peak_dbtp=?,
			priority=?, air_from=?, air_until=?, max_plays=?, status=?, updated_at=?, tts_engine=?, tts_voice=?, tts_normalizer=?, audio_level=?
			WHERE id=? AND status=? AND audio_sha256=? AND text_sha256=?`,
			s.Title, s.Topic, s.Area, s.Audience, s.Author, s.Body, s.TextSHA256,
			s.AudioSHA256, s.AudioFormat, s.SampleRate, s.Channels, s.Frames, s.DurationS, s.LoudnessLUFS, s.TruePeakDBTP,
			s.Priority, s.From, s.Until, s.MaxPlays, to, database.FormatTime(now), v[0], v[1], v[2], levelColumn(s.Level),
			id, cur.Status, cur.AudioSHA256, cur.TextSHA256)
		if err != nil {
			return err
		}
		// Bound to the content read above too: writing back stale audio
		// over a concurrent replacement would lose it (and any approval of it).
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("script %d changed meanwhile; try again", id)
		}
		return addEvent(ctx, tx, id, now, actor, cur.Status, to, note)
	})
	if err != nil {
		return Script{}, nil, fmt.Errorf("edit script %d: %w", id, err)
	}
	ing.keep()
	s, err = q.Get(ctx, id)
	return s, warn, err
}

// MinSHA256Prefix is how many hex digits of the audio's SHA-256 an approver
// must give: enough that a replaced recording cannot match by chance.
const MinSHA256Prefix = 8

// NotHeardError is Approve's refusal of a hash that is not the script's
// audio: a typing slip, or a recording replaced after it was heard (the
// console answers that as a conflict).
type NotHeardError struct {
	ID           int64
	Audio, Heard string // the current audio's SHA-256; the prefix given
}

func (e *NotHeardError) Error() string {
	return fmt.Sprintf("script %d: --sha256 %s is not its audio (now %.12s…): listen again before approving", e.ID, e.Heard, e.Audio)
}

// Approve records that by approved the script's current audio and text. The
// approver names the audio heard by the start of its SHA-256 (as "loa script
// show" prints it), so a recording replaced between listening and approving
// is never approved unheard. A script without audio cannot be approved: what
// airs is the recording, and nobody has heard one yet.
func (q *Queue) Approve(ctx context.Context, id int64, by, note, audioPrefix string) (Script, error) {
	if strings.TrimSpace(by) == "" {
		return Script{}, inputerr.New("approve: --by NAME is required")
	}
	cur, err := q.Get(ctx, id)
	if err != nil {
		return Script{}, err
	}
	if cur.Status != Submitted {
		return Script{}, inputerr.Field("status", "not_submitted", "script %d is %s; only a submitted script can be approved", id, cur.Status)
	}
	if cur.AudioSHA256 == "" {
		return Script{}, inputerr.Field("audio", "no_audio", "script %d has no audio yet: record it and add it ('loa script edit %d --audio FILE') before approving", id, id)
	}
	p := strings.ToLower(strings.TrimSpace(audioPrefix))
	if len(p) < MinSHA256Prefix || strings.Trim(p, "0123456789abcdef") != "" {
		return Script{}, inputerr.New("approve: --sha256 needs at least %d hex digits of the audio you heard (see 'loa script show %d')", MinSHA256Prefix, id)
	}
	if !strings.HasPrefix(cur.AudioSHA256, p) {
		return Script{}, inputerr.Wrap(&NotHeardError{ID: id, Audio: cur.AudioSHA256, Heard: p})
	}
	now := q.now().UTC()
	err = database.Tx(ctx, q.db, func(tx *sql.Tx) error {
		// The hashes are bound to the values we checked: if the content
		// changed since Get, the WHERE fails and nothing is approved.
		res, err := tx.ExecContext(ctx, `UPDATE scripts SET status='approved', approved_by=?, approved_at=?,
			approved_audio_sha256=audio_sha256, approved_text_sha256=text_sha256, updated_at=?
			WHERE id=? AND status='submitted' AND audio_sha256=? AND text_sha256=?`,
			nfc(by), database.FormatTime(now), database.FormatTime(now), id, cur.AudioSHA256, cur.TextSHA256)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return inputerr.Field("status", "changed", "script %d changed while approving; review it again", id)
		}
		return addEvent(ctx, tx, id, now, by, Submitted, Approved, note)
	})
	if err != nil {
		return Script{}, fmt.Errorf("approve script %d: %w", id, err)
	}
	return q.Get(ctx, id)
}

// Reject records that by rejected the script, and why.
func (q *Queue) Reject(ctx context.Context, id int64, by, reason string) (Script, error) {
	if strings.TrimSpace(by) == "" {
		return Script{}, inputerr.New("reject: --by NAME is required")
	}
	if strings.TrimSpace(reason) == "" {
		return Script{}, inputerr.New("reject: --reason TEXT is required")
	}
	return q.transition(ctx, id, []string{Submitted}, Rejected, by, reason)
}

// Retire takes a script out of use for good, from any state.
func (q *Queue) Retire(ctx context.Context, id int64, by, note string) (Script, error) {
	return q.transition(ctx, id, []string{Submitted, Approved, Rejected}, Retired, by, note)
}

func (q *Queue) transition(ctx context.Context, id int64, from []string, to, by, note string) (Script, error) {
	cur, err := q.Get(ctx, id)
	if err != nil {
		return Script{}, err
	}
	if !slices.Contains(from, cur.Status) {
		return Script{}, inputerr.Field("status", "transition", "script %d is %s; cannot change it to %s", id, cur.Status, to)
	}
	now := q.now().UTC()
	err = database.Tx(ctx, q.db, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE scripts SET status=?, updated_at=? WHERE id=? AND status=?`,
			to, database.FormatTime(now), id, cur.Status)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return inputerr.Field("status", "changed", "script %d changed meanwhile; try again", id)
		}
		return addEvent(ctx, tx, id, now, by, cur.Status, to, note)
	})
	if err != nil {
		return Script{}, fmt.Errorf("%s script %d: %w", to, id, err)
	}
	return q.Get(ctx, id)
}

func addEvent(ctx context.Context, tx *sql.Tx, id int64, at time.Time, actor, from, to, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO script_events (script_id, at, actor, from_status, to_status, note) VALUES (?,?,?,?,?,?)`,
		id, database.FormatTime(at), nfc(actor), from, to, nfc(note))
	return err
}

// apply validates f and applies it to s: metadata, text, and audio staged
// in the store (the caller keeps or discards it with the database write).
func (q *Queue) apply(ctx context.Context, s *Script, f Fields) (*ingested, error) {
	if err := applyMeta(s, f); err != nil {
		return nil, err
	}
	text, err := readText(f.Text)
	if err != nil {
		return nil, err
	}
	if text != nil {
		s.Body, s.TextSHA256 = text.body, text.sum
	}
	if f.Voice != nil && f.Audio == nil {
		return nil, errors.New("voice given without the audio it spoke") // a caller's bug
	}
	ing, err := q.ingest(ctx, f.Audio)
	if err != nil {
		return nil, err
	}
	ing.apply(s)
	if f.Audio != nil {
		s.Voice = f.Voice
	}
	return ing, nil
}

// voiceColumns is the stored form of a script's voice ("" for a recording).
func voiceColumns(v *tts.Voice) [3]string {
	if v == nil {
		return [3]string{}
	}
	return [3]string{v.Engine, v.Voice, v.Normalizer}
}

// applyMeta validates and applies the metadata fields of f to s.
func applyMeta(s *Script, f Fields) error {
	if f.Title != nil {
		t := nfc(*f.Title)
		if t == "" {
			return inputerr.Field("title", "required", "title: must not be empty")
		}
		if err := oneLine("title", t); err != nil {
			return err
		}
		if n := utf8.RuneCountInString(t); n > MaxTitleChars {
			return inputerr.Field("title", "too_long", "title: %d characters, at most %d", n, MaxTitleChars)
		}
		s.Title = t
	}
	check := func(field string, v *string, list []taxonomy.Entry, allowEmpty bool, dst *string) error {
		if v == nil {
			return nil
		}
		c := strings.TrimSpace(*v)
		if c == "" && allowEmpty {
			*dst = ""
			return nil
		}
		if !taxonomy.Known(list, c) {
			return inputerr.Field(field, "invalid", "%s: unknown code %q (one of %s)", field, c, strings.Join(taxonomy.Codes(list), ", "))
		}
		*dst = c
		return nil
	}
	if err := check("topic", f.Topic, taxonomy.Topics(), false, &s.Topic); err != nil {
		return err
	}
	if err := check("area", f.Area, taxonomy.Areas(), true, &s.Area); err != nil {
		return err
	}
	if err := check("audience", f.Audience, taxonomy.Audiences(), false, &s.Audience); err != nil {
		return err
	}
	if err := check("priority", f.Priority, taxonomy.Priorities(), false, &s.Priority); err != nil {
		return err
	}
	if f.Author != nil {
		a := nfc(*f.Author)
		if err := oneLine("author", a); err != nil {
			return err
		}
		s.Author = a
	}
	for _, d := range []struct {
		field string
		v     *string
		dst   *string
	}{{"from", f.From, &s.From}, {"until", f.Until, &s.Until}} {
		if d.v == nil {
			continue
		}
		v := strings.TrimSpace(*d.v)
		if v != "" {
			t, err := time.Parse(database.DateFormat, v)
			if err != nil || t.Format(database.DateFormat) != v {
				return inputerr.Field(d.field, "invalid", "%s: %q is not a date YYYY-MM-DD", d.field, v)
			}
		}
		*d.dst = v
	}
	if s.From != "" && s.Until != "" && s.Until < s.From {
		return inputerr.Field("until", "before_from", "until: %s is before from %s", s.Until, s.From)
	}
	if f.MaxPlays != nil {
		switch n := *f.MaxPlays; {
		case n < 0:
			return inputerr.Field("max_plays", "invalid", "max-plays: %d is negative", n)
		case n == 0:
			s.MaxPlays = nil
		default:
			s.MaxPlays = &n
		}
	}
	return nil
}

func nfc(s string) string { return norm.NFC.String(strings.TrimSpace(s)) }

// oneLine refuses bytes that are not UTF-8 and control characters: titles
// and authors are copied into tables, the airtime log and report rows, where
// a newline or tab breaks them.
func oneLine(field, v string) error {
	if !utf8.ValidString(v) {
		return inputerr.Field(field, "invalid", "%s: not valid UTF-8", field)
	}
	if strings.ContainsFunc(v, unicode.IsControl) {
		return inputerr.Field(field, "one_line", "%s: must be one line of text (no newlines, tabs or control characters)", field)
	}
	return nil
}

// MaxTitleChars caps a title: titles are table rows in the console, the
// airtime log and the chairman's report, where a page-long one breaks them.
const MaxTitleChars = 200

// MaxTextBytes caps a script's text: 100 KB is some 15,000 words, over an
// hour read aloud; anything longer is a wrong file, not a script. The same
// cap as the text-to-speech input.
const MaxTextBytes = tts.MaxTextBytes

type text struct{ body, sum string }

func readText(up *Upload) (*text, error) {
	if up == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(up.R, MaxTextBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read text %s: %w", up.Name, err)
	}
	if len(b) > MaxTextBytes {
		return nil, inputerr.Field("text", "too_large", "text %s: longer than %d KB", up.Name, MaxTextBytes>>10)
	}
	if !utf8.Valid(b) {
		return nil, inputerr.Field("text", "invalid", "text %s: not UTF-8 text", up.Name)
	}
	body := norm.NFC.String(strings.TrimSpace(strings.TrimPrefix(string(b), "\uFEFF")))
	if body == "" {
		return nil, inputerr.Field("text", "required", "text %s: empty", up.Name)
	}
	sum := sha256.Sum256([]byte(body))
	return &text{body: body, sum: hex.EncodeToString(sum[:])}, nil
}

// change is one field an edit changed, with its old and new values as the
// history shows them.
type change struct {
	field, from, to string
	voids           bool // an approval does not survive it
}

type changes []change

// String is what the history records: "priority: normal → emergency; …".
func (cs changes) String() string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.field + ": " + c.from + " → " + c.to
	}
	return strings.Join(parts, "; ")
}

// voiding lists the changed fields that void an approval.
func (cs changes) voiding() []string {
	var out []string
	for _, c := range cs {
		if c.voids {
			out = append(out, c.field)
		}
	}
	return out
}

// diff lists what differs from a to b. The content and the terms of air
// (priority, topic, window, play limit) void an approval; title, area,
// audience and author describe the script for the log and the report.
func diff(a, b Script) changes {
	var out changes
	add := func(field, from, to string, voids bool) {
		if from != to {
			out = append(out, change{field, shown(from), shown(to), voids})
		}
	}
	add("title", quoted(a.Title), quoted(b.Title), false)
	add("topic", a.Topic, b.Topic, true)
	add("area", a.Area, b.Area, false)
	add("audience", a.Audience, b.Audience, false)
	add("author", quoted(a.Author), quoted(b.Author), false)
	add("priority", a.Priority, b.Priority, true)
	add("from", a.From, b.From, true)
	add("until", a.Until, b.Until, true)
	add("max_plays", limitText(a.MaxPlays), limitText(b.MaxPlays), true)
	add("audio", short(a.AudioSHA256), short(b.AudioSHA256), true)
	add("text", short(a.TextSHA256), short(b.TextSHA256), true)
	return out
}

// shown marks an empty value, so "until: → 2023-07-31" cannot be misread.
func shown(v string) string {
	if v == "" {
		return "—"
	}
	return v
}

func quoted(v string) string {
	if v == "" {
		return ""
	}
	return "“" + v + "”"
}

// short is a content hash as an approver compares it (script show, --sha256).
func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}

func limitText(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}
