package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"loa/internal/airlog"
	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/station"
)

func (e *Env) runLog(ctx context.Context, args []string) error {
	fs := e.newFlagSet("log", "loa log [--from DATE] [--to DATE] [--programme NAME] [--status CODE] [--kind CODE] [--last N] [--runs] [--json]\n\n"+
		"Prints the airtime log: items (by start) or, with --runs, programme runs (by scheduled time).\n"+
		"The whole log is streamed, never held in memory; --last N shows only the latest N.\n"+
		"Dates are local to the station zone; --to is inclusive. JSON times are RFC 3339 in the\n"+
		"station zone with milliseconds (2026-11-24T17:00:00.012+07:00); null when not set.")
	from := fs.String("from", "", "first local date (YYYY-MM-DD), inclusive")
	to := fs.String("to", "", "last local date (YYYY-MM-DD), inclusive")
	prog := fs.String("programme", "", "only this programme (its name)")
	status := fs.String("status", "", "only this status: aired, partial, failed, skipped (items); completed, partial, missed, empty, failed (runs); open")
	kind := fs.String("kind", "", "only items of this kind: script, jingle, filler, announcement")
	last := fs.Int("last", 0, "only the latest N (1..1000), oldest of them first")
	runs := fs.Bool("runs", false, "list programme runs instead of items")
	asJSON := fs.Bool("json", false, "one JSON object per line")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "log"); err != nil {
		return err
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	loc := cfg.Location()
	f := airlog.Filter{Programme: *prog, Status: *status, Kind: *kind}
	if f.From, f.To, err = localDays("log", *from, *to, loc); err != nil {
		return err
	}
	check := f.CheckItems
	if *runs {
		check = f.CheckRuns
	}
	if err := check(); err != nil {
		return inputerr.New("log: --%v", err)
	}
	if *last < 0 || *last > airlog.MaxPage {
		return inputerr.New("log: --last: %d is outside 1..%d", *last, airlog.MaxPage)
	}
	e.readOnly = true
	db, err := e.OpenDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	// Streamed, never held: memory does not grow with the log.
	l := airlog.New(db)
	if *last > 0 {
		return e.logLast(ctx, l, f, *last, *runs, *asJSON, loc)
	}
	if *runs {
		if *asJSON {
			return writeJSONSeq(e.Stdout, l.EachRun(ctx, f), loc, station.NewLogRun)
		}
		return writeRunsTable(e.Stdout, func() iter.Seq2[airlog.Run, error] { return l.EachRun(ctx, f) }, loc)
	}
	if *asJSON {
		return writeJSONSeq(e.Stdout, l.EachItem(ctx, f), loc, station.NewLogItem)
	}
	return writeItemsTable(e.Stdout, func() iter.Seq2[airlog.Item, error] { return l.EachItem(ctx, f) }, loc)
}

// logLast prints the latest n items or runs: one page from the log,
// newest first, printed oldest first like the rest of the log.
func (e *Env) logLast(ctx context.Context, l *airlog.Log, f airlog.Filter, n int, runs, asJSON bool, loc *time.Location) error {
	if runs {
		page, _, err := l.RunPage(ctx, f, n, 0)
		if err != nil {
			return err
		}
		slices.Reverse(page)
		if asJSON {
			return writeJSONSeq(e.Stdout, seqOf(page), loc, station.NewLogRun)
		}
		return writeRunsTable(e.Stdout, func() iter.Seq2[airlog.Run, error] { return seqOf(page) }, loc)
	}
	page, _, err := l.ItemPage(ctx, f, n, 0)
	if err != nil {
		return err
	}
	slices.Reverse(page)
	if asJSON {
		return writeJSONSeq(e.Stdout, seqOf(page), loc, station.NewLogItem)
	}
	return writeItemsTable(e.Stdout, func() iter.Seq2[airlog.Item, error] { return seqOf(page) }, loc)
}

// seqOf streams a slice as rows without error.
func seqOf[T any](s []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// writeJSONSeq writes one JSON object per row as the rows arrive.
func writeJSONSeq[T, J any](w io.Writer, rows iter.Seq2[T, error], loc *time.Location, shape func(T, *time.Location) J) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for r, err := range rows {
		if err != nil {
			return err
		}
		if err := enc.Encode(shape(r, loc)); err != nil {
			return fmt.Errorf("write log: %w", err)
		}
	}
	return nil
}

// tableRows gives the rows of a table, one pass per call: print is false
// on the measuring pass and true on the printing one. yield returns false
// when the output failed; rows then stops and returns nil.
type tableRows func(print bool, yield func(cells []string) bool) error

