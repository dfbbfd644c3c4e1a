package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"

	"loa/internal/report/fonts"
)

// Page geometry (mm) after Nghị định 30/2020: A4, margins top and bottom
// 20, left 30, right 15.
const (
	pageW, pageH  = 210.0, 297.0
	marginL       = 30.0
	marginR       = 15.0
	marginT       = 20.0
	marginB       = 20.0
	contentW      = pageW - marginL - marginR
	bottomLimit   = pageH - marginB
	fontFamily    = "dejavu"
	bodySize      = 11.0
	tableSize     = 9.0
	bodyLine      = 5.6
	tableLine     = 4.2
	tablePad      = 1.2
	signatureRoom = 50.0
)

type pdfDoc struct {
	*fpdf.Fpdf
}

// pdfCol is one table column.
type pdfCol struct {
	title string
	w     float64
	align string // "L", "C", "R"
}

// pdfRow is one table row. A gap in the plan is bold and red, a simulated
// broadcast in the list red only.
type pdfRow struct {
	cells []string
	bold  bool
	red   bool
}

// WritePDF writes the report as an A4 PDF in the layout of a Vietnamese
// administrative report, set in the bundled DejaVu Sans. The list of
// broadcasts is cut after the configured number of rows (report.pdf_max_rows)
// with a note that the full list is in the XLSX and CSV exports.
func (r *Report) WritePDF(ctx context.Context, w io.Writer) error {
	d := pdfDoc{fpdf.New("P", "mm", "A4", "")}
	d.SetMargins(marginL, marginT, marginR)
	d.SetAutoPageBreak(true, marginB)
	d.AddUTF8FontFromBytes(fontFamily, "", fonts.Regular)
	d.AddUTF8FontFromBytes(fontFamily, "B", fonts.Bold)
	d.SetCreationDate(r.now)
	d.SetModificationDate(r.now)
	d.SetCatalogSort(true)
	d.SetTitle("Báo cáo "+lowerFirst(r.Title), true)
	d.SetAuthor(r.Station, true)
	d.SetCreator("loa", true)
	// Nghị định 30: page numbers centred in the top margin, not on page 1.
	d.SetHeaderFunc(func() {
		if d.PageNo() > 1 {
			d.SetFont(fontFamily, "", 10)
			d.SetXY(marginL, 10)
			d.CellFormat(contentW, 5, fmt.Sprint(d.PageNo()), "", 0, "C", false, 0, "")
			d.SetXY(marginL, marginT)
		}
	})
	d.AddPage()
	if err := r.pdfBody(ctx, d); err != nil {
		return fmt.Errorf("write PDF report: %w", err)
	}
	if err := d.Output(w); err != nil {
		return fmt.Errorf("write PDF report: %w", err)
	}
	return nil
}

func (d pdfDoc) font(style string, size float64) { d.SetFont(fontFamily, style, size) }

// fit returns the largest size ≤ size at which s fits in w.
func (d pdfDoc) fit(s, style string, size, w float64) float64 {
	for ; size > 6; size -= 0.25 {
		d.font(style, size)
		if d.GetStringWidth(s)+2 <= w {
			break
		}
	}
	return size
}

// centered writes s centred in [x, x+w) at the current y and moves down h.
func (d pdfDoc) centered(x, w, h float64, s, style string, size float64) {
	d.font(style, d.fit(s, style, size, w))
	d.SetX(x)
	d.CellFormat(w, h, s, "", 1, "C", false, 0, "")
}

// ensure starts a new page unless h mm are left.
func (d pdfDoc) ensure(h float64) {
	if d.GetY()+h > bottomLimit {
		d.AddPage()
	}
}

func (d pdfDoc) para(s string) {
	d.font("", bodySize)
	d.SetX(marginL)
	d.MultiCell(contentW, bodyLine, s, "", "J", false)
}

func (d pdfDoc) section(s string) {
	d.ensure(30)
	d.Ln(2.5)
	d.font("B", bodySize)
	d.SetX(marginL)
	d.MultiCell(contentW, bodyLine+0.4, s, "", "L", false)
	d.Ln(1)
}

