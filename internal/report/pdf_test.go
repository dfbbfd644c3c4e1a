package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
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
