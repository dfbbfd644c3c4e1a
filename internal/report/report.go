// Package report builds the chairman's report of what the commune radio
// broadcast in a period — from the airtime log (air_runs, air_items) — and
// renders it as PDF (Nghị định 30/2020 layout), XLSX, CSV and JSON.
//
// Figures (every format shows the same ones):
//   - A broadcast is an air_items row with kind 'script' and status 'aired'
//     or 'partial'; it belongs to the period by its started_at in station
//     local time. Its airtime is the seconds it actually aired (a partial
//     item counts what aired). Sums are kept in whole milliseconds so that
//     every format adds up the same way.
//   - Jingles and fillers are not broadcasts; their count and time are shown
//     apart. Failed script items are counted apart; items skipped at the
//     instant of air (status 'skipped': nothing went out) are not counted.
//   - Urgent announcements (kind 'announcement', loa announce) are counted
//     apart from the plan's topics ("Thông báo khẩn / ưu tiên"), unless the
//     announcement was given a topic: then it is a broadcast of that topic.
//     Their own runs (programmes khan-cap, uu-tien) are not scheduled
//     programmes and are not counted as runs.
//   - Programme runs are counted by status from air_runs whose scheduled_at
//     falls in the period (a run crossing midnight or the half-year belongs
//     to the day it was scheduled; its items to the day each started).
//   - Simulated rows are counted like real ones (the demo is simulated), but
//     the report then carries a prominent warning and "simulated": true.
//   - Open rows (status still NULL: on air now, or left by a crash and not
//     yet recovered by the daemon) are NOT counted: nothing is certain about
//     them yet. Their number is shown as a warning.
package report

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/taxonomy"
)

// Bucket is the count and airtime of broadcasts of one topic, area or
// audience.
type Bucket struct {
	Code     string  `json:"code"`
	Label    string  `json:"label"`
	Item     string  `json:"item,omitempty"` // plan item letter, for topics
	Items    int64   `json:"items"`
	AirtimeS float64 `json:"airtime_s"`
	ms       int64
}

// MonthBucket is the count and airtime of broadcasts in one local month.
type MonthBucket struct {
	Month    string  `json:"month"` // "2023-06"
	Items    int64   `json:"items"`
	AirtimeS float64 `json:"airtime_s"`
	ms       int64
}

// Count is a number of log rows and their time.
type Count struct {
	Items    int64   `json:"items"`
	AirtimeS float64 `json:"airtime_s"`
	ms       int64
}

// Runs counts programme runs by how they ended.
type Runs struct {
	Completed int64 `json:"completed"`
	Partial   int64 `json:"partial"`
	Missed    int64 `json:"missed"`
	Empty     int64 `json:"empty"`
	Failed    int64 `json:"failed"` // the output could not play it
}

// Total is the number of closed runs.
func (r Runs) Total() int64 { return r.Completed + r.Partial + r.Missed + r.Empty + r.Failed }

// Signer is who signs the report.
type Signer struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// Report holds every figure of the report. Its JSON form is the "json"
// format (see README.md in this package for the schema).
type Report struct {
	Station  string `json:"station"`
	Commune  string `json:"commune"`
	Period   string `json:"period"`
	Title    string `json:"title"`
	From     string `json:"from"`
	To       string `json:"to"`
	TimeZone string `json:"time_zone"`
	Date     string `json:"date"` // the local date the report is dated
	// DataUntil is set when the period is not over on the day the report
	// is made: the figures run to that moment ("provisional").
	DataUntil string `json:"data_until,omitempty"`
	Signer    Signer `json:"signer"`

	Items       int64   `json:"items"`
	AirtimeS    float64 `json:"airtime_s"`
	Scripts     int64   `json:"scripts"`
	FailedItems int64   `json:"failed_items"`
	Runs        Runs    `json:"runs"`
	Jingles     Count   `json:"jingles"`
	Fillers     Count   `json:"fillers"`
	// Announcements are the urgent announcements without a plan topic
	// (aired or partial).
	Announcements Count `json:"announcements"`

	Simulated      bool  `json:"simulated"`
	SimulatedItems int64 `json:"simulated_items"`
	SimulatedRuns  int64 `json:"simulated_runs"`
	OpenItems      int64 `json:"open_items"`
	OpenRuns       int64 `json:"open_runs"`

	ByTopic         []Bucket      `json:"by_topic"`
	ByArea          []Bucket      `json:"by_area"`
	ByAudience      []Bucket      `json:"by_audience"`
	ByMonth         []MonthBucket `json:"by_month"`
	UncoveredTopics []string      `json:"uncovered_topics"`
	Warnings        []string      `json:"warnings"`

	ms        int64
	xlsxLimit int // tests lower XLSXMaxDetail
	now       time.Time
	period    Period
	cfg       *config.Config
	conn      *sql.Conn // holds one read snapshot from Build to Close
}

