package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"

	"loa/internal/report/fonts"
)

// Page geometry (mm) after Nghị định 30/2020: A4, margins top and bottom
// 20, left 30, right 15 (within the decree's 20–25, 30–35 and 15–20). The
// annex is set on landscape pages with the same margins.
const (
	marginL = 30.0
	marginR = 15.0
	marginT = 20.0
	marginB = 20.0
	pageNoY = 8.0 // the page number's line, in the top margin
	// headLeftW is the width of the issuing body's block on page 1; the
	// national title and motto take the rest.
	headLeftW = 66.0
	mmPerPt   = 25.4 / 72
	lineSp    = 1.2 // line height per font size
	cellPad   = 1.0 // table cell padding, top and bottom
	fontName  = "LiberationSerif"
)

type pdfDoc struct {
	*fpdf.Fpdf
}

// WritePDF writes the report as an A4 PDF in the form of Nghị định
// 30/2020 (Phụ lục I), set in the bundled Liberation Serif (metrics of
// Times New Roman), with every broadcast listed in the annex.
func (r *Report) WritePDF(ctx context.Context, w io.Writer) error {
	doc, err := r.document()
	if err != nil {
		return fmt.Errorf("write PDF report: %w", err)
	}
	d := newPDFDoc()
	d.SetCreationDate(r.now)
	d.SetModificationDate(r.now)
	d.SetCatalogSort(true)
	d.SetTitle("Báo cáo "+lowerFirst(r.Title), true)
	d.SetAuthor(r.Station, true)
	d.SetCreator("loa", true)
	// Nghị định 30: the page number centred in the top margin, from page 2.
	d.SetHeaderFunc(func() {
		if d.PageNo() > 1 {
			w, _ := d.GetPageSize()
			d.font("", 13)
			d.SetXY(marginL, pageNoY)
			d.CellFormat(w-marginL-marginR, 6, fmt.Sprint(d.PageNo()), "", 0, "C", false, 0, "")
			d.SetXY(marginL, marginT)
		}
	})
	d.AddPage()
	d.head(doc.head)
	if err := d.blocks(ctx, doc.blocks); err != nil {
		return fmt.Errorf("write PDF report: %w", err)
	}
	d.signature(doc.sign)
	if err := d.annex(ctx, doc.annex); err != nil {
		return fmt.Errorf("write PDF report: %w", err)
	}
	if err := d.Output(w); err != nil {
		return fmt.Errorf("write PDF report: %w", err)
	}
	return nil
}

// newPDFDoc is an empty A4 document with the decree's margins and the
// embedded serif faces.
func newPDFDoc() pdfDoc {
	d := pdfDoc{fpdf.New("P", "mm", "A4", "")}
	d.SetMargins(marginL, marginT, marginR)
	d.SetCellMargin(1.2)
	d.SetAutoPageBreak(true, marginB)
	d.AddUTF8FontFromBytes(fontName, "", fonts.Regular)
	d.AddUTF8FontFromBytes(fontName, "B", fonts.Bold)
	d.AddUTF8FontFromBytes(fontName, "I", fonts.Italic)
	d.AddUTF8FontFromBytes(fontName, "BI", fonts.BoldItalic)
	return d
}

func (d pdfDoc) font(style string, size float64) { d.SetFont(fontName, style, size) }

// lineH is the height of a line of text at size points.
func lineH(size float64) float64 { return size * lineSp * mmPerPt }

// baseline is how far below the top of its line text of size points sits:
// fpdf centres a cell's text at half the height plus 0.3 of the size.
func baseline(size float64) float64 { return size * mmPerPt * (lineSp/2 + 0.3) }

func (d pdfDoc) contentW() float64 {
	w, _ := d.GetPageSize()
	return w - marginL - marginR
}

func (d pdfDoc) bottom() float64 {
	_, h := d.GetPageSize()
	return h - marginB
}

// fit returns the largest size ≤ size at which s fits in w.
func (d pdfDoc) fit(s, style string, size, w float64) float64 {
	for ; size > 6; size -= 0.25 {
		d.font(style, size)
		if d.GetStringWidth(s)+1 <= w {
			break
		}
	}
	return size
}