func (r *Report) pdfHead(d pdfDoc) {
	top := d.GetY()
	leftW, rightX, rightW := 66.0, marginL+62, contentW-62
	// Issuing body, top left.
	d.SetY(top)
	d.centered(marginL, leftW, 5.5, "ỦY BAN NHÂN DÂN", "B", 11.5)
	body := CommuneHeading(r.Commune)
	d.centered(marginL, leftW, 5.5, body, "B", 11.5)
	d.font("B", 11.5)
	lw := 22.0
	d.SetLineWidth(0.3)
	d.Line(marginL+leftW/2-lw/2, d.GetY()+0.6, marginL+leftW/2+lw/2, d.GetY()+0.6)
	d.Ln(3)
	d.centered(marginL, leftW, 5.5, "Số:        /BC-UBND", "", 10.5)
	leftBottom := d.GetY()
	// National title and motto, top right.
	d.SetY(top)
	d.centered(rightX, rightW, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 11)
	motto := "Độc lập – Tự do – Hạnh phúc"
	d.centered(rightX, rightW, 5.5, motto, "B", 11.5)
	mw := d.GetStringWidth(motto)
	d.Line(rightX+rightW/2-mw/2, d.GetY()+0.6, rightX+rightW/2+mw/2, d.GetY()+0.6)
	d.Ln(3)
	d.centered(rightX, rightW, 5.5, DateLine(r.cfg.Station.Place, r.Now()), "", 10.5)
	d.SetY(max(leftBottom, d.GetY()) + 8)
	// Title.
	d.centered(marginL, contentW, 7, "BÁO CÁO", "B", 14)
	// The heading and the period on their own lines, never broken mid-phrase.
	d.centered(marginL, contentW, 6, Heading, "B", 12)
	d.centered(marginL, contentW, 6, PeriodWords(r.period), "B", 12)
	mid := marginL + contentW/2
	d.Line(mid-15, d.GetY()+1, mid+15, d.GetY()+1)
	d.Ln(6)
}

// pdfWarnings boxes the warnings in red, above everything else.
func (r *Report) pdfWarnings(d pdfDoc) {
	ws := r.Warnings
	if len(ws) == 0 {
		return
	}
	d.font("B", 10)
	h := 0.0
	for _, w := range ws {
		h += float64(len(d.SplitText(w, contentW-6)))*5 + 1
	}
	d.ensure(h + 6)
	y := d.GetY()
	d.SetDrawColor(192, 0, 0)
	d.SetFillColor(255, 240, 240)
	d.SetLineWidth(0.6)
	d.Rect(marginL, y, contentW, h+4, "FD")
	d.SetTextColor(192, 0, 0)
	d.SetY(y + 2)
	for _, w := range ws {
		d.SetX(marginL + 3)
		d.MultiCell(contentW-6, 5, w, "", "L", false)
		d.Ln(1)
	}
	d.SetTextColor(0, 0, 0)
	d.SetDrawColor(0, 0, 0)
	d.SetLineWidth(0.2)
	d.SetY(y + h + 8)
}

// table draws cols and rows, repeating the header on each new page and
// keeping each row whole.
func (d pdfDoc) table(cols []pdfCol, rows []pdfRow) { d.tableSized(cols, rows, tableSize) }

// tableSized is table with a font size.
func (d pdfDoc) tableSized(cols []pdfCol, rows []pdfRow, size float64) {
	line := tableLine * size / tableSize
	d.SetLineWidth(0.2)
	d.ensure(3 * (line + 2*tablePad)) // never a header alone at a page foot
	d.tableHeader(cols, size)
	for _, r := range rows {
		style := ""
		if r.bold {
			style = "B"
		}
		d.font(style, size)
		lines := make([][]string, len(cols))
		n := 1
		for i, c := range cols {
			lines[i] = d.SplitText(r.cells[i], c.w)
			n = max(n, len(lines[i]))
		}
		h := float64(n)*line + 2*tablePad
		if d.GetY()+h > bottomLimit {
			d.AddPage()
			d.tableHeader(cols, size)
			d.font(style, size)
		}
		y, x := d.GetY(), marginL
		if r.red {
			d.SetTextColor(192, 0, 0)
		}
		for i, c := range cols {
			d.Rect(x, y, c.w, h, "D")
			for j, l := range lines[i] {
				d.SetXY(x, y+tablePad+float64(j)*line)
				d.CellFormat(c.w, line, l, "", 0, c.align, false, 0, "")
			}
			x += c.w
		}
		d.SetTextColor(0, 0, 0)
		d.SetXY(marginL, y+h)
	}
	d.Ln(2)
}

