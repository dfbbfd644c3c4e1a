package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"loa/internal/airlog"
	"loa/internal/database"
	"loa/internal/taxonomy"
)

// bom makes Excel read the file as UTF-8 (else it garbles the diacritics).
const bom = "\uFEFF"

// CSVHeader is the header row of the list of broadcasts. The duration
// columns come last so that the earlier ones keep their places.
var CSVHeader = []string{
	"STT", "Ngày", "Giờ", "Chương trình", "Tên bài", "Mã bài", "Mã chủ đề", "Chủ đề",
	"Nội dung CCHC", "Đối tượng", "Số giây", "Trạng thái", "Mô phỏng", "Thời lượng (giờ:phút:giây)", "Mili giây",
}

// WriteCSV writes the list of broadcasts, one row per broadcast, UTF-8 with
// a byte-order mark. Dates are local YYYY-MM-DD, times HH:MM:SS; simulated
// rows say "MÔ PHỎNG". Durations are whole seconds, h:mm:ss and whole
// milliseconds: no decimal separator, which Excel under Vietnamese
// settings would read as a thousands separator ("8.501" s as 8501).
func (r *Report) WriteCSV(ctx context.Context, w io.Writer) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("write CSV report: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write CSV report: %w", err)
	}
	n := 0
	rec := make([]string, len(CSVHeader))
	err := r.EachBroadcast(ctx, 0, func(b Broadcast) error {
		n++
		rec[0] = strconv.Itoa(n)
		rec[1] = b.Started.Format(database.DateFormat)
		rec[2] = b.Started.Format(database.ShowClock)
		rec[3] = b.Programme
		rec[4] = b.Title
		rec[5] = ""
		if b.ScriptID != 0 {
			rec[5] = strconv.FormatInt(b.ScriptID, 10)
		}
		rec[6] = b.Topic
		rec[7], rec[8], rec[9] = b.labels()
		rec[10] = strconv.FormatInt(wholeSeconds(b.Seconds), 10)
		rec[11] = airlog.StatusLabel(b.Status)
		rec[12] = ""
		if b.Simulated {
			rec[12] = "MÔ PHỎNG"
		}
		rec[13] = HMS(b.Seconds)
		rec[14] = strconv.FormatInt(millis(b.Seconds), 10)
		return cw.Write(rec)
	})
	if err != nil {
		return fmt.Errorf("write CSV report: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV report: %w", err)
	}
	return nil
}

// labels are the broadcast's topic, area and audience in words, or their
// codes where the taxonomy has none (old or hand-made log rows).
func (b Broadcast) labels() (topic, area, audience string) {
	return labelOr(taxonomy.TopicLabel(b.Topic), b.Topic),
		labelOr(taxonomy.AreaLabel(b.Area), b.Area),
		labelOr(taxonomy.AudienceLabel(b.Audience), b.Audience)
}

func labelOr(label, code string) string {
	if label != "" {
		return label
	}
	return code
}

// millis is seconds as whole milliseconds, as the sums are kept.
func millis(s float64) int64 { return int64(math.Round(s * 1000)) }

// secondsText renders seconds rounded to milliseconds, without exponent.
func secondsText(s float64) string {
	return strconv.FormatFloat(database.Round3(s), 'f', -1, 64)
}

// SummaryHeader is the header row of SummaryRows (and of the XLSX
// summary sheet): seconds there are exact, with a decimal point.
var SummaryHeader = []string{"Mục", "Mã", "Nội dung", "Số lượt", "Thời lượng (giây)", "Ghi chú"}

// SummaryCSVHeader is the header row of the CSV summary: SummaryHeader
// with whole seconds, then h:mm:ss and whole milliseconds (read the same
// by a spreadsheet under Vietnamese and English settings).
var SummaryCSVHeader = []string{"Mục", "Mã", "Nội dung", "Số lượt", "Thời lượng (giây)", "Ghi chú", "Thời lượng (giờ:phút:giây)", "Mili giây"}

// Summary rows' "Mục" values; with "Mã" they identify a figure.
const (
	SecInfo     = "Thông tin"
	SecWarning  = "Cảnh báo"
	SecTotal    = "Tổng"
	SecRuns     = "Chương trình"
	SecOther    = "Nhạc hiệu, nhạc đệm"
	SecTopic    = "Chủ đề"
	SecArea     = "Nội dung CCHC"
	SecAudience = "Đối tượng"
	SecMonth    = "Tháng"
)

// Uncovered is how a topic with no airtime is flagged.
const Uncovered = "chưa phát"

