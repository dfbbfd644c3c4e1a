package report

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"loa/internal/airlog"
	"loa/internal/database"
)

// Sheet names of the XLSX report (Excel allows at most 31 characters).
const (
	SheetSummary  = "Tổng hợp"
	SheetTopic    = "Theo chủ đề"
	SheetArea     = "Theo nội dung CCHC"
	SheetAudience = "Theo đối tượng"
	SheetMonth    = "Theo tháng"
	SheetDetail   = "Chi tiết"
)

// XLSXMaxDetail bounds the list of broadcasts in the workbook. A million
// rows would take Excel (and loa) far too long and is near Excel's
// 1,048,576-row limit; the CSV export always has the full list, and the
// sheet says so when it is cut.
const XLSXMaxDetail = 50_000

type xlsxStyles struct {
	header, seconds, duration, datetime, percent int
	warn                                         int // warnings, and topics the period left uncovered
}

// WriteXLSX writes the workbook: a summary sheet, one sheet per breakdown
// (topic, area, audience, month) and the list of broadcasts. Counts and
// seconds are numbers, durations real Excel times ([h]:mm:ss) and the air
// time a real date-time, so every column sorts; header rows are frozen.
func (r *Report) WriteXLSX(ctx context.Context, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := r.fillXLSX(ctx, f); err != nil {
		return fmt.Errorf("write XLSX report: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write XLSX report: %w", err)
	}
	return nil
}

