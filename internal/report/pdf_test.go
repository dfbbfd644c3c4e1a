package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"loa/internal/config"
)

// TestPDFKeepsHeadingWithTable lays out a section heading and a table
// whose first row takes three lines, starting at every height near the
// page's foot: a heading never ends a page without the table's header,
// nor a header without its first row.
func TestPDFKeepsHeadingWithTable(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not found: install poppler-utils to check the PDF report")
	}
	// The columns of section III, whose first row takes three lines.
	tbl := &table{cols: []col{{"Mục", 12, 'C'}, {"Chủ đề", 68, 'L'}, {"Số lượt", 17, 'R'}, {"Thời lượng", 25, 'R'}, {"Tỷ lệ (%)", 18, 'R'}, {"Ghi chú", 25, 'C'}},
		rows: []row{{cells: []string{"a", "Quan điểm, chủ trương của Đảng, chính sách pháp luật của Nhà nước về CCHC", "0", "0:00:00", "0,0", "chưa phát"}, bold: true}},
		size: tablePt}
	for room := 25.0; room <= 50; room++ { // mm left on page 1
		d := newPDFDoc()
		d.AddPage()
		d.SetY(d.bottom() - room)
		doc := &document{blocks: []block{section{"III. THỜI LƯỢNG PHÁT"}, tbl}}
		if err := d.blocks(context.Background(), doc.blocks); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := d.Output(&b); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "t.pdf")
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		pages := strings.Split(norm.NFC.String(string(out)), "\f")
		p1 := squash(pages[0])
		heading, header, first := strings.Contains(p1, "III. THỜI LƯỢNG PHÁT"), strings.Contains(p1, "Chủ đề"), strings.Contains(p1, "Quan điểm")
		if heading && !header || header && !first {
			t.Errorf("%.0f mm left: page 1 ends with %q, without what follows it", room, p1)
		}
		if all := squash(strings.Join(pages, " ")); !strings.Contains(all, "III. THỜI LƯỢNG PHÁT") || strings.Count(all, "Chủ đề") != 1 || !strings.Contains(all, "Quan điểm") {
			t.Errorf("%.0f mm left: the text is %q, want the heading, the header once and the row", room, all)
		}
	}
}

// TestNumberBesideDate checks the decree's model with a province line
// above the issuing body (three lines on the left, two on the right): the
// number "Số: …" and the place and date stand on one line: in the PDF at
// one height, in the DOCX in a row of the heading table of their own.
func TestNumberBesideDate(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not found: install poppler-utils to check the PDF report")
	}
	cfg := config.Default()
	cfg.Report.Province = "Quảng Ninh"
	cfg.Report.Number = "15"
	r := build(t, fixture(t), cfg, "2023-H1")
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, render(t, r, "pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	var so, place *pdfWord
	for _, w := range pdfBoxes(t, path)[0].words {
		switch w.text {
		case "Số:":
			so = &w
		case "Lương,":
			place = &w
		}
	}
	if so == nil || place == nil {
		t.Fatal("page 1 lacks the number or the place and date")
	}
	// Baselines: a word's box runs from the font's ascent to its descent
	// (Liberation Serif: 0.891 and 0.216 of the size), so the baseline is
	// 0.216/1.107 of the box's height above its bottom, whatever the size.
	base := func(w *pdfWord) float64 { return w.y1 - (w.y1-w.y0)*0.216/1.107 }
	if math.Abs(base(so)-base(place)) > 0.3 {
		t.Errorf("PDF: \"Số:\" on a baseline at %.2f pt, the date line at %.2f pt: not on one line", base(so), base(place))
	}

	// The DOCX heading is a table: the number and the date in one row.
	dec := xml.NewDecoder(bytes.NewReader(docxParts(t, render(t, r, "docx"))["word/document.xml"]))
	var rows []string
	var cur strings.Builder
	inT := false
	for depth := 0; ; {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "tbl":
				depth++
			case "tr":
				cur.Reset()
			case "t":
				inT = true
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "tr":
				rows = append(rows, cur.String())
			case "t":
				inT = false
			case "tbl":
				depth--
			}
		case xml.CharData:
			if inT {
				cur.Write(e)
				cur.WriteString(" ")
			}
		}
		if depth == 0 && len(rows) > 0 {
			break // the first table is the heading
		}
	}
	found := false
	for _, row := range rows {
		if strings.Contains(row, "Số: 15/BC-UBND") {
			found = true
			// A row of its own, level with the date: not the row of the
			// bodies' names, whose heights differ.
			if !strings.Contains(row, "Bình Lương, ngày") || strings.Contains(row, "CỘNG HÒA") {
				t.Errorf("DOCX: the number's row %q is not the number and the date alone", row)
			}
		}
	}
	if !found {
		t.Errorf("DOCX heading rows %q lack the number", rows)
	}
}

// TestSignatureKeptWhole places the signature block with long recipients
// (each wraps over two lines) at every height near the page's foot: the
// recipients and the signer stay on one page, inside the margins.
func TestSignatureKeptWhole(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not found: install poppler-utils to check the PDF report")
	}
	s := docSign{lines: SignatureLines("KT.", "PHÓ CHỦ TỊCH"), name: "Hoàng Thị Lụa"}
	for i := range 8 {
		s.recipients = append(s.recipients, fmt.Sprintf("- Sở Văn hóa, Thể thao và Du lịch tỉnh Quảng Ninh (để báo cáo) %d;", i+1))
	}
	for room := 40.0; room <= 100; room += 3 { // mm left on page 1
		d := newPDFDoc()
		d.AddPage()
		d.SetY(d.bottom() - room)
		d.signature(s)
		var b bytes.Buffer
		if err := d.Output(&b); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "s.pdf")
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		pages := pdfBoxes(t, path)
		for i, p := range pages {
			text := ""
			for _, w := range p.words {
				text += w.text + " "
			}
			if strings.Contains(text, "Nơi nhận") != strings.Contains(text, "(để báo cáo) 8;") || strings.Contains(text, "Nơi nhận") != strings.Contains(text, "Lụa") {
				t.Errorf("%.0f mm left: page %d of %d holds part of the signature block: %q", room, i+1, len(pages), text)
			}
		}
		checkMargins(t, pages[:1])
	}
}