func (d pdfDoc) tableHeader(cols []pdfCol, size float64) {
	d.font("B", size)
	line := tableLine * size / tableSize
	n := 1
	for _, c := range cols {
		n = max(n, len(d.SplitText(c.title, c.w)))
	}
	h := float64(n)*line + 2*tablePad
	y, x := d.GetY(), marginL
	d.SetFillColor(225, 230, 240)
	for _, c := range cols {
		d.Rect(x, y, c.w, h, "FD")
		for j, l := range d.SplitText(c.title, c.w) {
			d.SetXY(x, y+tablePad+float64(j)*line)
			d.CellFormat(c.w, line, l, "", 0, "C", false, 0, "")
		}
		x += c.w
	}
	d.SetXY(marginL, y+h)
}

func percent(part, whole float64) string {
	if whole <= 0 {
		return "0,0"
	}
	return Decimal(100 * part / whole)
}

// decimalMinutes is seconds as minutes with one decimal, "43,6" (Minutes
// is the "43 phút 37 giây" form).
func decimalMinutes(s float64) string { return Decimal(s / 60) }

func (r *Report) pdfBody(ctx context.Context, d pdfDoc) error {
	r.pdfHead(d)
	r.pdfWarnings(d)

	d.section("I. THÔNG TIN CHUNG")
	d.para(fmt.Sprintf("Đơn vị thực hiện: %s.", r.Station))
	d.para(fmt.Sprintf("Kỳ báo cáo: từ ngày %s đến ngày %s (theo giờ địa phương, múi giờ %s).", dmy(r.From), dmy(r.To), r.TimeZone))
	d.para("Nguồn số liệu: nhật ký phát sóng do phần mềm loa ghi tự động. Lượt phát là một lần phát bài tuyên truyền đã được phê duyệt (phát trọn bài hoặc phát một phần); thời lượng tính theo số giây thực phát. Nhạc hiệu, nhạc đệm không tính là lượt phát.")

	d.section("II. KẾT QUẢ CHUNG")
	kv := []pdfRow{
		{cells: []string{"1", "Số lượt phát bài tuyên truyền", Thousands(r.Items) + " lượt"}},
		{cells: []string{"2", "Tổng thời lượng phát", fmt.Sprintf("%s (%s)", Minutes(r.AirtimeS), Clock(r.AirtimeS))}},
		{cells: []string{"3", "Số bài tuyên truyền khác nhau đã phát", Thousands(r.Scripts) + " bài"}},
		{cells: []string{"4", "Chương trình phát theo lịch", Thousands(r.Runs.Total()) + " chương trình"}},
		{cells: []string{"", "– " + RunLabels[0], Thousands(r.Runs.Completed)}},
		{cells: []string{"", "– " + RunLabels[1], Thousands(r.Runs.Partial)}},
		{cells: []string{"", "– " + RunLabels[2], Thousands(r.Runs.Missed)}},
		{cells: []string{"", "– " + RunLabels[3], Thousands(r.Runs.Empty)}},
		{cells: []string{"5", "Nhạc hiệu (không tính là lượt phát)", fmt.Sprintf("%s lượt, %s", Thousands(r.Jingles.Items), Minutes(r.Jingles.AirtimeS))}},
		{cells: []string{"6", "Nhạc đệm (không tính là lượt phát)", fmt.Sprintf("%s lượt, %s", Thousands(r.Fillers.Items), Minutes(r.Fillers.AirtimeS))}},
		{cells: []string{"7", "Lượt phát bài bị lỗi (không tính)", Thousands(r.FailedItems)}},
	}
	if r.Simulated {
		kv = append(kv, pdfRow{cells: []string{"8", "Trong số lượt phát: lượt phát MÔ PHỎNG", Thousands(r.SimulatedItems)}, bold: true, red: true})
	}
	d.table([]pdfCol{{"TT", 10, "C"}, {"Chỉ tiêu", 95, "L"}, {"Kết quả", 60, "R"}}, kv)

	d.section("III. THỜI LƯỢNG PHÁT THEO CHỦ ĐỀ CỦA KẾ HOẠCH")
	var rows []pdfRow
	for _, b := range r.ByTopic {
		note := ""
		if b.Items == 0 {
			note = Uncovered
		}
		rows = append(rows, pdfRow{cells: []string{b.Item, b.Label, Thousands(b.Items), decimalMinutes(b.AirtimeS), percent(b.AirtimeS, r.AirtimeS), note}, bold: note != "", red: note != ""})
	}
	rows = append(rows, pdfRow{cells: []string{"", "Cộng", Thousands(r.Items), decimalMinutes(r.AirtimeS), percent(r.AirtimeS, r.AirtimeS), ""}, bold: true})
	d.table([]pdfCol{{"Mục", 11, "C"}, {"Chủ đề", 78, "L"}, {"Số lượt", 17, "R"}, {"Thời lượng (phút)", 22, "R"}, {"Tỷ lệ (%)", 16, "R"}, {"Ghi chú", 21, "C"}}, rows)
	r.pdfChart(d)
	if len(r.UncoveredTopics) == 0 {
		d.para(fmt.Sprintf("Tất cả %d chủ đề của kế hoạch đều đã được phát trong kỳ.", len(r.ByTopic)))
	} else {
		var names []string
		for _, b := range r.ByTopic {
			if b.Items == 0 && b.Item != "" {
				names = append(names, fmt.Sprintf("mục %s (%s)", b.Item, b.Label))
			}
		}
		d.font("B", bodySize)
		d.SetTextColor(192, 0, 0)
		d.SetX(marginL)
		d.MultiCell(contentW, bodyLine, fmt.Sprintf("Chủ đề chưa phát trong kỳ (%d/%d): %s.", len(names), len(r.ByTopic), strings.Join(names, "; ")), "", "L", false)
		d.SetTextColor(0, 0, 0)
	}

	d.section("IV. THEO NỘI DUNG CẢI CÁCH HÀNH CHÍNH")
	d.table(bucketCols("Nội dung cải cách hành chính"), bucketRows(r.ByArea, r))
	d.section("V. THEO ĐỐI TƯỢNG TUYÊN TRUYỀN")
	d.table(bucketCols("Đối tượng"), bucketRows(r.ByAudience, r))

	d.section("VI. THEO THÁNG")
	rows = rows[:0]
	for _, m := range r.ByMonth {
		rows = append(rows, r.figureRow(MonthLabel(m.Month), m.Items, m.AirtimeS))
	}
	rows = append(rows, r.totalRow())
	d.table([]pdfCol{{"Tháng", 55, "L"}, {"Số lượt", 35, "R"}, {"Thời lượng (phút)", 40, "R"}, {"Tỷ lệ (%)", 35, "R"}}, rows)

	if err := r.pdfList(ctx, d); err != nil {
		return err
	}
	r.pdfSignature(d)
	return nil
}

