package report

import (
	"context"
	"fmt"
	"strings"

	"loa/internal/airlog"
	"loa/internal/database"
)

// document is the report as the office issues it (Nghị định 30/2020): the
// header blocks, the title, the numbered sections, the signature block and
// the annex listing every broadcast. The PDF and the DOCX writers both lay
// out this one document, so the two say the same thing word for word; a
// new figure is a new block here and both formats show it.
type document struct {
	head   docHead
	blocks []block
	sign   docSign
	annex  docAnnex
}

// docHead is the top of page 1: the issuing body (left), the national
// title and motto (right), the number and the place and date, the title.
type docHead struct {
	parent string   // "TỈNH ..." above the issuing body, or ""
	body   []string // "ỦY BAN NHÂN DÂN", "XÃ BÌNH LƯƠNG"
	number string   // "Số: 15/BC-UBND"
	date   string   // "Bình Lương, ngày 26 tháng 11 năm 2026"
	kind   string   // "BÁO CÁO"
	title  []string // lines of the title, each kept whole
	asOf   string   // "(số liệu tính đến ngày 30/11/2026)" for a period not yet over
}

// The national title and motto (Quốc hiệu, tiêu ngữ).
const (
	nationalTitle = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	nationalMotto = "Độc lập – Tự do – Hạnh phúc"
)

// block is one part of the body, in order.
type block interface{ blockKind() string }

// section is a numbered section heading, "I. THÔNG TIN CHUNG".
type section struct{ text string }

// para is a body paragraph; alert sets it in bold red (a gap in the plan).
type para struct {
	text  string
	alert bool
}

// warnBox is a boxed warning above everything else (simulated data, open
// log rows).
type warnBox struct{ lines []string }

// chart is a figure drawn as an image with a caption above it.
type chart struct {
	caption string
	png     []byte
	wMM     float64 // width on the page; height follows the image's ratio
	hMM     float64
}

// col is a table column; weight is its share of the table's width.
type col struct {
	title  string
	weight float64
	align  byte // 'L', 'C', 'R'
}

// row is a table row; alert sets it in bold red, red in red only
// (a simulated broadcast).
type row struct {
	cells []string
	bold  bool
	red   bool
}

// table has its rows, or a function streaming them (the annex's list may
// be fifty thousand rows; it is read from the database as it is laid out).
type table struct {
	cols []col
	rows []row
	each func(ctx context.Context, fn func(row) error) error
	size float64 // font size in points
}

func (section) blockKind() string { return "section" }
func (para) blockKind() string    { return "para" }
func (warnBox) blockKind() string { return "warnings" }
func (chart) blockKind() string   { return "chart" }
func (*table) blockKind() string  { return "table" }

// forEach calls fn on each row of t.
func (t *table) forEach(ctx context.Context, fn func(row) error) error {
	for _, r := range t.rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	if t.each != nil {
		return t.each(ctx, fn)
	}
	return nil
}

// docSign is "Nơi nhận" (left) and the signature block (right).
type docSign struct {
	recipients []string // "- Sở Nội vụ tỉnh;" … "- Lưu: VT."
	lines      []string // "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
	name       string
}

// docAnnex is the appendix after the signature, on landscape pages.
type docAnnex struct {
	title []string // "Phụ lục", "DANH SÁCH CÁC BUỔI PHÁT", "(Kèm theo …)"
	note  string   // when there is nothing to list
	list  *table
}

// Table font sizes (points): Nghị định 30 sets the body at 13–14 pt and
// leaves tables to the office; 12 and 11 keep them readable on A4.
const (
	bodyPt  = 14.0
	tablePt = 12.0
	annexPt = 11.0
)

