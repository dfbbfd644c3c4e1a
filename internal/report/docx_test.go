package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"loa/internal/config"
)

// docxParts unzips a DOCX into its parts.
func docxParts(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("DOCX is not a zip: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = b
	}
	return parts
}

// wordXML is what the tests read back of word/document.xml: paragraphs'
// text, table rows, sections.
type wordXML struct {
	paras    []string // the text of every paragraph, in order
	styles   []string // the style of every paragraph ("" for Normal)
	tables   []int    // rows per table, in order (nested ones too)
	header   []int    // header rows (tblHeader) per table
	sections []map[string]string
}

// readWord parses document.xml as XML (so it must be well-formed) and
// collects paragraphs, tables and section properties.
func readWord(t *testing.T, data []byte) wordXML {
	t.Helper()
	var w wordXML
	dec := xml.NewDecoder(bytes.NewReader(data))
	var text strings.Builder
	style := ""
	var rows, heads []int // stacks for nested tables
	var sect map[string]string
	inT := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			attr := func(n string) string {
				for _, a := range e.Attr {
					if a.Name.Local == n {
						return a.Value
					}
				}
				return ""
			}
			switch e.Name.Local {
			case "p":
				text.Reset()
				style = ""
			case "pStyle":
				style = attr("val")
			case "t":
				inT = true
			case "br":
				text.WriteString("\n")
			case "tbl":
				rows, heads = append(rows, 0), append(heads, 0)
			case "tr":
				rows[len(rows)-1]++
			case "tblHeader":
				heads[len(heads)-1]++
			case "sectPr":
				sect = map[string]string{}
			case "pgSz", "pgMar":
				for _, a := range e.Attr {
					sect[e.Name.Local+"."+a.Name.Local] = a.Value
				}
			case "titlePg":
				sect["titlePg"] = "1"
			}
		case xml.CharData:
			if inT {
				text.Write(e)
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "t":
				inT = false
			case "p":
				w.paras = append(w.paras, text.String())
				w.styles = append(w.styles, style)
			case "tbl":
				w.tables = append(w.tables, rows[len(rows)-1])
				w.header = append(w.header, heads[len(heads)-1])
				rows, heads = rows[:len(rows)-1], heads[:len(heads)-1]
			case "sectPr":
				w.sections = append(w.sections, sect)
			}
		}
	}
	return w
}

// TestDOCX reads the Word document back: its parts, styles (Times New
// Roman 14 pt in Normal, Heading 1 sections), the decree's page set-up,
// the page number from page 2, the tables with repeated headers, the
// chart picture and the same text as the PDF's document.
func TestDOCX(t *testing.T) {
	r := build(t, fixture(t), config.Default(), "2023-H1")
	parts := docxParts(t, render(t, r, "docx"))
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
		"word/settings.xml", "word/header1.xml", "word/header2.xml", "word/_rels/document.xml.rels", "word/media/chart1.png", "docProps/core.xml"} {
		if _, ok := parts[name]; !ok {
			t.Errorf("DOCX lacks %s", name)
		}
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			if err := xml.Unmarshal(parts[name], new(struct{})); err != nil {
				t.Errorf("%s is not well-formed: %v", name, err)
			}
		}
	}
	styles := string(parts["word/styles.xml"])
	for _, want := range []string{`w:ascii="Times New Roman"`, `<w:sz w:val="28"/>`, `w:styleId="Normal"`, `w:styleId="Heading1"`, `w:styleId="TableGrid"`} {
		if !strings.Contains(styles, want) {
			t.Errorf("styles.xml lacks %s", want)
		}
	}
	if h := string(parts["word/header2.xml"]); !strings.Contains(h, " PAGE ") {
		t.Error("header has no page number field")
	}
	if h := string(parts["word/header1.xml"]); strings.Contains(h, "PAGE") {
		t.Error("page 1 is numbered")
	}

	w := readWord(t, parts["word/document.xml"])
	if len(w.sections) != 2 {
		t.Fatalf("%d sections, want the report's and the annex's", len(w.sections))
	}
	main, annex := w.sections[0], w.sections[1]
	// A4, margins 20/15/20/30 mm (1134/850/1134/1701 twips), page 1 apart.
	for k, v := range map[string]string{"pgSz.w": "11906", "pgSz.h": "16838", "pgMar.top": "1134", "pgMar.bottom": "1134",
		"pgMar.left": "1701", "pgMar.right": "850", "titlePg": "1"} {
		if main[k] != v {
			t.Errorf("report section %s = %q, want %q", k, main[k], v)
		}
	}
	if annex["pgSz.w"] != "16838" || annex["pgSz.orient"] != "landscape" || annex["pgMar.left"] != "1701" {
		t.Errorf("annex section not landscape A4 with the margins: %v", annex)
	}
	var sections []string
	for i, s := range w.styles {
		if s == "Heading1" {
			sections = append(sections, w.paras[i])
		}
	}
	if want := []string{"I. THÔNG TIN CHUNG", "II. KẾT QUẢ CHUNG", "III. THỜI LƯỢNG PHÁT THEO CHỦ ĐỀ CỦA KẾ HOẠCH",
		"IV. THEO NỘI DUNG CẢI CÁCH HÀNH CHÍNH", "V. THEO ĐỐI TƯỢNG TUYÊN TRUYỀN", "VI. THEO THÁNG", "VII. DANH SÁCH CÁC BUỔI PHÁT"}; !slices.Equal(sections, want) {
		t.Errorf("Heading 1 paragraphs %q, want %q", sections, want)
	}
	// Tables: header block, II, III, IV, V, VI, signature, annex.
	if len(w.tables) != 8 {
		t.Fatalf("%d tables: %v", len(w.tables), w.tables)
	}
	if last := w.tables[len(w.tables)-1]; int64(last) != r.Items+1 || w.header[len(w.header)-1] != 1 {
		t.Errorf("annex table has %d rows (%d header), want %d broadcasts and a repeated header", last, w.header[len(w.header)-1], r.Items)
	}
	all := squash(strings.Join(w.paras, " "))
	for _, want := range []string{"ỦY BAN NHÂN DÂN XÃ BÌNH LƯƠNG", "Số: /BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập – Tự do – Hạnh phúc", "Bình Lương, ngày 26 tháng 11 năm 2026", "BÁO CÁO",
		"Kết quả phát thanh tuyên truyền cải cách hành chính 6 tháng đầu năm 2023",
		"Tổng thời lượng phát 0:43:37", "Nơi nhận:", "- Sở Nội vụ tỉnh;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
		"Nguyễn Văn An", "Phụ lục DANH SÁCH CÁC BUỔI PHÁT",
		"7 30/06/2023 23:59:59 Bản tin đêm Bài B: Kế hoạch CCHC năm 2023 b 0:01:01 đã phát"} {
		if !strings.Contains(all, want) {
			t.Errorf("DOCX text lacks %q", want)
		}
	}
	if !norm.NFC.IsNormalString(all) {
		t.Error("DOCX text is not NFC")
	}
}