// NoArea is the code of broadcasts whose script named no reform area.
const NoArea = ""

// Build computes the report for period p from the airtime log in db. now is
// when it is made (injectable for tests): the date written on it unless
// Dated gives another, and the day its figures run to when the period is
// not over (DataUntil).
//
// Every figure and the list of broadcasts are read from one snapshot of the
// database (a deferred read transaction on one connection, which never
// blocks the daemon's writes), so that the totals, the breakdowns and the
// list agree even while the station is on air. Call Close when done.
func Build(ctx context.Context, db *sql.DB, cfg *config.Config, p Period, now time.Time) (_ *Report, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", p.Spec, err)
	}
	// A plain BEGIN is deferred: the snapshot starts at the first read and
	// takes no write lock (BeginTx, as database.Tx uses, is IMMEDIATE here:
	// the DSN sets _txlock=immediate for writers).
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("report %s: begin read: %w", p.Spec, err)
	}
	r := &Report{
		Station: cfg.Station.Name, Commune: cfg.Station.Commune,
		Period: p.Spec, Title: Title(p), From: p.From, To: p.To,
		TimeZone: cfg.Location().String(),
		Date:     now.In(cfg.Location()).Format(database.DateFormat),
		Signer:   Signer{Name: cfg.Report.SignerName, Title: cfg.Report.SignerTitle},
		now:      now, period: p, cfg: cfg,
		UncoveredTopics: []string{}, Warnings: []string{},
		conn: conn,
	}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	for _, e := range taxonomy.Topics() {
		r.ByTopic = append(r.ByTopic, Bucket{Code: e.Code, Label: e.Label, Item: e.Item})
	}
	for _, e := range taxonomy.Areas() {
		r.ByArea = append(r.ByArea, Bucket{Code: e.Code, Label: e.Label})
	}
	r.ByArea = append(r.ByArea, Bucket{Code: NoArea, Label: "Không xác định"})
	for _, e := range taxonomy.Audiences() {
		r.ByAudience = append(r.ByAudience, Bucket{Code: e.Code, Label: e.Label})
	}
	if err := r.aggregateItems(ctx); err != nil {
		return nil, fmt.Errorf("report %s: %w", p.Spec, err)
	}
	if err := r.aggregateRuns(ctx); err != nil {
		return nil, fmt.Errorf("report %s: %w", p.Spec, err)
	}
	if r.Date < r.To {
		r.DataUntil = r.Date
	}
	r.finish()
	return r, nil
}

// Close ends the report's read snapshot and releases its connection.
func (r *Report) Close() error {
	if r.conn == nil {
		return nil
	}
	_, err := r.conn.ExecContext(context.Background(), "ROLLBACK")
	if cerr := r.conn.Close(); err == nil {
		err = cerr
	}
	r.conn = nil
	if err != nil {
		return fmt.Errorf("report %s: end read: %w", r.Period, err)
	}
	return nil
}

// Dated writes the report dated d (loa report --date) instead of the day
// it is made. What the figures cover does not change, nor DataUntil, the
// mark saying how far they go.
func (r *Report) Dated(d time.Time) {
	r.now = d
	r.Date = d.In(r.cfg.Location()).Format(database.DateFormat)
}

// Now is the date the report is dated.
func (r *Report) Now() time.Time { return r.now.In(r.cfg.Location()) }