// centered writes s centred in [x, x+w) at the current y and moves down.
func (d pdfDoc) centered(x, w float64, s, style string, size float64) {
	size = d.fit(s, style, size, w)
	d.font(style, size)
	d.SetX(x)
	d.CellFormat(w, lineH(size), s, "", 1, "C", false, 0, "")
}

// rule draws a short line under the text just written, centred in [x, x+w).
func (d pdfDoc) rule(x, w, length float64) {
	d.SetLineWidth(0.3)
	y := d.GetY() + 1.2
	d.Line(x+w/2-length/2, y, x+w/2+length/2, y)
}

// ensure starts a new page unless h mm are left.
func (d pdfDoc) ensure(h float64) {
	if d.GetY()+h > d.bottom() {
		d.newPage()
	}
}

// newPage starts a page like the current one: fpdf's AddPage would go
// back to the document's portrait, and the annex's table, laid out for a
// landscape page, would run off the paper.
func (d pdfDoc) newPage() {
	w, h := d.GetPageSize()
	if w > h {
		d.AddPageFormat("L", fpdf.SizeType{Wd: h, Ht: w})
		return
	}
	d.AddPageFormat("P", fpdf.SizeType{Wd: w, Ht: h})
}

// head is the decree's model: issuing body and number on the left, the
// national title and motto, place and date on the right, then the title.
func (d pdfDoc) head(h docHead) {
	cw := d.contentW()
	leftW := headLeftW
	rightX, rightW := marginL+leftW, cw-leftW
	top := d.GetY()
	if h.parent != "" {
		d.centered(marginL, leftW, h.parent, "", 13)
	}
	for _, l := range h.body {
		d.centered(marginL, leftW, l, "B", 13)
	}
	d.rule(marginL, leftW, 25)
	d.Ln(3)
	leftY := d.GetY()

	d.SetY(top)
	d.centered(rightX, rightW, nationalTitle, "B", 13)
	d.centered(rightX, rightW, nationalMotto, "B", 14)
	d.font("B", d.fit(nationalMotto, "B", 14, rightW))
	d.rule(rightX, rightW, d.GetStringWidth(nationalMotto))
	d.Ln(3)
	// The number and the place and date stand on one line, however many
	// lines the issuing body takes (a province above it makes three).
	// The number (13 pt) sits on the date's (14 pt) baseline.
	y := max(leftY, d.GetY())
	d.SetY(y + baseline(14) - baseline(13))
	d.centered(marginL, leftW, h.number, "", 13)
	d.SetY(y)
	d.centered(rightX, rightW, h.date, "I", 14)
	d.SetY(d.GetY() + 8)

	d.centered(marginL, cw, h.kind, "B", 14)
	for _, l := range h.title {
		d.centered(marginL, cw, l, "B", 14)
	}
	if h.asOf != "" {
		d.centered(marginL, cw, h.asOf, "I", 14)
	}
	d.rule(marginL, cw, 40)
	d.Ln(7)
}