// document lays the report out.
func (r *Report) document() (*document, error) {
	d := &document{head: r.docHead(), sign: r.docSign()}
	add := func(b ...block) { d.blocks = append(d.blocks, b...) }

	// The gap in the plan is stated once, in section III, not in the box.
	var ws []string
	for _, w := range r.Warnings {
		if w != r.uncoveredWarning() {
			ws = append(ws, w)
		}
	}
	if len(ws) > 0 {
		add(warnBox{ws})
	}

	add(section{"I. THÔNG TIN CHUNG"},
		para{text: fmt.Sprintf("Đơn vị thực hiện: %s.", r.Station)},
		para{text: fmt.Sprintf("Kỳ báo cáo: từ ngày %s đến ngày %s (theo giờ địa phương, múi giờ %s).", dmy(r.From), dmy(r.To), r.TimeZone)})
	if r.DataUntil != "" {
		add(para{text: fmt.Sprintf("Kỳ báo cáo chưa kết thúc: số liệu tính đến ngày %s.", dmy(r.DataUntil))})
	}
	add(para{text: "Nguồn số liệu: nhật ký phát sóng do phần mềm loa ghi tự động. Lượt phát là một lần phát bài tuyên truyền đã được phê duyệt (phát trọn bài hoặc phát một phần); thời lượng tính theo số giây thực phát, ghi theo giờ:phút:giây. Nhạc hiệu, nhạc đệm không tính là lượt phát."})

	add(section{"II. KẾT QUẢ CHUNG"})
	kv := []row{
		{cells: []string{"1", "Số lượt phát bài tuyên truyền", Thousands(r.Items) + " lượt"}},
		{cells: []string{"2", "Tổng thời lượng phát", HMS(r.AirtimeS)}},
		{cells: []string{"3", "Số bài tuyên truyền khác nhau đã phát", Thousands(r.Scripts) + " bài"}},
		{cells: []string{"4", "Chương trình phát theo lịch", Thousands(r.Runs.Total()) + " chương trình"}},
		{cells: []string{"", "– " + RunLabels[0], Thousands(r.Runs.Completed)}},
		{cells: []string{"", "– " + RunLabels[1], Thousands(r.Runs.Partial)}},
		{cells: []string{"", "– " + RunLabels[2], Thousands(r.Runs.Missed)}},
		{cells: []string{"", "– " + RunLabels[3], Thousands(r.Runs.Empty)}},
		{cells: []string{"", "– " + RunLabels[4], Thousands(r.Runs.Failed)}},
		{cells: []string{"5", "Nhạc hiệu (không tính là lượt phát)", fmt.Sprintf("%s lượt, %s", Thousands(r.Jingles.Items), HMS(r.Jingles.AirtimeS))}},
		{cells: []string{"6", "Nhạc đệm (không tính là lượt phát)", fmt.Sprintf("%s lượt, %s", Thousands(r.Fillers.Items), HMS(r.Fillers.AirtimeS))}},
		{cells: []string{"7", "Lượt phát bài bị lỗi (không tính)", Thousands(r.FailedItems)}},
		{cells: []string{"8", "Thông báo khẩn / ưu tiên (ngoài chủ đề kế hoạch)", fmt.Sprintf("%s lượt, %s", Thousands(r.Announcements.Items), HMS(r.Announcements.AirtimeS))}},
	}
	if r.Simulated {
		kv = append(kv, row{cells: []string{"9", "Trong số lượt phát: lượt phát MÔ PHỎNG", Thousands(r.SimulatedItems)}, bold: true, red: true})
	}
	add(&table{cols: []col{{"TT", 10, 'C'}, {"Chỉ tiêu", 95, 'L'}, {"Kết quả", 60, 'R'}}, rows: kv, size: tablePt})

	add(section{"III. THỜI LƯỢNG PHÁT THEO CHỦ ĐỀ CỦA KẾ HOẠCH"})
	var rows []row
	for _, b := range r.ByTopic {
		note := ""
		if b.Items == 0 {
			note = Uncovered
		}
		rows = append(rows, row{cells: []string{b.Item, b.Label, Thousands(b.Items), HMS(b.AirtimeS), percent(b.AirtimeS, r.AirtimeS), note}, bold: note != "", red: note != ""})
	}
	rows = append(rows, row{cells: []string{"", "Cộng", Thousands(r.Items), HMS(r.AirtimeS), percent(r.AirtimeS, r.AirtimeS), ""}, bold: true})
	add(&table{cols: []col{{"Mục", 12, 'C'}, {"Chủ đề", 68, 'L'}, {"Số lượt", 17, 'R'}, {"Thời lượng", 25, 'R'}, {"Tỷ lệ (%)", 18, 'R'}, {"Ghi chú", 25, 'C'}}, rows: rows, size: tablePt})
	png, wMM, hMM, err := r.topicChart()
	if err != nil {
		return nil, err
	}
	add(chart{caption: "Biểu đồ: thời lượng phát theo chủ đề (giờ:phút:giây)", png: png, wMM: wMM, hMM: hMM})
	if len(r.UncoveredTopics) == 0 {
		add(para{text: fmt.Sprintf("Tất cả %d chủ đề của kế hoạch đều đã được phát trong kỳ.", len(r.ByTopic))})
	} else {
		var names []string
		for _, b := range r.ByTopic {
			if b.Items == 0 && b.Item != "" {
				names = append(names, fmt.Sprintf("mục %s (%s)", b.Item, b.Label))
			}
		}
		add(para{text: fmt.Sprintf("Chủ đề chưa phát trong kỳ (%d/%d): %s.", len(names), len(r.ByTopic), strings.Join(names, "; ")), alert: true})
	}

	add(section{"IV. THEO NỘI DUNG CẢI CÁCH HÀNH CHÍNH"}, r.bucketTable("Nội dung cải cách hành chính", r.ByArea))
	add(section{"V. THEO ĐỐI TƯỢNG TUYÊN TRUYỀN"}, r.bucketTable("Đối tượng", r.ByAudience))

	add(section{"VI. THEO THÁNG"})
	rows = nil
	for _, m := range r.ByMonth {
		rows = append(rows, r.figureRow(MonthLabel(m.Month), m.Items, m.AirtimeS))
	}
	rows = append(rows, r.totalRow())
	add(&table{cols: []col{{"Tháng", 55, 'L'}, {"Số lượt", 35, 'R'}, {"Thời lượng", 40, 'R'}, {"Tỷ lệ (%)", 35, 'R'}}, rows: rows, size: tablePt})

	add(section{"VII. DANH SÁCH CÁC BUỔI PHÁT"})
	if r.Items == 0 {
		add(para{text: "Không có lượt phát nào trong kỳ."})
	} else {
		add(para{text: fmt.Sprintf("Danh sách đầy đủ %s lượt phát trong kỳ tại Phụ lục kèm theo báo cáo này.", Thousands(r.Items))})
	}
	d.annex = r.docAnnex()
	return d, nil
}