// groupQuery aggregates the period's items by everything the report breaks
// them down by. The index air_items_report_group (migration 4) delivers the
// rows in GROUP BY order from the index alone, so SQLite aggregates as it
// scans instead of sorting: a million rows in well under a second.
const groupQuery = `
SELECT kind, COALESCE(status, ''), simulated, topic, area, audience,
       COUNT(*), SUM(CAST(ROUND(COALESCE(seconds, 0) * 1000) AS INTEGER))
FROM air_items INDEXED BY air_items_report_group
WHERE started_at >= ? AND started_at < ?
GROUP BY kind, status, simulated, topic, area, audience`

// monthQuery sums one local month's broadcasts from the partial index
// air_items_report_time; each month's UTC bounds are computed in Go.
const monthQuery = `
SELECT COUNT(*), COALESCE(SUM(CAST(ROUND(COALESCE(seconds, 0) * 1000) AS INTEGER)), 0)
FROM air_items INDEXED BY air_items_report_time
WHERE started_at >= ? AND started_at < ? AND kind = 'script' AND status IN ('aired', 'partial')`

// scriptsQuery counts distinct scripts broadcast: one index probe per
// script instead of a DISTINCT over every broadcast.
const scriptsQuery = `
SELECT COUNT(*) FROM scripts s WHERE EXISTS (
	SELECT 1 FROM air_items i
	WHERE i.script_id = s.id AND i.started_at >= ? AND i.started_at < ?
	  AND i.kind = 'script' AND i.status IN ('aired', 'partial'))`

func (r *Report) aggregateItems(ctx context.Context) error {
	topics := index(r.ByTopic)
	areas := index(r.ByArea)
	auds := index(r.ByAudience)
	from, to := database.FormatTime(r.period.Start), database.FormatTime(r.period.End)
	rows, err := r.conn.QueryContext(ctx, groupQuery, from, to)
	if err != nil {
		return fmt.Errorf("aggregate airtime: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind, status, topic, area, aud string
			sim                            bool
			n, ms                          int64
		)
		if err := rows.Scan(&kind, &status, &sim, &topic, &area, &aud, &n, &ms); err != nil {
			return fmt.Errorf("aggregate airtime: %w", err)
		}
		if sim {
			r.Simulated = true
		}
		switch {
		case status == "":
			r.OpenItems += n
			continue
		case status == "skipped":
			continue // nothing of it went out
		case kind == "announcement" && topic == "":
			if status != "failed" {
				r.Announcements.Items += n
				r.Announcements.ms += ms
			}
			continue
		case kind == "jingle":
			if status != "failed" {
				r.Jingles.Items += n
				r.Jingles.ms += ms
			}
			continue
		case kind == "filler":
			if status != "failed" {
				r.Fillers.Items += n
				r.Fillers.ms += ms
			}
			continue
		case status == "failed":
			r.FailedItems += n
			continue
		}
		// A script broadcast, aired or partial.
		r.Items += n
		r.ms += ms
		if sim {
			r.SimulatedItems += n
		}
		r.ByTopic = add(r.ByTopic, topics, topic, n, ms, otherTopicLabel)
		r.ByArea = add(r.ByArea, areas, area, n, ms, otherLabel)
		r.ByAudience = add(r.ByAudience, auds, aud, n, ms, otherLabel)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("aggregate airtime: %w", err)
	}
	rows.Close()
	for _, m := range r.period.months() {
		mb := MonthBucket{Month: m.Key}
		err := r.conn.QueryRowContext(ctx, monthQuery, database.FormatTime(m.Start), database.FormatTime(m.End)).Scan(&mb.Items, &mb.ms)
		if err != nil {
			return fmt.Errorf("aggregate airtime of %s: %w", m.Key, err)
		}
		r.ByMonth = append(r.ByMonth, mb)
	}
	if err := r.conn.QueryRowContext(ctx, scriptsQuery, from, to).Scan(&r.Scripts); err != nil {
		return fmt.Errorf("count distinct scripts: %w", err)
	}
	return nil
}

// runsQuery leaves out the runs of announcements aired alone (playout's
// ProgEmergency, ProgPriority): they are not scheduled programmes.
const runsQuery = `
SELECT COALESCE(status, ''), simulated, COUNT(*) FROM air_runs
WHERE scheduled_at >= ? AND scheduled_at < ? AND programme NOT IN ('khan-cap', 'uu-tien')
GROUP BY status, simulated`