// pdfWords is the words of a PDF, page by page, without the page numbers
// at the top of pages 2 and on; sorted, so that two layouts of the same
// text compare equal however lines and table cells are ordered.
func pdfWords(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	var words []string
	for i, page := range strings.Split(norm.NFC.String(string(out)), "\f") {
		f := strings.Fields(page)
		if i > 0 && len(f) > 0 && f[0] == strings.TrimSpace(strings.Split(strings.TrimSpace(page), "\n")[0]) && isDigits(f[0]) {
			f = f[1:]
		}
		words = append(words, f...)
	}
	slices.Sort(words)
	return words
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// TestDOCXLikePDF converts the DOCX to PDF with LibreOffice and compares
// its text with loa's own PDF: the same words, the same number of times.
func TestDOCXLikePDF(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice conversion is slow; skipped with -short")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not found: install libreoffice-writer-nogui to check the DOCX report")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not found: install poppler-utils")
	}
	cfg := config.Default()
	cfg.Report.Number = "15"
	cfg.Report.SignFor = "KT."
	cfg.Report.SignerTitle = "PHÓ CHỦ TỊCH"
	r := build(t, fixture(t), cfg, "2023-H1")
	dir := t.TempDir()
	docx, pdf := filepath.Join(dir, "r.docx"), filepath.Join(dir, "loa.pdf")
	if err := os.WriteFile(docx, render(t, r, "docx"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdf, render(t, r, "pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A profile of its own, so that a running LibreOffice does not take
	// the job and parallel tests do not share a lock.
	cmd := exec.CommandContext(t.Context(), soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", filepath.Join(dir, "lo"), docx)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	lo := filepath.Join(dir, "lo", "r.pdf")
	if _, err := os.Stat(lo); err != nil {
		t.Fatalf("LibreOffice wrote no PDF: %v", err)
	}
	got, want := pdfWords(t, lo), pdfWords(t, pdf)
	if !slices.Equal(got, want) {
		t.Errorf("DOCX (via LibreOffice) and PDF differ in text:\nonly in DOCX: %q\nonly in PDF:  %q", minus(got, want), minus(want, got))
	}
	if len(want) < 300 {
		t.Errorf("only %d words compared", len(want))
	}
}

// minus is the words of a not in b (as multisets).
func minus(a, b []string) []string {
	n := map[string]int{}
	for _, w := range b {
		n[w]++
	}
	var out []string
	for _, w := range a {
		if n[w] > 0 {
			n[w]--
			continue
		}
		out = append(out, w)
	}
	return out
}