// SummaryRows is the report's figures as rows of SummaryHeader; the CSV
// summary and the XLSX summary sheet share it.
func (r *Report) SummaryRows() [][]string {
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	s := secondsText
	rows := [][]string{
		{SecInfo, "don-vi", r.Station, "", "", ""},
		{SecInfo, "ky-bao-cao", "Báo cáo " + lowerFirst(r.Title) + r.asOf(), "", "", r.From + " – " + r.To},
	}
	for i, w := range r.Warnings {
		rows = append(rows, []string{SecWarning, strconv.Itoa(i + 1), w, "", "", ""})
	}
	rows = append(rows,
		[]string{SecTotal, "luot-phat", "Số lượt phát bài tuyên truyền", n(r.Items), s(r.AirtimeS), Minutes(r.AirtimeS)},
		[]string{SecTotal, "so-bai", "Số bài tuyên truyền khác nhau đã phát", n(r.Scripts), "", ""},
		[]string{SecTotal, "phat-loi", "Lượt phát bài bị lỗi (không tính)", n(r.FailedItems), "", ""},
		[]string{SecTotal, "mo-phong", "Lượt phát bài mô phỏng (đã tính ở trên)", n(r.SimulatedItems), "", ""},
		[]string{SecTotal, "chua-ket-thuc", "Lượt phát chưa kết thúc (không tính)", n(r.OpenItems), "", ""},
		[]string{SecRuns, "completed", RunLabels[0], n(r.Runs.Completed), "", ""},
		[]string{SecRuns, "partial", RunLabels[1], n(r.Runs.Partial), "", ""},
		[]string{SecRuns, "missed", RunLabels[2], n(r.Runs.Missed), "", ""},
		[]string{SecRuns, "empty", RunLabels[3], n(r.Runs.Empty), "", ""},
		[]string{SecRuns, "failed", RunLabels[4], n(r.Runs.Failed), "", ""},
		[]string{SecRuns, "open", "Chưa kết thúc (không tính)", n(r.OpenRuns), "", ""},
		[]string{SecOther, "jingle", "Nhạc hiệu", n(r.Jingles.Items), s(r.Jingles.AirtimeS), ""},
		[]string{SecOther, "filler", "Nhạc đệm", n(r.Fillers.Items), s(r.Fillers.AirtimeS), ""},
		[]string{SecOther, "announcement", "Thông báo khẩn / ưu tiên", n(r.Announcements.Items), s(r.Announcements.AirtimeS), ""},
	)
	for _, b := range r.ByTopic {
		note := ""
		if b.Items == 0 {
			note = Uncovered
		}
		rows = append(rows, []string{SecTopic, b.Code, b.Label, n(b.Items), s(b.AirtimeS), note})
	}
	for _, b := range r.ByArea {
		rows = append(rows, []string{SecArea, b.Code, b.Label, n(b.Items), s(b.AirtimeS), ""})
	}
	for _, b := range r.ByAudience {
		rows = append(rows, []string{SecAudience, b.Code, b.Label, n(b.Items), s(b.AirtimeS), ""})
	}
	for _, m := range r.ByMonth {
		rows = append(rows, []string{SecMonth, m.Month, MonthLabel(m.Month), n(m.Items), s(m.AirtimeS), ""})
	}
	return rows
}

// RunLabels name programme run outcomes: completed, partial, missed, empty.
var RunLabels = [5]string{"Hoàn thành", "Phát một phần", "Bị lỡ (không phát)", "Không có bài để phát", "Lỗi đầu ra (không phát được)"}

// MonthLabel turns "2023-06" into "Tháng 06/2023".
func MonthLabel(key string) string {
	if len(key) != 7 {
		return key
	}
	return "Tháng " + key[5:] + "/" + key[:4]
}

// WriteSummaryCSV writes the figures as CSV (UTF-8 with BOM): warnings
// first, then totals, runs, jingles and fillers, each topic (flagged "chưa
// phát" when it has none), area, audience and month.
func (r *Report) WriteSummaryCSV(w io.Writer) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("write CSV summary: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(SummaryCSVHeader); err != nil {
		return fmt.Errorf("write CSV summary: %w", err)
	}
	for _, row := range r.SummaryRows() {
		out := append(row[:len(row):len(row)], "", "")
		if row[4] != "" {
			s, err := strconv.ParseFloat(row[4], 64)
			if err != nil {
				return fmt.Errorf("write CSV summary: %s/%s: %w", row[0], row[1], err)
			}
			out[4], out[6], out[7] = strconv.FormatInt(wholeSeconds(s), 10), HMS(s), strconv.FormatInt(millis(s), 10)
		}
		if err := cw.Write(out); err != nil {
			return fmt.Errorf("write CSV summary: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV summary: %w", err)
	}
	return nil
}