// blocks lays out the body's blocks in order. A section heading starts a
// new page unless its table's header and first row fit under it.
func (d pdfDoc) blocks(ctx context.Context, bs []block) error {
	for i, b := range bs {
		if _, ok := b.(section); ok && i+1 < len(bs) {
			if t, ok := bs[i+1].(*table); ok {
				d.ensure(3 + lineH(bodyPt) + 1 + d.leadH(t))
			}
		}
		if err := d.block(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

func (d pdfDoc) block(ctx context.Context, b block) error {
	switch b := b.(type) {
	case section:
		d.ensure(35) // never a heading alone at a page foot
		d.Ln(2)
		d.font("B", bodyPt)
		d.SetX(marginL)
		d.MultiCell(d.contentW(), lineH(bodyPt), b.text, "", "L", false)
		d.Ln(1)
	case para:
		style := ""
		if b.alert {
			style = "B"
			d.SetTextColor(192, 0, 0)
		}
		d.font(style, bodyPt)
		d.para(b.text)
		d.SetTextColor(0, 0, 0)
		d.Ln(1)
	case warnBox:
		d.warnings(b.lines)
	case chart:
		d.chart(b)
	case *table:
		return d.table(ctx, b)
	default:
		return fmt.Errorf("no PDF layout for a %s block", b.blockKind())
	}
	return nil
}

// para sets text justified, its first line indented as Nghị định 30 asks
// (1–1.27 cm), in the current font.
func (d pdfDoc) para(text string) {
	const indent = 10.0
	cw, h := d.contentW(), lineH(bodyPt)
	words := strings.Fields(text)
	if len(words) == 0 {
		return
	}
	first := d.SplitText(text, cw-indent-2)[0]
	n := max(1, len(strings.Fields(first)))
	lines := []string{strings.Join(words[:n], " ")}
	if rest := strings.Join(words[n:], " "); rest != "" {
		lines = append(lines, d.SplitText(rest, cw-2)...)
	}
	for i, l := range lines {
		x, w := marginL, cw
		if i == 0 {
			x, w = marginL+indent, cw-indent
		}
		align := "J" // every line but the last fills the width
		if i == len(lines)-1 || !strings.Contains(l, " ") {
			align = "L"
		}
		d.SetX(x)
		d.CellFormat(w, h, l, "", 1, align, false, 0, "")
	}
}

// warnings boxes the warnings in red.
func (d pdfDoc) warnings(ws []string) {
	const size, pad = 13.0, 2.5
	cw := d.contentW()
	d.font("B", size)
	h := 0.0
	for _, w := range ws {
		h += float64(len(d.SplitText(w, cw-2*pad))) * lineH(size)
	}
	d.ensure(h + 2*pad + 4)
	y := d.GetY()
	d.SetDrawColor(192, 0, 0)
	d.SetFillColor(255, 240, 240)
	d.SetLineWidth(0.6)
	d.Rect(marginL, y, cw, h+2*pad, "FD")
	d.SetTextColor(192, 0, 0)
	d.SetY(y + pad)
	for _, w := range ws {
		d.SetX(marginL + pad)
		d.MultiCell(cw-2*pad, lineH(size), w, "", "L", false)
	}
	d.SetTextColor(0, 0, 0)
	d.SetDrawColor(0, 0, 0)
	d.SetLineWidth(0.2)
	d.SetY(y + h + 2*pad + 4)
}

func (d pdfDoc) chart(c chart) {
	d.ensure(c.hMM + 12)
	d.Ln(1)
	d.font("B", 13)
	d.SetX(marginL)
	d.CellFormat(d.contentW(), lineH(13), c.caption, "", 1, "C", false, 0, "")
	d.Ln(1)
	d.RegisterImageOptionsReader("chart", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(c.png))
	x := marginL + (d.contentW()-c.wMM)/2
	d.ImageOptions("chart", x, d.GetY(), c.wMM, c.hMM, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	d.SetY(d.GetY() + c.hMM + 3)
}

// widths scales the columns' weights to the width between the margins.
func (d pdfDoc) widths(cols []col) []float64 {
	total := 0.0
	for _, c := range cols {
		total += c.weight
	}
	ws := make([]float64, len(cols))
	for i, c := range cols {
		ws[i] = d.contentW() * c.weight / total
	}
	return ws
}

// leadH is the height of t's header and first row: what must fit on a
// page for the table to start there.
func (d pdfDoc) leadH(t *table) float64 {
	ws := d.widths(t.cols)
	h := d.headerH(t, ws)
	if len(t.rows) > 0 {
		_, rh := d.rowLines(t, ws, t.rows[0], nil)
		h += rh
	}
	return h
}

// rowLines splits r's cells into the lines of their columns (reusing
// lines) and returns them with the row's height; the font is left set for
// the row.
func (d pdfDoc) rowLines(t *table, ws []float64, r row, lines [][]string) ([][]string, float64) {
	d.font(rowStyle(r), t.size)
	if lines == nil {
		lines = make([][]string, len(t.cols))
	}
	n := 1
	for i := range t.cols {
		lines[i] = d.SplitText(r.cells[i], ws[i]-1)
		n = max(n, len(lines[i]))
	}
	return lines, float64(n)*lineH(t.size) + 2*cellPad
}

func rowStyle(r row) string {
	if r.bold {
		return "B"
	}
	return ""
}

// table draws t, repeating the header on each new page and keeping each
// row whole. The header is drawn with the first row, so it never ends a
// page alone.
func (d pdfDoc) table(ctx context.Context, t *table) error {
	ws := d.widths(t.cols)
	line := lineH(t.size)
	d.SetLineWidth(0.2)
	headH := d.headerH(t, ws)
	var lines [][]string
	started := false
	err := t.forEach(ctx, func(r row) error {
		var h float64
		lines, h = d.rowLines(t, ws, r, lines)
		need := h
		if !started {
			need += headH
		}
		if d.GetY()+need > d.bottom() {
			d.newPage()
			started = false
		}
		if !started {
			d.tableHeader(t, ws)
			d.font(rowStyle(r), t.size)
			started = true
		}
		y, x := d.GetY(), marginL
		if r.red {
			d.SetTextColor(192, 0, 0)
		}
		for i, c := range t.cols {
			d.Rect(x, y, ws[i], h, "D")
			for j, l := range lines[i] {
				d.SetXY(x, y+cellPad+float64(j)*line)
				d.CellFormat(ws[i], line, l, "", 0, string(c.align), false, 0, "")
			}
			x += ws[i]
		}
		if r.red {
			d.SetTextColor(0, 0, 0)
		}
		d.SetXY(marginL, y+h)
		return nil
	})
	if err == nil && !started {
		d.tableHeader(t, ws) // a table with no rows still shows its columns
	}
	d.Ln(2)
	return err
}

// headerLines is the number of lines of t's header row; it sets the
// header's font.
func (d pdfDoc) headerLines(t *table, ws []float64) int {
	d.font("B", t.size)
	n := 1
	for i, c := range t.cols {
		n = max(n, len(d.SplitText(c.title, ws[i]-1)))
	}
	return n
}

// headerH is the height of t's header row.
func (d pdfDoc) headerH(t *table, ws []float64) float64 {
	return float64(d.headerLines(t, ws))*lineH(t.size) + 2*cellPad
}

func (d pdfDoc) tableHeader(t *table, ws []float64) {
	line := lineH(t.size)
	n := d.headerLines(t, ws)
	h := float64(n)*line + 2*cellPad
	y, x := d.GetY(), marginL
	d.SetFillColor(230, 230, 230)
	for i, c := range t.cols {
		d.Rect(x, y, ws[i], h, "FD")
		ls := d.SplitText(c.title, ws[i]-1)
		top := y + cellPad + float64(n-len(ls))*line/2
		for j, l := range ls {
			d.SetXY(x, top+float64(j)*line)
			d.CellFormat(ws[i], line, l, "", 0, "C", false, 0, "")
		}
		x += ws[i]
	}
	d.SetXY(marginL, y+h)
}

// signature is "Nơi nhận" on the left and the signer on the right, kept on
// one page.
func (d pdfDoc) signature(s docSign) {
	const leftW = 75.0
	d.font("", 11)
	recH := lineH(12)
	for _, l := range s.recipients {
		recH += float64(len(d.SplitText(l, leftW-2*d.GetCellMargin()))) * lineH(11) // a long name wraps
	}
	signH := float64(len(s.lines))*lineH(14) + 28 + lineH(14)
	d.ensure(max(recH, signH) + 6)
	d.Ln(6)
	y := d.GetY()
	d.font("BI", 12)
	d.SetXY(marginL, y)
	d.CellFormat(leftW, lineH(12), "Nơi nhận:", "", 1, "L", false, 0, "")
	for _, l := range s.recipients {
		d.font("", 11)
		d.SetX(marginL)
		d.MultiCell(leftW, lineH(11), l, "", "L", false)
	}
	x := marginL + leftW
	w := d.contentW() - leftW
	d.SetY(y)
	for _, l := range s.lines {
		d.centered(x, w, l, "B", 14)
	}
	d.SetY(d.GetY() + 28) // room for the signature and the seal
	d.centered(x, w, s.name, "B", 14)
}

// annex starts the appendix on a landscape page: its title, then the list
// with its header repeated on every page.
func (d pdfDoc) annex(ctx context.Context, a docAnnex) error {
	d.AddPageFormat("L", d.GetPageSizeStr("A4"))
	cw := d.contentW()
	for i, l := range a.title {
		style, size := "B", 14.0
		if i == 2 {
			style, size = "I", 13
		}
		d.centered(marginL, cw, l, style, size)
	}
	d.rule(marginL, cw, 40)
	d.Ln(5)
	if a.list == nil {
		d.font("", bodyPt)
		d.para(a.note)
		return nil
	}
	return d.table(ctx, a.list)
}