func (r *Report) aggregateRuns(ctx context.Context) error {
	rows, err := r.conn.QueryContext(ctx, runsQuery, database.FormatTime(r.period.Start), database.FormatTime(r.period.End))
	if err != nil {
		return fmt.Errorf("count programme runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			status string
			sim    bool
			n      int64
		)
		if err := rows.Scan(&status, &sim, &n); err != nil {
			return fmt.Errorf("count programme runs: %w", err)
		}
		if sim {
			r.Simulated = true
			if status != "" {
				r.SimulatedRuns += n
			}
		}
		switch status {
		case "completed":
			r.Runs.Completed += n
		case "partial":
			r.Runs.Partial += n
		case "missed":
			r.Runs.Missed += n
		case "empty":
			r.Runs.Empty += n
		case "failed":
			r.Runs.Failed += n
		default:
			r.OpenRuns += n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("count programme runs: %w", err)
	}
	return nil
}

// finish converts milliseconds to seconds and derives gaps and warnings.
func (r *Report) finish() {
	r.AirtimeS = seconds(r.ms)
	r.Jingles.AirtimeS = seconds(r.Jingles.ms)
	r.Announcements.AirtimeS = seconds(r.Announcements.ms)
	r.Fillers.AirtimeS = seconds(r.Fillers.ms)
	for _, bs := range [][]Bucket{r.ByTopic, r.ByArea, r.ByAudience} {
		for i := range bs {
			bs[i].AirtimeS = seconds(bs[i].ms)
		}
	}
	for i := range r.ByMonth {
		r.ByMonth[i].AirtimeS = seconds(r.ByMonth[i].ms)
	}
	for _, b := range r.ByTopic {
		if b.Items == 0 && taxonomy.Known(taxonomy.Topics(), b.Code) {
			r.UncoveredTopics = append(r.UncoveredTopics, b.Code)
		}
	}
	if r.Simulated {
		r.Warnings = append(r.Warnings, fmt.Sprintf(
			"CẢNH BÁO: nhật ký của kỳ báo cáo có dữ liệu MÔ PHỎNG (không phát thật): %d lượt phát bài, %d chương trình. Số liệu dưới đây đã tính cả dữ liệu mô phỏng.",
			r.SimulatedItems, r.SimulatedRuns))
	}
	if r.OpenItems > 0 || r.OpenRuns > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf(
			"Lưu ý: %d lượt phát và %d chương trình chưa kết thúc trong nhật ký (đang phát hoặc bị gián đoạn) nên chưa được tính.",
			r.OpenItems, r.OpenRuns))
	}
	if len(r.UncoveredTopics) > 0 {
		r.Warnings = append(r.Warnings, r.uncoveredWarning())
	}
}

// uncoveredWarning is the warning about plan topics with no broadcast.
func (r *Report) uncoveredWarning() string {
	return fmt.Sprintf("Có %d/%d chủ đề của kế hoạch chưa phát trong kỳ.", len(r.UncoveredTopics), len(taxonomy.Topics()))
}

func seconds(ms int64) float64 { return float64(ms) / 1000 }

func index(bs []Bucket) map[string]int {
	m := make(map[string]int, len(bs))
	for i, b := range bs {
		m[b.Code] = i
	}
	return m
}

// add counts n broadcasts of ms into the bucket code, appending a bucket
// for a code outside the taxonomy (an old or hand-made log row) so that
// every breakdown still adds up to the total.
func add(bs []Bucket, idx map[string]int, code string, n, ms int64, label func(string) string) []Bucket {
	i, ok := idx[code]
	if !ok {
		i = len(bs)
		idx[code] = i
		bs = append(bs, Bucket{Code: code, Label: label(code)})
	}
	bs[i].Items += n
	bs[i].ms += ms
	return bs
}

func otherTopicLabel(code string) string {
	if code == "" {
		return "Không xác định"
	}
	return "Chủ đề khác (" + code + ")"
}

func otherLabel(code string) string {
	if code == "" {
		return "Không xác định"
	}
	return "Khác (" + code + ")"
}
