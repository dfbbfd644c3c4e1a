package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"loa/internal/config"
	"loa/internal/golden"
	"loa/internal/report/reporttest"
)

func render(t *testing.T, r *Report, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := r.Render(context.Background(), format, &b); err != nil {
		t.Fatalf("render %s: %v", format, err)
	}
	return b.Bytes()
}

func TestJSON(t *testing.T) {
	db := fixture(t)
	cfg := config.Default()
	for _, spec := range []string{"2023-H1", "2023-H2"} {
		r := build(t, db, cfg, spec)
		out := render(t, r, "json")
		checkGolden(t, spec+".json", out)

		var got struct {
			From, To        string
			Items           int64
			AirtimeS        float64 `json:"airtime_s"`
			Scripts         int64
			Simulated       bool
			Runs            map[string]int64
			ByTopic         []map[string]any `json:"by_topic"`
			ByArea          []map[string]any `json:"by_area"`
			ByAudience      []map[string]any `json:"by_audience"`
			ByMonth         []map[string]any `json:"by_month"`
			UncoveredTopics []string         `json:"uncovered_topics"`
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if got.From != r.From || got.To != r.To || got.Items != r.Items || got.AirtimeS != r.AirtimeS ||
			got.Scripts != r.Scripts || got.Simulated != r.Simulated || len(got.ByTopic) != 7 ||
			len(got.UncoveredTopics) != len(r.UncoveredTopics) || len(got.ByMonth) != 6 || len(got.ByArea) != 7 || len(got.ByAudience) != 3 {
			t.Errorf("%s: JSON does not carry the figures: %+v", spec, got)
		}
		for _, k := range []string{"completed", "partial", "missed", "empty"} {
			if _, ok := got.Runs[k]; !ok {
				t.Errorf("%s: runs.%s missing", spec, k)
			}
		}
		for _, b := range got.ByTopic {
			for _, k := range []string{"code", "label", "items", "airtime_s"} {
				if _, ok := b[k]; !ok {
					t.Errorf("%s: by_topic entry lacks %s", spec, k)
				}
			}
		}
	}
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		t.Fatal("CSV has no UTF-8 byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestCSV(t *testing.T) {
	db := fixture(t)
	r := build(t, db, config.Default(), "2023-H1")
	list := render(t, r, "csv")
	checkGolden(t, "2023-H1.csv", list)
	rows := readCSV(t, list)
	if strings.Join(rows[0], "|") != strings.Join(CSVHeader, "|") {
		t.Fatalf("header %q", rows[0])
	}
	rows = rows[1:]
	if int64(len(rows)) != r.Items {
		t.Fatalf("%d rows, want one per broadcast (%d)", len(rows), r.Items)
	}
	var sum int64
	var sim, partial int
	for _, row := range rows {
		ms, err := strconv.ParseInt(row[14], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		sum += ms
		if s, _ := strconv.ParseInt(row[10], 10, 64); s != wholeSeconds(float64(ms)/1000) || row[13] != HMS(float64(ms)/1000) {
			t.Errorf("row %s: seconds %q, h:mm:ss %q for %d ms", row[0], row[10], row[13], ms)
		}
		if row[12] == "MÔ PHỎNG" {
			sim++
		}
		if row[11] == "phát một phần" {
			partial++
		}
	}
	if float64(sum)/1000 != r.AirtimeS || sim != 1 || partial != 1 {
		t.Errorf("CSV: sum %d ms, %d simulated, %d partial; want %.3f s, 1, 1", sum, sim, partial, r.AirtimeS)
	}
	first, last := rows[0], rows[len(rows)-1]
	if first[1] != "2023-01-01" || first[2] != "00:00:00" || last[1] != "2023-06-30" || last[2] != "23:59:59" {
		t.Errorf("CSV first %q last %q: want local times at the period's edges", first[:3], last[:3])
	}

	sum2 := render(t, r, "csv-summary")
	checkGolden(t, "2023-H1-summary.csv", sum2)
	srows := readCSV(t, sum2)
	fig := map[string][]string{}
	for _, row := range srows[1:] {
		fig[row[0]+"/"+row[1]] = row
	}
	want := map[string][3]string{
		SecTotal + "/luot-phat":           {"7", "2617", ""},
		SecTotal + "/so-bai":              {"4", "", ""},
		SecTotal + "/phat-loi":            {"1", "", ""},
		SecTotal + "/mo-phong":            {"1", "", ""},
		SecTotal + "/chua-ket-thuc":       {"1", "", ""},
		SecRuns + "/completed":            {"3", "", ""},
		SecRuns + "/partial":              {"1", "", ""},
		SecRuns + "/missed":               {"1", "", ""},
		SecRuns + "/empty":                {"1", "", ""},
		SecOther + "/jingle":              {"1", "15", ""},
		SecOther + "/filler":              {"1", "60", ""},
		SecTopic + "/chu-truong":          {"2", "320.75", ""},
		SecTopic + "/ke-hoach":            {"3", "406.5", ""},
		SecTopic + "/ket-qua":             {"0", "0", Uncovered},
		SecTopic + "/mo-hinh":             {"1", "1799", ""},
		SecTopic + "/quyen-nghia-vu":      {"0", "0", Uncovered},
		SecTopic + "/dan-chu-ntm":         {"0", "0", Uncovered},
		SecTopic + "/mot-cua-dvc":         {"1", "90.75", ""},
		SecArea + "/the-che":              {"2", "320.75", ""},
		SecArea + "/thu-tuc":              {"3", "406.5", ""},
		SecArea + "/hien-dai-hoa":         {"1", "1799", ""},
		SecArea + "/":                     {"1", "90.75", ""},
		SecArea + "/bo-may":               {"0", "0", ""},
		SecAudience + "/nguoi-dan":        {"3", "411.5", ""},
		SecAudience + "/can-bo-cong-chuc": {"3", "406.5", ""},
		SecAudience + "/lanh-dao":         {"1", "1799", ""},
		SecMonth + "/2023-01":             {"1", "120.5", ""},
		SecMonth + "/2023-02":             {"0", "0", ""},
		SecMonth + "/2023-03":             {"2", "500.25", ""},
		SecMonth + "/2023-04":             {"1", "45.5", ""},
		SecMonth + "/2023-05":             {"1", "90.75", ""},
		SecMonth + "/2023-06":             {"2", "1860", ""},
	}
	for k, w := range want {
		row, ok := fig[k]
		if !ok {
			t.Errorf("summary CSV lacks %s", k)
			continue
		}
		note := w[2]
		if k == SecTotal+"/luot-phat" {
			note = "43 phút 37 giây"
		}
		secs, hms, ms := "", "", ""
		if w[1] != "" {
			x, _ := strconv.ParseFloat(w[1], 64)
			secs, hms, ms = fmt.Sprint(wholeSeconds(x)), HMS(x), fmt.Sprint(int64(math.Round(x*1000)))
		}
		if want := []string{w[0], secs, note, hms, ms}; !slices.Equal(row[3:], want) {
			t.Errorf("summary CSV %s = %q, want %q", k, row[3:], want)
		}
	}
	if row := fig[SecWarning+"/1"]; row == nil || !strings.Contains(row[2], "MÔ PHỎNG") {
		t.Errorf("summary CSV lacks the simulated warning: %q", row)
	}
}

func TestXLSX(t *testing.T) {
	db := fixture(t)
	r := build(t, db, config.Default(), "2023-H1")
	f, err := excelize.OpenReader(bytes.NewReader(render(t, r, "xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wantSheets := []string{SheetSummary, SheetTopic, SheetArea, SheetAudience, SheetMonth, SheetDetail}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(wantSheets, "|") {
		t.Errorf("sheets %q, want %q", got, wantSheets)
	}
	raw := excelize.Options{RawCellValue: true}
	for _, s := range wantSheets {
		p, err := f.GetPanes(s)
		if err != nil || !p.Freeze || p.YSplit != 1 {
			t.Errorf("%s: header row not frozen: %+v %v", s, p, err)
		}
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("not a number: %q", s)
		}
		return v
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

	// Summary: the same rows as the CSV summary, with numbers.
	rows, err := f.GetRows(SheetSummary, raw)
	if err != nil {
		t.Fatal(err)
	}
	want := r.SummaryRows()
	if len(rows) != len(want)+1 {
		t.Fatalf("summary sheet has %d rows, want %d", len(rows), len(want)+1)
	}
	for i, w := range want {
		got := append(rows[i+1], make([]string, 7)...)
		if got[0] != w[0] || got[1] != w[1] || got[2] != w[2] || got[3] != w[3] {
			t.Errorf("summary row %d = %q, want %q", i+2, got[:4], w[:4])
		}
		if w[4] != "" && (!near(num(got[4]), num(w[4])) || !near(num(got[5])*86400, num(w[4]))) {
			t.Errorf("summary row %d seconds %q / duration %q, want %s", i+2, got[4], got[5], w[4])
		}
	}
	// Row 1 is the header, then two info rows and the warnings: the total
	// airtime (Tổng/luot-phat) is the row after them.
	total := "E" + strconv.Itoa(len(r.Warnings)+4)
	if v, _ := f.GetCellValue(SheetSummary, total, raw); v != "2617" {
		t.Errorf("%s = %q, want the total airtime 2617", total, v)
	}
	if typ, _ := f.GetCellType(SheetSummary, total); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("airtime is stored as text, not a number")
	}

	// By topic: all seven, figures and the gap flag.
	rows, _ = f.GetRows(SheetTopic, raw)
	if len(rows) != 8 {
		t.Fatalf("topic sheet has %d rows, want 8", len(rows))
	}
	for i, b := range r.ByTopic {
		row := append(rows[i+1], make([]string, 8)...)
		flag := ""
		if b.Items == 0 {
			flag = Uncovered
		}
		if row[0] != b.Item || row[1] != b.Code || row[2] != b.Label || num(row[3]) != float64(b.Items) ||
			!near(num(row[4]), b.AirtimeS) || !near(num(row[5])*86400, b.AirtimeS) || row[7] != flag {
			t.Errorf("topic row %d = %q, want %+v", i+2, row, b)
		}
	}
	rows, _ = f.GetRows(SheetArea, raw)
	for i, b := range r.ByArea {
		if rows[i+1][0] != b.Code || num(rows[i+1][2]) != float64(b.Items) || !near(num(rows[i+1][3]), b.AirtimeS) {
			t.Errorf("area row %d = %q, want %+v", i+2, rows[i+1], b)
		}
	}
	rows, _ = f.GetRows(SheetAudience, raw)
	for i, b := range r.ByAudience {
		if rows[i+1][0] != b.Code || num(rows[i+1][2]) != float64(b.Items) || !near(num(rows[i+1][3]), b.AirtimeS) {
			t.Errorf("audience row %d = %q, want %+v", i+2, rows[i+1], b)
		}
	}
	rows, _ = f.GetRows(SheetMonth, raw)
	for i, m := range r.ByMonth {
		if rows[i+1][0] != m.Month || num(rows[i+1][1]) != float64(m.Items) || !near(num(rows[i+1][2]), m.AirtimeS) {
			t.Errorf("month row %d = %q, want %+v", i+2, rows[i+1], m)
		}
	}

	// Detail: one row per broadcast, real date-times in local time.
	rows, _ = f.GetRows(SheetDetail, raw)
	if int64(len(rows)-1) != r.Items {
		t.Fatalf("detail sheet has %d broadcasts, want %d", len(rows)-1, r.Items)
	}
	var sum float64
	for _, row := range rows[1:] {
		sum += num(row[9])
	}
	if !near(sum, r.AirtimeS) {
		t.Errorf("detail seconds add up to %.3f, want %.3f", sum, r.AirtimeS)
	}
	if got, want := num(rows[1][1]), excelTime(local(t, "2023-01-01 00:00:00")); !near(got, want) || want != 44927 {
		t.Errorf("first air time serial %v, want %v (2023-01-01 00:00 local)", got, want)
	}
	if v, _ := f.GetCellValue(SheetDetail, "B2"); v != "01/01/2023 00:00:00" {
		t.Errorf("first air time shows as %q", v)
	}
}

// pdfText renders r as PDF and extracts its text with pdftotext, page by
// page.
func pdfText(t *testing.T, r *Report) (string, []string) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not found: install poppler-utils to check the PDF report")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(path, render(t, r, "pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := norm.NFC.String(string(out))
	return text, strings.Split(text, "\f")
}

// squash collapses whitespace, so that text wrapped over lines still matches.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestPDF(t *testing.T) {
	db := fixture(t)
	r := build(t, db, config.Default(), "2023-H1")
	pdf := render(t, r, "pdf")
	if !bytes.Contains(pdf, []byte("/FontFile2")) || bytes.Contains(pdf, []byte("/Helvetica")) || bytes.Contains(pdf, []byte("/Times")) {
		t.Error("PDF does not embed its TrueType font only (core fonts must not be used)")
	}
	text, pages := pdfText(t, r)
	all := squash(text)
	for _, want := range []string{
		"ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯƠNG", "Số: /BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc",
		"Bình Lương, ngày 26 tháng 11 năm 2026", "BÁO CÁO",
		"Kết quả phát thanh tuyên truyền cải cách hành chính 6 tháng đầu năm 2023",
		"Kỳ báo cáo: từ ngày 01/01/2023 đến ngày 30/06/2023",
		"CẢNH BÁO", "MÔ PHỎNG", "1 lượt phát và 1 chương trình chưa kết thúc",
		"I. THÔNG TIN CHUNG", "II. KẾT QUẢ CHUNG", "III. THỜI LƯỢNG PHÁT THEO CHỦ ĐỀ", "VII. DANH SÁCH CÁC BUỔI PHÁT",
		"Danh sách đầy đủ 7 lượt phát trong kỳ tại Phụ lục kèm theo báo cáo này.",
		"Số lượt phát bài tuyên truyền 7 lượt", "Tổng thời lượng phát 0:43:37",
		"Số bài tuyên truyền khác nhau đã phát 4 bài", "Chương trình phát theo lịch 6 chương trình",
		"– Hoàn thành 3", "– Phát một phần 1", "– Bị lỡ (không phát) 1", "– Không có bài để phát 1",
		"Nhạc hiệu (không tính là lượt phát) 1 lượt, 0:00:15", "Nhạc đệm (không tính là lượt phát) 1 lượt, 0:01:00",
		"Biểu đồ: thời lượng phát theo chủ đề (giờ:phút:giây)",
		"Chủ đề chưa phát trong kỳ (3/7)", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An", "Nơi nhận:",
		"- Như trên;", "- Sở Nội vụ tỉnh;", "- Sở Văn hóa, Thể thao và Du lịch tỉnh;", "- Thường trực Đảng ủy xã;",
		"- Thường trực HĐND xã;", "- Lưu: VT.",
		"Phụ lục DANH SÁCH CÁC BUỔI PHÁT (Kèm theo Báo cáo số /BC-UBND ngày 26/11/2026 của Ủy ban nhân dân xã Bình Lương)",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	// Figures in the tables: topic rows (count, duration, share, flag).
	for _, want := range []string{
		"a Quan điểm, chủ trương của Đảng, 2 0:05:21 12,3",
		"b Nội dung Kế hoạch CCHC năm của 3 0:06:47 15,5",
		"c Kết quả, tồn tại, hạn chế; biểu 0 0:00:00 0,0 chưa phát",
		"d Mô hình, cơ chế, điển hình tốt về 1 0:29:59 68,7",
		"g Một cửa điện tử liên thông; dịch vụ 1 0:01:31 3,5",
		"Doanh nghiệp và người dân 3 0:06:52 15,7", "Đội ngũ cán bộ, công chức 3 0:06:47 15,5",
		"Cải cách thể chế 2 0:05:21 12,3", "Hiện đại hóa hành chính nhà nước 1 0:29:59 68,7",
		"1 01/01/2023 00:00:00 Bản tin đêm giao thừa", "4 01/04/2023 05:30:00 Chương trình buổi sáng", "b 0:00:46 đã phát (mô phỏng)",
		"5 10/05/2023 17:00:00 Chương trình buổi chiều Bài C: Một cửa điện tử g 0:01:31 phát một phần",
		"6 30/06/2023 23:30:00 Bản tin đêm Bài E: Mô hình hay d 0:29:59 đã phát",
		"7 30/06/2023 23:59:59 Bản tin đêm Bài B: Kế hoạch CCHC năm 2023 b 0:01:01 đã phát",
		"Tháng 06/2023 2 0:31:00 71,1", "Tháng 02/2023 0 0:00:00 0,0", "Cộng 7 0:43:37 100,0",
		"Không xác định 1 0:01:31 3,5",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF table lacks %q", want)
		}
	}
	// Nghị định 30: no number on page 1, numbers at the top of the others.
	if first := strings.Fields(pages[0]); first[0] != "ỦY" {
		t.Errorf("page 1 starts with %q", first[0])
	}
	for i := 1; i < len(pages)-1; i++ {
		if f := strings.Fields(pages[i]); len(f) == 0 || f[0] != fmt.Sprint(i+1) {
			t.Errorf("page %d does not start with its number: %.40q", i+1, pages[i])
		}
	}
	for _, once := range []string{"Tổng thời lượng phát", "chưa phát trong kỳ", "lệnh", "loa report"} {
		if n := strings.Count(all, once); n > 1 || (n == 1) != (once != "lệnh" && once != "loa report") {
			t.Errorf("%q printed %d times", once, n)
		}
	}
	if strings.Contains(all, "tính đến ngày") {
		t.Error("a period long over is marked provisional")
	}
}

// TestPDFAnnex checks that the annex lists every broadcast of a long year
// (945) on landscape pages, the header repeated on each, every page but
// the first numbered.
func TestPDFAnnex(t *testing.T) {
	db := fixture(t)
	ctx := context.Background()
	var items []reporttest.Item
	for i := range 943 {
		day := local(t, "2023-08-01 17:00:00").AddDate(0, 0, i/8)
		items = append(items, item(t, s6, day.Add(time.Duration(i%8)*time.Minute).Format("2006-01-02 15:04:05"), 60, "aired"))
	}
	if _, err := reporttest.AddRun(ctx, db, reporttest.Run{Programme: "dai", Title: "Chương trình dài",
		Scheduled: local(t, "2023-08-01 17:00:00"), Status: "completed"}, items...); err != nil {
		t.Fatal(err)
	}
	r := build(t, db, config.Default(), "2023-H2")
	if r.Items != 945 {
		t.Fatalf("fixture: %d broadcasts in 2023-H2, want 945", r.Items)
	}
	text, pages := pdfText(t, r)
	listPages := 0
	for i, p := range pages {
		if strings.Contains(p, "Tên bài") {
			listPages++
			if f := strings.Fields(p); len(f) == 0 || f[0] != fmt.Sprint(i+1) {
				t.Errorf("page %d has no page number", i+1)
			}
		}
	}
	if listPages < 20 {
		t.Errorf("list header on %d pages, want it on every page of the annex (≥20)", listPages)
	}
	// Rows are matched on the unsquashed text, where each starts a line.
	n := len(regexp.MustCompile(`(?m)^\s*[\d.]+\s+\d\d/\d\d/2023\s+\d\d:\d\d:\d\d`).FindAllString(text, -1))
	if n != 945 {
		t.Errorf("annex lists %d broadcasts, want 945", n)
	}
	if !regexp.MustCompile(`(?m)^\s*945\s+\d\d/\d\d/2023`).MatchString(text) {
		t.Error("row 945 not printed")
	}
	if all := squash(text); strings.Contains(all, "loa report") || strings.Contains(all, "lệnh") {
		t.Error("a command line is printed in the document")
	}
	// Every page of the annex is landscape, its table whole: the last
	// column's header on each, every word inside the margins.
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, render(t, r, "pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	bbox := pdfBoxes(t, path)
	checkMargins(t, bbox)
	annex := false
	for i, p := range bbox {
		words := make([]string, len(p.words))
		for j, w := range p.words {
			words[j] = w.text
		}
		annex = annex || len(words) > 1 && words[1] == "Phụ" // the page number, then "Phụ lục"
		if !annex {
			continue
		}
		if p.w <= p.h {
			t.Errorf("annex page %d is portrait (%.0f × %.0f pt)", i+1, p.w, p.h)
		}
		if !slices.Contains(words, "Trạng") || !slices.Contains(words, "Tên") {
			t.Errorf("annex page %d lacks the table's header (Tên bài … Trạng thái)", i+1)
		}
	}
	w := readWord(t, docxParts(t, render(t, r, "docx"))["word/document.xml"])
	if rows := w.tables[len(w.tables)-1]; rows != 946 {
		t.Errorf("DOCX annex has %d rows, want a header and 945 broadcasts", rows)
	}
	if all := squash(strings.Join(w.paras, " ")); strings.Contains(all, "loa report") || !regexp.MustCompile(`\b945 \d\d/\d\d/2023 `).MatchString(all) {
		t.Errorf("DOCX annex: last row missing or a command line printed")
	}
}

// TestPDFIssue checks the document details from [report]: a vice-chairman
// signing for the chairman, number, recipients, place, province, a ward's
// heading, and a period not over on the report's date.
func TestPDFIssue(t *testing.T) {
	cfg := config.Default()
	cfg.Report.SignerTitle = "Phó Chủ tịch"
	cfg.Report.SignFor = "KT."
	cfg.Report.SignerName = "Trần Thị Bình"
	cfg.Report.Number = "15"
	cfg.Report.Recipients = []string{"Sở Nội vụ tỉnh Quảng Ninh", "Lưu: VT, VHXH"}
	cfg.Report.Province = "Quảng Ninh"
	cfg.Station.Commune = "phường Đống Đa"
	db := fixture(t)
	now := local(t, "2023-05-20 10:00:00")
	r, err := Build(t.Context(), db, cfg, mustPeriod(t, "2023-Q2"), now)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.DataUntil != "2023-05-20" {
		t.Errorf("DataUntil = %q, want the report's date", r.DataUntil)
	}
	text, _ := pdfText(t, r)
	all := squash(text)
	for _, want := range []string{"TỈNH QUẢNG NINH", "PHƯỜNG ĐỐNG ĐA", "Số: 15/BC-UBND", "Đống Đa, ngày 20 tháng 5 năm 2023",
		"quý II năm 2023 (số liệu tính đến ngày 20/05/2023)",
		// Made at 10:00: the day's afternoon broadcasts are not in it.
		"Kỳ báo cáo chưa kết thúc: số liệu tính đến ngày 20/05/2023.",
		"Trần Thị Bình",
		"- Sở Nội vụ tỉnh Quảng Ninh;", "- Lưu: VT, VHXH.", "Báo cáo số 15/BC-UBND ngày 20/05/2023 của Ủy ban nhân dân phường Đống Đa"} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	// The signature's lines, in order, each on its own line.
	if !regexp.MustCompile(`TM\. ỦY BAN NHÂN DÂN *\n[^\n]*KT\. CHỦ TỊCH *\n(?:[^\n]*\n)*?[^\n]*PHÓ CHỦ TỊCH *\n`).MatchString(text) {
		t.Errorf("signature block is not TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH:\n%s", text)
	}
	for f, want := range map[string]string{"json": `"data_until": "2023-05-20"`, "csv-summary": "(số liệu tính đến ngày 20/05/2023)"} {
		if out := render(t, r, f); !bytes.Contains(out, []byte(want)) {
			t.Errorf("%s does not mark the figures provisional:\n%s", f, out)
		}
	}
	if strings.Contains(all, "Như trên") {
		t.Error("default recipients printed over the configured ones")
	}
}

func TestSignatureLines(t *testing.T) {
	for _, c := range []struct{ signFor, title, want string }{
		{"TM.", "CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN|CHỦ TỊCH"},
		{"KT.", "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN|KT. CHỦ TỊCH|PHÓ CHỦ TỊCH"},
		{"TM.", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN|KT. CHỦ TỊCH|PHÓ CHỦ TỊCH"},
		{"", "Chủ tịch", "CHỦ TỊCH"},
		// A vice-chairman never signs TM. alone (the default sign_for with
		// signer_title = "PHÓ CHỦ TỊCH" printed TM. ỦY BAN NHÂN DÂN / PHÓ CHỦ TỊCH).
		{"TM.", "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN|KT. CHỦ TỊCH|PHÓ CHỦ TỊCH"},
		{"TM.", "Phó Chủ tịch", "TM. ỦY BAN NHÂN DÂN|KT. CHỦ TỊCH|PHÓ CHỦ TỊCH"},
		{"", "Phó Chủ tịch", "PHÓ CHỦ TỊCH"},
	} {
		if got := strings.Join(SignatureLines(c.signFor, c.title), "|"); got != c.want {
			t.Errorf("SignatureLines(%q, %q) = %q, want %q", c.signFor, c.title, got, c.want)
		}
	}
}

func TestSummaryPath(t *testing.T) {
	if got := SummaryPath(filepath.Join("dir", "a.csv")); got != filepath.Join("dir", "a-summary.csv") {
		t.Fatalf("SummaryPath = %s", got)
	}
}

// TestXLSXCut checks that a list longer than the workbook's bound is cut
// with a note pointing at the CSV.
func TestXLSXCut(t *testing.T) {
	db := fixture(t)
	r := build(t, db, config.Default(), "2023-H1")
	r.xlsxLimit = 3
	f, err := excelize.OpenReader(bytes.NewReader(render(t, r, "xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(SheetDetail)
	if len(rows) != 6 || rows[3][0] != "3" || !strings.Contains(rows[5][0], "3 lượt phát đầu tiên trong tổng số 7 lượt") ||
		!strings.Contains(rows[5][0], "loa report --period 2023-H1 --format csv") {
		t.Errorf("cut detail sheet: %q", rows)
	}
}

// TestNFC checks that titles logged in decomposed form come out NFC.
func TestNFC(t *testing.T) {
	db := fixture(t)
	decomposed := norm.NFD.String("Bài G: Tiếp dân")
	it := item(t, s6, "2023-02-01 17:00:00", 10, "aired")
	it.Title = decomposed
	if _, err := reporttest.AddRun(t.Context(), db, reporttest.Run{Programme: "nfd", Scheduled: local(t, "2023-02-01 17:00:00"), Status: "completed"}, it); err != nil {
		t.Fatal(err)
	}
	r := build(t, db, config.Default(), "2023-H1")
	out := render(t, r, "csv")
	if !norm.NFC.IsNormal(out) || !strings.Contains(string(out), "Bài G: Tiếp dân") {
		t.Error("CSV list is not NFC")
	}
}

func checkGolden(t *testing.T, name string, got []byte) { t.Helper(); golden.Check(t, name, got) }

// TestPDFForm checks the form of Nghị định 30 with poppler: only the
// embedded Liberation Serif faces, and every word inside the margins (top
// and bottom 20 mm, left 30 mm, right 15 mm; landscape pages alike) but
// the page number, centred in the top margin from page 2.
func TestPDFForm(t *testing.T) {
	for _, tool := range []string{"pdffonts", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: install poppler-utils to check the PDF report", tool)
		}
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	r := build(t, fixture(t), config.Default(), "2023-H1")
	if err := os.WriteFile(path, render(t, r, "pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdffonts", path).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")[2:]
	if len(lines) == 0 {
		t.Fatal("pdffonts lists no font")
	}
	for _, l := range lines {
		f := strings.Fields(l)
		if !strings.Contains(strings.ToLower(f[0]), "liberationserif") || f[len(f)-5] != "yes" {
			t.Errorf("font not the embedded serif: %s", l)
		}
	}

	pages := pdfBoxes(t, path)
	if len(pages) < 4 {
		t.Fatalf("%d pages", len(pages))
	}
	checkMargins(t, pages)
	landscape := 0
	for _, p := range pages {
		if p.w > p.h {
			landscape++
		}
	}
	if landscape != 1 {
		t.Errorf("%d landscape pages, want the annex's one", landscape)
	}
}

// pdfPage is one page of a PDF as pdftotext -bbox reads it (points).
type pdfPage struct {
	w, h  float64
	words []pdfWord
}

type pdfWord struct {
	x0, y0, x1, y1 float64
	text           string
}

// pdfBoxes reads every word of the PDF at path with its box, page by page.
func pdfBoxes(t *testing.T, path string) []pdfPage {
	t.Helper()
	out, err := exec.Command("pdftotext", "-bbox", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	page := regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	word := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
	f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	idx := page.FindAllStringSubmatchIndex(string(out), -1)
	pages := make([]pdfPage, len(idx))
	for i, p := range idx {
		end := len(out)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		pages[i].w, pages[i].h = f(string(out[p[2]:p[3]])), f(string(out[p[4]:p[5]]))
		for _, m := range word.FindAllStringSubmatch(string(out[p[1]:end]), -1) {
			pages[i].words = append(pages[i].words, pdfWord{f(m[1]), f(m[2]), f(m[3]), f(m[4]), norm.NFC.String(m[5])})
		}
	}
	return pages
}

// checkMargins checks every word is inside the margins of Nghị định 30
// (top and bottom 20 mm, left 30 mm, right 15 mm; landscape pages alike)
// but the page number, centred in the top margin from page 2.
func checkMargins(t *testing.T, pages []pdfPage) {
	t.Helper()
	const pt = 72 / 25.4 // points per mm
	for i, p := range pages {
		numbered := false
		for _, w := range p.words {
			if w.y1 <= 20*pt && w.text == fmt.Sprint(i+1) && i > 0 && math.Abs((w.x0+w.x1)/2-(30*pt+(p.w-45*pt)/2)) < 2 {
				numbered = true
				continue
			}
			if w.x0 < 30*pt-0.5 || w.x1 > p.w-15*pt+0.5 || w.y0 < 20*pt-0.5 || w.y1 > p.h-20*pt+0.5 {
				t.Errorf("page %d: %q at x %.1f–%.1f mm, y %.1f–%.1f mm is in the margins", i+1, w.text, w.x0/pt, w.x1/pt, w.y0/pt, w.y1/pt)
			}
		}
		if numbered != (i > 0) {
			t.Errorf("page %d: page number in the top margin: %v", i+1, numbered)
		}
	}
}