func (r *Report) docHead() docHead {
	h := docHead{
		body:   []string{"ỦY BAN NHÂN DÂN", CommuneHeading(r.Commune)},
		number: "Số: " + r.number(),
		date:   DateLine(r.place(), r.Now()),
		kind:   "BÁO CÁO",
		title:  []string{Heading, PeriodWords(r.period)},
	}
	if p := r.cfg.Report.Province; p != "" {
		h.parent = ProvinceHeading(p)
	}
	h.asOf = strings.TrimSpace(r.asOf())
	return h
}

// asOf is " (số liệu tính đến ngày 30/11/2026)" for a period not over on
// the report's date, else "".
func (r *Report) asOf() string {
	if r.DataUntil == "" {
		return ""
	}
	return fmt.Sprintf(" (số liệu tính đến ngày %s)", dmy(r.DataUntil))
}

// number is the document number: as configured ("15/BC-UBND"; a bare
// "15" gets the report's symbol), or blank to be written by hand.
func (r *Report) number() string {
	n := r.cfg.Report.Number
	switch {
	case n == "":
		return "        /BC-UBND"
	case strings.Contains(n, "/"):
		return n
	}
	return n + "/BC-UBND"
}

// place is written before the date: report.place, or the commune's name.
func (r *Report) place() string {
	if p := r.cfg.Report.Place; p != "" {
		return p
	}
	return communeName(r.Commune)
}

func (r *Report) docSign() docSign {
	var s docSign
	rs := r.cfg.Report.Recipients
	for i, name := range rs {
		end := ";"
		if i == len(rs)-1 {
			end = "."
		}
		s.recipients = append(s.recipients, "- "+name+end)
	}
	s.lines = SignatureLines(r.cfg.Report.SignFor, r.Signer.Title)
	s.name = r.Signer.Name
	return s
}