func bucketCols(what string) []pdfCol {
	return []pdfCol{{what, 98, "L"}, {"Số lượt", 20, "R"}, {"Thời lượng (phút)", 27, "R"}, {"Tỷ lệ (%)", 20, "R"}}
}

func bucketRows(bs []Bucket, r *Report) []pdfRow {
	var rows []pdfRow
	for _, b := range bs {
		rows = append(rows, r.figureRow(b.Label, b.Items, b.AirtimeS))
	}
	return append(rows, r.totalRow())
}

// figureRow is label, count, minutes and share of the total airtime.
func (r *Report) figureRow(label string, items int64, airtimeS float64) pdfRow {
	return pdfRow{cells: []string{label, Thousands(items), decimalMinutes(airtimeS), percent(airtimeS, r.AirtimeS)}}
}

// totalRow closes a breakdown table with the report's totals.
func (r *Report) totalRow() pdfRow {
	row := r.figureRow("Cộng", r.Items, r.AirtimeS)
	row.bold = true
	return row
}

// pdfChart draws horizontal bars of airtime by topic.
func (r *Report) pdfChart(d pdfDoc) {
	const barH, gap, labelW, valueW = 5.0, 2.0, 16.0, 26.0
	h := 10 + float64(len(r.ByTopic))*(barH+gap) + 4
	d.ensure(h)
	d.Ln(1)
	d.font("B", 10)
	d.SetX(marginL)
	d.CellFormat(contentW, 6, "Biểu đồ: thời lượng phát theo chủ đề (phút)", "", 1, "C", false, 0, "")
	d.Ln(1)
	maxS := 0.0
	for _, b := range r.ByTopic {
		maxS = max(maxS, b.AirtimeS)
	}
	barMax := contentW - labelW - valueW
	y := d.GetY()
	d.SetLineWidth(0.2)
	d.Line(marginL+labelW, y-1, marginL+labelW, y+float64(len(r.ByTopic))*(barH+gap))
	for _, b := range r.ByTopic {
		d.font("", 9)
		d.SetXY(marginL, y)
		label := "Mục " + b.Item
		if b.Item == "" {
			label = b.Code
		}
		d.CellFormat(labelW-1, barH, label, "", 0, "R", false, 0, "")
		w := 0.0
		if maxS > 0 {
			w = barMax * b.AirtimeS / maxS
		}
		if w > 0 {
			d.SetFillColor(46, 92, 160)
			d.Rect(marginL+labelW, y, max(w, 0.4), barH, "F")
		}
		d.SetXY(marginL+labelW+w+1, y)
		if b.Items == 0 {
			d.font("B", 9)
			d.SetTextColor(192, 0, 0)
			d.CellFormat(valueW, barH, Uncovered, "", 0, "L", false, 0, "")
			d.SetTextColor(0, 0, 0)
		} else {
			d.CellFormat(valueW, barH, decimalMinutes(b.AirtimeS), "", 0, "L", false, 0, "")
		}
		y += barH + gap
	}
	d.SetXY(marginL, y+2)
}

