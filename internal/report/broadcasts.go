package report

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/text/unicode/norm"

	"loa/internal/database"
)

// Broadcast is one line of the list of broadcasts.
type Broadcast struct {
	Started   time.Time // local
	Programme string    // the run's title, or its programme name
	Title     string
	ScriptID  int64
	Topic     string
	Area      string
	Audience  string
	Seconds   float64
	Status    string // aired, partial
	Simulated bool
}

const broadcastsQuery = `
SELECT i.started_at, r.programme, r.title, i.title, COALESCE(i.script_id, 0), i.topic, i.area, i.audience,
       COALESCE(i.seconds, 0), i.status, i.simulated
FROM air_items i INDEXED BY air_items_report_time JOIN air_runs r ON r.id = i.run_id
WHERE i.started_at >= ? AND i.started_at < ? AND i.kind = 'script' AND i.status IN ('aired', 'partial')
ORDER BY i.started_at, i.id`

// EachBroadcast calls fn for each broadcast of the period in time order, at
// most limit of them when limit > 0.
func (r *Report) EachBroadcast(ctx context.Context, limit int, fn func(Broadcast) error) error {
	q := broadcastsQuery
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := r.conn.QueryContext(ctx, q, database.FormatTime(r.period.Start), database.FormatTime(r.period.End))
	if err != nil {
		return fmt.Errorf("list broadcasts: %w", err)
	}
	defer rows.Close()
	loc := r.cfg.Location()
	texts := nfcCache{}
	var (
		started        string
		prog, runTitle string
		b              Broadcast
	)
	for rows.Next() {
		if err := rows.Scan(&started, &prog, &runTitle, &b.Title, &b.ScriptID, &b.Topic, &b.Area, &b.Audience,
			&b.Seconds, &b.Status, &b.Simulated); err != nil {
			return fmt.Errorf("list broadcasts: %w", err)
		}
		t, err := parseStamp(started)
		if err != nil {
			return fmt.Errorf("list broadcasts: %w", err)
		}
		b.Started = t.In(loc)
		b.Programme = runTitle
		if b.Programme == "" {
			b.Programme = prog
		}
		b.Programme, b.Title = texts.nfc(b.Programme), texts.nfc(b.Title)
		if err := fn(b); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list broadcasts: %w", err)
	}
	return nil
}

// parseStamp reads a database.TimeFormat value without the generality (and
// cost) of time.Parse: the list of broadcasts may be a million rows.
func parseStamp(s string) (time.Time, error) {
	// 2006-01-02T15:04:05.000Z
	if len(s) != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z' {
		return database.ParseTime(s)
	}
	n := func(i, j int) int {
		v := 0
		for _, c := range s[i:j] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, sec, ms := n(0, 4), n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19), n(20, 23)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0 {
		return database.ParseTime(s)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, ms*int(time.Millisecond), time.UTC)
	if t.Day() != d { // 30 February and the like
		return database.ParseTime(s)
	}
	return t, nil
}

// nfcCache returns text in NFC. Titles and programme names repeat through a
// long list, so each distinct one is checked once.
type nfcCache map[string]string

func (c nfcCache) nfc(s string) string {
	if v, ok := c[s]; ok {
		return v
	}
	v := s
	if !norm.NFC.IsNormalString(s) {
		v = norm.NFC.String(s)
	}
	if len(c) < 100_000 {
		c[s] = v
	}
	return v
}