// SignatureLines are the lines above the signer's name (Nghị định 30,
// Phụ lục I): "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"; for a vice-chairman
// (signFor "KT.", or "TM." with a "PHÓ …" title: a deputy signs for the
// committee only through the chairman) "TM. ỦY BAN NHÂN DÂN / KT. CHỦ
// TỊCH / PHÓ CHỦ TỊCH"; with no signFor, the title alone. A title written
// over two lines ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH") is kept as it is.
func SignatureLines(signFor, title string) []string {
	var lines []string
	if signFor != "" {
		lines = append(lines, "TM. ỦY BAN NHÂN DÂN")
	}
	var ts []string
	for _, l := range strings.Split(title, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			ts = append(ts, upper(l))
		}
	}
	deputy := len(ts) == 1 && strings.HasPrefix(ts[0], "PHÓ ")
	if (signFor == "KT." || signFor == "TM." && deputy) && len(ts) == 1 && !strings.HasPrefix(ts[0], "KT.") {
		lines = append(lines, "KT. CHỦ TỊCH")
	}
	return append(lines, ts...)
}

func (r *Report) bucketTable(what string, bs []Bucket) *table {
	var rows []row
	for _, b := range bs {
		rows = append(rows, r.figureRow(b.Label, b.Items, b.AirtimeS))
	}
	rows = append(rows, r.totalRow())
	return &table{cols: []col{{what, 90, 'L'}, {"Số lượt", 20, 'R'}, {"Thời lượng", 30, 'R'}, {"Tỷ lệ (%)", 20, 'R'}}, rows: rows, size: tablePt}
}

// figureRow is label, count, duration and share of the total airtime.
func (r *Report) figureRow(label string, items int64, airtimeS float64) row {
	return row{cells: []string{label, Thousands(items), HMS(airtimeS), percent(airtimeS, r.AirtimeS)}}
}

// totalRow closes a breakdown table with the report's totals.
func (r *Report) totalRow() row {
	t := r.figureRow("Cộng", r.Items, r.AirtimeS)
	t.bold = true
	return t
}

func percent(part, whole float64) string {
	if whole <= 0 {
		return "0,0"
	}
	return Decimal(100 * part / whole)
}

// docAnnex is the appendix listing every broadcast of the period.
func (r *Report) docAnnex() docAnnex {
	a := docAnnex{title: []string{"Phụ lục", "DANH SÁCH CÁC BUỔI PHÁT",
		fmt.Sprintf("(Kèm theo Báo cáo số %s ngày %s của Ủy ban nhân dân %s)",
			strings.TrimSpace(r.number()), r.Now().Format(database.ShowDate), communeWords(r.Commune))}}
	if r.Items == 0 {
		a.note = "Không có lượt phát nào trong kỳ."
		return a
	}
	items := map[string]string{} // topic code → plan item letter
	for _, t := range r.ByTopic {
		if t.Item != "" {
			items[t.Code] = t.Item
		}
	}
	a.list = &table{
		cols: []col{{"STT", 12, 'R'}, {"Ngày", 22, 'C'}, {"Giờ", 18, 'C'}, {"Chương trình", 50, 'L'}, {"Tên bài", 76, 'L'},
			{"Chủ đề (mục)", 16, 'C'}, {"Thời lượng", 20, 'R'}, {"Trạng thái", 38, 'L'}},
		size: annexPt,
		each: func(ctx context.Context, fn func(row) error) error {
			n := 0
			return r.EachBroadcast(ctx, 0, func(b Broadcast) error {
				n++
				status := airlog.StatusLabel(b.Status)
				if b.Simulated {
					status += " (mô phỏng)"
				}
				return fn(row{cells: []string{
					Thousands(int64(n)), b.Started.Format(database.ShowDate), b.Started.Format(database.ShowClock), b.Programme, b.Title,
					labelOr(items[b.Topic], b.Topic), HMS(b.Seconds), status}, red: b.Simulated})
			})
		},
	}
	return a
}
