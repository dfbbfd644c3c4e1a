package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"loa/internal/airlog"
	"loa/internal/station"
)

func (e *Env) runLog(ctx context.Context, args []string) error {
	fs := e.newFlagSet("log", "loa log [--from DATE] [--to DATE] [--programme NAME] [--runs] [--json]\n\n"+
		"Prints the airtime log: items (by start) or, with --runs, programme runs (by scheduled time).\n"+
		"Dates are local to the station zone; --to is inclusive. JSON times are RFC 3339 in the\n"+
		"station zone with milliseconds (2026-11-24T17:00:00.012+07:00); null when not set.")
	from := fs.String("from", "", "first local date (YYYY-MM-DD), inclusive")
	to := fs.String("to", "", "last local date (YYYY-MM-DD), inclusive")
	prog := fs.String("programme", "", "only this programme (its name)")
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
	f := airlog.Filter{Programme: *prog}
	if f.From, f.To, err = localDays("log", *from, *to, loc); err != nil {
		return err
	}
	e.readOnly = true
	db, err := e.OpenDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	l := airlog.New(db)
	if *runs {
		rs, err := l.Runs(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeRunsJSON(e.Stdout, rs, loc)
		}
		return writeRunsTable(e.Stdout, rs, loc)
	}
	items, err := l.Items(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeItemsJSON(e.Stdout, items, loc)
	}
	return writeItemsTable(e.Stdout, items, loc)
}

func writeItemsJSON(w io.Writer, items []airlog.Item, loc *time.Location) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, it := range items {
		if err := enc.Encode(station.NewLogItem(it, loc)); err != nil {
			return fmt.Errorf("write log: %w", err)
		}
	}
	return nil
}

func writeRunsJSON(w io.Writer, runs []airlog.Run, loc *time.Location) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range runs {
		if err := enc.Encode(station.NewLogRun(r, loc)); err != nil {
			return fmt.Errorf("write log: %w", err)
		}
	}
	return nil
}

// kindLabel and statusLabel are for the human table (users read
// Vietnamese); JSON keeps the codes.
func kindLabel(code string) string { return airlog.KindLabel(code) }

// itemStatusLabel is the status with, for a skipped or cut item, why.
func itemStatusLabel(it airlog.Item) string {
	var why string
	switch it.Reason {
	case "":
		return statusLabel(it.Status)
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
	return statusLabel(it.Status) + " (" + why + ")"
}

func statusLabel(code string) string {
	switch code {
	case airlog.ItemAired:
		return "đã phát"
	case airlog.ItemPartial: // = airlog.RunPartial; the report's word too
		return "phát một phần"
	case airlog.ItemFailed: // = airlog.RunFailed
		return "lỗi"
	case airlog.ItemSkipped:
		return "bỏ qua"
	case airlog.RunCompleted:
		return "hoàn thành"
	case airlog.RunMissed:
		return "bỏ lỡ"
	case airlog.RunEmpty:
		return "không có bài"
	case "":
		return "chưa kết thúc"
	}
	return code
}

const tableTime = "2006-01-02 15:04:05"

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

func writeItemsTable(w io.Writer, items []airlog.Item, loc *time.Location) error {
	if len(items) == 0 {
		_, err := fmt.Fprintln(w, "Không có mục nào trong nhật ký phát sóng.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Lượt\tChương trình\tBắt đầu\tKết thúc\tThời lượng\tTrạng thái\tLoại\tBài\tChủ đề\tTiêu đề")
	var total float64
	for _, it := range items {
		id, secs := "-", "-"
		if it.ScriptID != 0 {
			id = strconv.FormatInt(it.ScriptID, 10)
		}
		if it.Status != "" {
			secs = mmss(it.Seconds)
			total += it.Seconds
		}
		prog := it.Programme
		if it.Simulated {
			prog += " (mô phỏng)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.RunID, prog, localOrDash(it.StartedAt, loc, tableTime),
			localOrDash(it.EndedAt, loc, "15:04:05"), secs, itemStatusLabel(it), kindLabel(it.Kind), id,
			orDash(it.Topic), it.Title)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write log: %w", err)
	}
	_, err := fmt.Fprintf(w, "%d mục, tổng thời lượng %s (múi giờ %s)\n", len(items), mmss(total), loc)
	return err
}

func writeRunsTable(w io.Writer, runs []airlog.Run, loc *time.Location) error {
	if len(runs) == 0 {
		_, err := fmt.Fprintln(w, "Không có lượt phát nào trong nhật ký phát sóng.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Lượt\tChương trình\tTheo lịch\tBắt đầu\tKết thúc\tLệch (ms)\tTrạng thái\tLý do")
	for _, r := range runs {
		se := "-"
		if r.StartErrorMS != nil {
			se = strconv.FormatFloat(*r.StartErrorMS, 'f', 1, 64)
		}
		prog := r.Programme
		if r.Simulated {
			prog += " (mô phỏng)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, prog, localOrDash(r.ScheduledAt, loc, tableTime),
			localOrDash(r.StartedAt, loc, "15:04:05.000"), localOrDash(r.EndedAt, loc, "15:04:05.000"), se,
			statusLabel(r.Status), orDash(r.Reason))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write log: %w", err)
	}
	_, err := fmt.Fprintf(w, "%d lượt (múi giờ %s)\n", len(runs), loc)
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