func (r *Report) pdfList(ctx context.Context, d pdfDoc) error {
	d.section("VII. DANH SÁCH CÁC LƯỢT PHÁT")
	limit := r.cfg.Report.PDFMaxRows
	where := "các tệp XLSX và CSV"
	if r.Items > int64(r.xlsxMax()) {
		where = "tệp CSV"
	}
	more := fmt.Sprintf("Danh sách đầy đủ %s lượt phát có trong %s của báo cáo (lệnh: %s).", Thousands(r.Items), where, r.command("xlsx hoặc csv"))
	if r.Items == 0 {
		d.para("Không có lượt phát nào trong kỳ.")
		return nil
	}
	if limit == 0 {
		d.para(more)
		return nil
	}
	items := map[string]string{} // topic code → plan item letter
	for _, t := range r.ByTopic {
		if t.Item != "" {
			items[t.Code] = t.Item
		}
	}
	var rows []pdfRow
	n := 0
	err := r.EachBroadcast(ctx, limit, func(b Broadcast) error {
		n++
		status := StatusLabel(b.Status)
		if b.Simulated {
			status += "\n(mô phỏng)"
		}
		item := labelOr(items[b.Topic], b.Topic)
		rows = append(rows, pdfRow{cells: []string{
			fmt.Sprint(n), b.Started.Format("02/01/2006"), b.Started.Format("15:04:05"), b.Programme, b.Title, item,
			Thousands(wholeSeconds(b.Seconds)), status}, red: b.Simulated})
		return nil
	})
	if err != nil {
		return err
	}
	if int64(n) < r.Items {
		d.para(fmt.Sprintf("Dưới đây là %s lượt phát đầu tiên trong tổng số %s lượt. %s", Thousands(int64(n)), Thousands(r.Items), more))
		d.Ln(1)
	}
	d.tableSized([]pdfCol{{"STT", 10, "R"}, {"Ngày", 19, "C"}, {"Giờ", 15, "C"}, {"Chương trình", 30, "L"}, {"Tên bài", 42, "L"},
		{"Chủ đề", 13, "C"}, {"Số giây", 13, "R"}, {"Trạng thái", 23, "L"}}, rows, 8)
	if int64(n) < r.Items {
		d.para(fmt.Sprintf("(Còn %s lượt phát không in trong báo cáo này. %s)", Thousands(r.Items-int64(n)), more))
	}
	return nil
}

// pdfSignature is "Nơi nhận" on the left and the signer on the right, kept
// on one page.
func (r *Report) pdfSignature(d pdfDoc) {
	d.ensure(signatureRoom)
	d.Ln(6)
	y := d.GetY()
	d.font("B", 9.5)
	d.SetXY(marginL, y)
	d.CellFormat(70, 5, "Nơi nhận:", "", 1, "L", false, 0, "")
	d.font("", 8.5)
	for _, s := range []string{"- Văn phòng UBND;", "- Phòng Văn hóa và Thông tin huyện;", "- Phòng Nội vụ huyện;", "- Lưu: VT."} {
		d.SetX(marginL)
		d.CellFormat(70, 4.2, s, "", 1, "L", false, 0, "")
	}
	x, w := marginL+contentW-85, 85.0
	d.SetY(y)
	d.centered(x, w, 5.5, "TM. ỦY BAN NHÂN DÂN", "B", 11)
	for _, line := range strings.Split(r.Signer.Title, "\n") {
		d.centered(x, w, 5.5, upper(strings.TrimSpace(line)), "B", 11)
	}
	d.SetY(d.GetY() + 24)
	d.centered(x, w, 5.5, r.Signer.Name, "B", 11)
}

// command is the loa command line that writes this report in format.
func (r *Report) command(format string) string {
	if r.period.Kind == KindRange {
		return fmt.Sprintf("loa report --from %s --to %s --format %s", r.From, r.To, format)
	}
	return fmt.Sprintf("loa report --period %s --format %s", r.Period, format)
}