func (r *Report) fillXLSX(ctx context.Context, f *excelize.File) error {
	var st xlsxStyles
	var err error
	style := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	fmtPtr := func(s string) *string { return &s }
	st.header = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	st.warn = style(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	st.seconds = style(&excelize.Style{CustomNumFmt: fmtPtr("0.0")})
	st.duration = style(&excelize.Style{CustomNumFmt: fmtPtr("[h]:mm:ss")})
	st.datetime = style(&excelize.Style{CustomNumFmt: fmtPtr("dd/mm/yyyy hh:mm:ss")})
	st.percent = style(&excelize.Style{CustomNumFmt: fmtPtr("0.0%")})
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	if err := r.xlsxSummary(f, st); err != nil {
		return err
	}
	if err := r.xlsxBuckets(f, st, SheetTopic, r.ByTopic, true); err != nil {
		return err
	}
	if err := r.xlsxBuckets(f, st, SheetArea, r.ByArea, false); err != nil {
		return err
	}
	if err := r.xlsxBuckets(f, st, SheetAudience, r.ByAudience, false); err != nil {
		return err
	}
	if err := r.xlsxMonths(f, st); err != nil {
		return err
	}
	if err := r.xlsxDetail(ctx, f, st); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.SetDocProps(&excelize.DocProperties{
		Title: "Báo cáo " + lowerFirst(r.Title), Creator: r.Station,
		Created: r.now.UTC().Format(time.RFC3339), Modified: r.now.UTC().Format(time.RFC3339),
	})
}

func header(f *excelize.File, st xlsxStyles, sheet string, cols []string, widths []float64) error {
	if err := f.SetSheetRow(sheet, "A1", &cols); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetCellStyle(sheet, "A1", last+"1", st.header); err != nil {
		return err
	}
	for i, w := range widths {
		c, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, c, c, w); err != nil {
			return err
		}
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// days turns seconds into an Excel duration (a fraction of a day).
func days(s float64) float64 { return s / 86400 }

func (r *Report) xlsxSummary(f *excelize.File, st xlsxStyles) error {
	s := SheetSummary
	cols := append(append([]string{}, SummaryHeader[:5]...), "Thời lượng", SummaryHeader[5])
	if err := header(f, st, s, cols, []float64{20, 16, 70, 10, 16, 12, 20}); err != nil {
		return err
	}
	for i, row := range r.SummaryRows() {
		vals := []any{row[0], row[1], row[2], nil, nil, nil, row[5]}
		if row[3] != "" {
			n, _ := strconv.ParseInt(row[3], 10, 64)
			vals[3] = n
		}
		if row[4] != "" {
			x, _ := strconv.ParseFloat(row[4], 64)
			vals[4], vals[5] = x, days(x)
		}
		cell := "A" + strconv.Itoa(i+2)
		if err := f.SetSheetRow(s, cell, &vals); err != nil {
			return err
		}
		n := strconv.Itoa(i + 2)
		if err := f.SetCellStyle(s, "E"+n, "E"+n, st.seconds); err != nil {
			return err
		}
		if err := f.SetCellStyle(s, "F"+n, "F"+n, st.duration); err != nil {
			return err
		}
		if row[0] == SecWarning || row[5] == Uncovered {
			if err := f.SetCellStyle(s, "A"+n, "C"+n, st.warn); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Report) xlsxBuckets(f *excelize.File, st xlsxStyles, sheet string, bs []Bucket, topics bool) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	cols := []string{"Mã", "Nội dung", "Số lượt", "Thời lượng (giây)", "Thời lượng", "Tỷ lệ thời lượng", "Ghi chú"}
	widths := []float64{16, 70, 10, 16, 12, 14, 12}
	off := 0 // the topic sheet has the plan item letter first
	if topics {
		cols = append([]string{"Mục"}, cols...)
		widths = append([]float64{6}, widths...)
		off = 1
	}
	if err := header(f, st, sheet, cols, widths); err != nil {
		return err
	}
	for i, b := range bs {
		share := 0.0
		if r.AirtimeS > 0 {
			share = b.AirtimeS / r.AirtimeS
		}
		note := ""
		if topics && b.Items == 0 {
			note = Uncovered
		}
		vals := []any{b.Code, b.Label, b.Items, b.AirtimeS, days(b.AirtimeS), share, note}
		if topics {
			vals = append([]any{b.Item}, vals...)
		}
		n := strconv.Itoa(i + 2)
		if err := f.SetSheetRow(sheet, "A"+n, &vals); err != nil {
			return err
		}
		col := func(i int) string { c, _ := excelize.ColumnNumberToName(i + off); return c + n }
		for _, cs := range []struct{ c, s int }{{4, st.seconds}, {5, st.duration}, {6, st.percent}} {
			if err := f.SetCellStyle(sheet, col(cs.c), col(cs.c), cs.s); err != nil {
				return err
			}
		}
		if note != "" {
			if err := f.SetCellStyle(sheet, col(1), col(7), st.warn); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Report) xlsxMonths(f *excelize.File, st xlsxStyles) error {
	s := SheetMonth
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	if err := header(f, st, s, []string{"Tháng", "Số lượt", "Thời lượng (giây)", "Thời lượng"}, []float64{10, 10, 16, 12}); err != nil {
		return err
	}
	for i, m := range r.ByMonth {
		n := strconv.Itoa(i + 2)
		vals := []any{m.Month, m.Items, m.AirtimeS, days(m.AirtimeS)}
		if err := f.SetSheetRow(s, "A"+n, &vals); err != nil {
			return err
		}
		if err := f.SetCellStyle(s, "C"+n, "C"+n, st.seconds); err != nil {
			return err
		}
		if err := f.SetCellStyle(s, "D"+n, "D"+n, st.duration); err != nil {
			return err
		}
	}
	return nil
}

// DetailHeader is the header row of the XLSX list of broadcasts.
var DetailHeader = []string{"STT", "Thời điểm phát", "Chương trình", "Tên bài", "Mã bài", "Mã chủ đề", "Chủ đề",
	"Nội dung CCHC", "Đối tượng", "Số giây", "Thời lượng", "Trạng thái", "Mô phỏng"}

// excelEpoch is day 0 of Excel's (1900) date system for modern dates.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// excelTime is t's local wall-clock time as an Excel serial date.
func excelTime(t time.Time) float64 {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return wall.Sub(excelEpoch).Seconds() / 86400
}

func (r *Report) xlsxDetail(ctx context.Context, f *excelize.File, st xlsxStyles) error {
	if _, err := f.NewSheet(SheetDetail); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetDetail)
	if err != nil {
		return err
	}
	for i, w := range []float64{8, 20, 22, 50, 8, 14, 40, 30, 30, 10, 10, 14, 12} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	hdr := make([]any, len(DetailHeader))
	for i, h := range DetailHeader {
		hdr[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	n := 0
	vals := make([]any, len(DetailHeader))
	err = r.EachBroadcast(ctx, r.xlsxMax(), func(b Broadcast) error {
		n++
		var sid any
		if b.ScriptID != 0 {
			sid = b.ScriptID
		}
		var sim any // nil cells cost nothing to write
		if b.Simulated {
			sim = "MÔ PHỎNG"
		}
		topic, area, audience := b.labels()
		vals[0] = n
		vals[1] = excelize.Cell{StyleID: st.datetime, Value: excelTime(b.Started)}
		vals[2] = b.Programme
		vals[3] = b.Title
		vals[4] = sid
		vals[5] = b.Topic
		vals[6] = topic
		vals[7] = nil // no area: an empty cell, not an empty string
		if area != "" {
			vals[7] = area
		}
		vals[8] = audience
		vals[9] = excelize.Cell{StyleID: st.seconds, Value: database.Round3(b.Seconds)}
		vals[10] = excelize.Cell{StyleID: st.duration, Value: days(database.Round3(b.Seconds))}
		vals[11] = airlog.StatusLabel(b.Status)
		vals[12] = sim
		cell, _ := excelize.CoordinatesToCellName(1, n+1)
		return sw.SetRow(cell, vals)
	})
	if err != nil {
		return err
	}
	if int64(n) < r.Items {
		cell, _ := excelize.CoordinatesToCellName(1, n+3)
		note := fmt.Sprintf("Danh sách chỉ gồm %s lượt phát đầu tiên trong tổng số %s lượt; danh sách đầy đủ có trong tệp CSV (%s).",
			Thousands(int64(n)), Thousands(r.Items), r.command("csv"))
		if err := sw.SetRow(cell, []any{excelize.Cell{StyleID: st.warn, Value: note}}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func (r *Report) xlsxMax() int {
	if r.xlsxLimit > 0 {
		return r.xlsxLimit
	}
	return XLSXMaxDetail
}

// command is the loa command line that writes this report in format (for
// the workbook's note only: never printed in the signed documents).
func (r *Report) command(format string) string {
	if r.period.Kind == KindRange {
		return fmt.Sprintf("loa report --from %s --to %s --format %s", r.From, r.To, format)
	}
	return fmt.Sprintf("loa report --period %s --format %s", r.Period, format)
}