// streamTable writes an aligned table (as text/tabwriter would: columns two
// spaces apart, the last one unpadded) of rows it reads twice, once to
// measure the columns and once to print them, so that no row is held and
// memory does not grow with the log. A row the second pass finds wider
// than the first (one that closed meanwhile) is printed unaligned. With no
// rows it prints empty instead. It returns the number of rows printed.
func streamTable(w io.Writer, head []string, empty string, rows tableRows) (int, error) {
	widths := make([]int, len(head))
	measure := func(cells []string) {
		for i, c := range cells[:len(cells)-1] {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	measure(head)
	n := 0
	if err := rows(false, func(cells []string) bool { n++; measure(cells); return true }); err != nil {
		return 0, err
	}
	if n == 0 {
		_, err := fmt.Fprintln(w, empty)
		return 0, err
	}
	bw := bufio.NewWriter(w)
	var line []byte
	var werr error
	write := func(cells []string) bool {
		line = line[:0]
		for i, c := range cells[:len(cells)-1] {
			line = append(line, c...)
			for range widths[i] - utf8.RuneCountInString(c) + 2 {
				line = append(line, ' ')
			}
		}
		line = append(line, cells[len(cells)-1]...)
		line = append(line, '\n')
		_, werr = bw.Write(line)
		return werr == nil
	}
	write(head)
	n = 0
	if err := rows(true, func(cells []string) bool { n++; return write(cells) }); err != nil {
		return 0, err
	}
	if werr == nil {
		werr = bw.Flush()
	}
	if werr != nil {
		return 0, fmt.Errorf("write log: %w", werr)
	}
	return n, nil
}

// kindLabel and statusLabel are for the human table (users read
// Vietnamese); JSON keeps the codes.
func kindLabel(code string) string { return airlog.KindLabel(code) }

// itemStatusLabel is the status with, for a skipped or cut item, why.
func itemStatusLabel(it airlog.Item) string {
	var why string
	switch it.Reason {
	case "":
		return airlog.StatusLabel(it.Status)
	case airlog.ReasonWithdrawn:
		why = "bài đã rút"
	case airlog.ReasonRevoked:
		why = "mất phê duyệt"
	case airlog.ReasonAltered:
		why = "tệp bị thay đổi"
	case airlog.ReasonExpired:
		why = "hết hạn phát"
	case airlog.ReasonPreempted:
		why = "ngắt để phát thông báo khẩn"
	default:
		why = it.Reason
	}
	return airlog.StatusLabel(it.Status) + " (" + why + ")"
}

func localOrDash(t time.Time, loc *time.Location, layout string) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format(layout)
}

// mmss renders seconds as m:ss.s.
func mmss(s float64) string {
	tenths := int64(s*10 + 0.5)
	return fmt.Sprintf("%d:%02d.%d", tenths/600, tenths/10%60, tenths%10)
}

func writeItemsTable(w io.Writer, items func() iter.Seq2[airlog.Item, error], loc *time.Location) error {
	var total float64
	n, err := streamTable(w, []string{"Lượt", "Chương trình", "Bắt đầu", "Kết thúc", "Thời lượng", "Trạng thái", "Loại", "Bài", "Chủ đề", "Tiêu đề"},
		"Không có mục nào trong nhật ký phát sóng.",
		func(print bool, yield func([]string) bool) error {
			for it, err := range items() {
				if err != nil {
					return err
				}
				id, secs := "-", "-"
				if it.ScriptID != 0 {
					id = strconv.FormatInt(it.ScriptID, 10)
				}
				if it.Status != "" {
					secs = mmss(it.Seconds)
					if print {
						total += it.Seconds
					}
				}
				prog := it.Programme
				if it.Simulated {
					prog += " (mô phỏng)"
				}
				if !yield([]string{strconv.FormatInt(it.RunID, 10), prog, localOrDash(it.StartedAt, loc, database.ShowTable),
					localOrDash(it.EndedAt, loc, database.ShowClock), secs, itemStatusLabel(it), kindLabel(it.Kind), id,
					orDash(it.Topic), it.Title}) {
					return nil
				}
			}
			return nil
		})
	if err != nil || n == 0 {
		return err
	}
	_, err = fmt.Fprintf(w, "%d mục, tổng thời lượng %s (múi giờ %s)\n", n, mmss(total), loc)
	return err
}

func writeRunsTable(w io.Writer, runs func() iter.Seq2[airlog.Run, error], loc *time.Location) error {
	n, err := streamTable(w, []string{"Lượt", "Chương trình", "Theo lịch", "Bắt đầu", "Kết thúc", "Lệch (ms)", "Trạng thái", "Lý do"},
		"Không có lượt phát nào trong nhật ký phát sóng.",
		func(_ bool, yield func([]string) bool) error {
			for r, err := range runs() {
				if err != nil {
					return err
				}
				se := "-"
				if r.StartErrorMS != nil {
					se = strconv.FormatFloat(*r.StartErrorMS, 'f', 1, 64)
				}
				prog := r.Programme
				if r.Simulated {
					prog += " (mô phỏng)"
				}
				if !yield([]string{strconv.FormatInt(r.ID, 10), prog, localOrDash(r.ScheduledAt, loc, database.ShowTable),
					localOrDash(r.StartedAt, loc, "15:04:05.000"), localOrDash(r.EndedAt, loc, "15:04:05.000"), se,
					airlog.StatusLabel(r.Status), orDash(r.Reason)}) {
					return nil
				}
			}
			return nil
		})
	if err != nil || n == 0 {
		return err
	}
	_, err = fmt.Fprintf(w, "%d lượt (múi giờ %s)\n", n, loc)
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
