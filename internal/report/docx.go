package report

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The DOCX is WordprocessingML written directly (no library: the parts
// are few and fixed): the same document as the PDF, as an editable Word
// file the office finishes before signing. Times New Roman 14 pt in the
// Normal style, section headings in Heading 1, real tables (Table Grid)
// whose header rows repeat, the chart as a picture, the page number in
// the header from page 2, the annex in a landscape section.

// Page geometry in twentieths of a point (twips), after Nghị định 30.
const (
	twipMM     = 1440 / 25.4
	a4W, a4H   = 11906, 16838
	docxFont   = "Times New Roman"
	emuPerMM   = 36000
	docxRed    = "C00000"
	docxShade  = "E6E6E6"
	docxWarnBg = "FFF0F0"
)

func twips(mm float64) int { return int(mm*twipMM + 0.5) }

// WriteDOCX writes the report as a Word document (Office Open XML).
func (r *Report) WriteDOCX(ctx context.Context, w io.Writer) error {
	doc, err := r.document()
	if err != nil {
		return fmt.Errorf("write DOCX report: %w", err)
	}
	z := zip.NewWriter(w)
	if err := r.docxParts(ctx, z, doc); err != nil {
		return fmt.Errorf("write DOCX report: %w", err)
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("write DOCX report: %w", err)
	}
	return nil
}

func (r *Report) docxParts(ctx context.Context, z *zip.Writer, doc *document) error {
	var charts []chart
	for _, b := range doc.blocks {
		if c, ok := b.(chart); ok {
			charts = append(charts, c)
		}
	}
	rels := `<Relationship Id="rStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
		`<Relationship Id="rHeaderFirst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>` +
		`<Relationship Id="rHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>`
	for i := range charts {
		rels += fmt.Sprintf(`<Relationship Id="rChart%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/chart%d.png"/>`, i+1, i+1)
	}
	created := r.now.UTC().Format(time.RFC3339)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Default Extension="png" ContentType="image/png"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
			`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
			`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
			`<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
			`<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
			`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
			`</Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rDoc" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
			`<Relationship Id="rCore" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
			`</Relationships>`},
		{"docProps/core.xml", `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
			`<dc:title>` + esc("Báo cáo "+lowerFirst(r.Title)) + `</dc:title><dc:creator>` + esc(r.Station) + `</dc:creator>` +
			`<dcterms:created xsi:type="dcterms:W3CDTF">` + created + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + created + `</dcterms:modified>` +
			`</cp:coreProperties>`},
		{"word/_rels/document.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`},
		{"word/styles.xml", docxStyles},
		{"word/settings.xml", `<w:settings xmlns:w="` + nsW + `"><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`},
		// Nghị định 30: no number on page 1 (its own, empty header), then
		// the number centred in the top margin.
		{"word/header1.xml", `<w:hdr xmlns:w="` + nsW + `"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p></w:hdr>`},
		{"word/header2.xml", `<w:hdr xmlns:w="` + nsW + `"><w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="center"/></w:pPr>` +
			`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
			`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>`},
	}
	for _, p := range parts {
		f, err := z.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, xml.Header+p.body); err != nil {
			return err
		}
	}
	for i, c := range charts {
		f, err := z.Create(fmt.Sprintf("word/media/chart%d.png", i+1))
		if err != nil {
			return err
		}
		if _, err := f.Write(c.png); err != nil {
			return err
		}
	}
	f, err := z.Create("word/document.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	x := &docxW{w: bw, contentW: twips(210 - marginL - marginR)}
	if err := x.document(ctx, doc); err != nil {
		return err
	}
	return bw.Flush()
}

const nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// docxStyles are the document's styles: Normal (Times New Roman 14 pt,
// justified), Heading 1 for the numbered sections, Title, Header and
// Table Grid.
var docxStyles = `<w:styles xmlns:w="` + nsW + `">` +
	`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="` + docxFont + `" w:hAnsi="` + docxFont + `" w:eastAsia="` + docxFont + `" w:cs="` + docxFont + `"/>` +
	`<w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="60" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="both"/></w:pPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="180" w:after="80"/><w:jc w:val="left"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:spacing w:after="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="26"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:spacing w:before="30" w:after="30" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>` +
	`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>` +
	`<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>` +
	`<w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`<w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`</w:tblBorders></w:tblPr></w:style>` +
	`</w:styles>`

// esc escapes text for XML.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// docxW writes the body of word/document.xml.
type docxW struct {
	w        *bufio.Writer
	contentW int // twips between the margins of the current section
}

func (x *docxW) raw(s string) { x.w.WriteString(s) }

// run is one run of text: bold, italic, underlined, red, size in points
// (0: the style's).
type run struct {
	text                string
	bold, italic, under bool
	red                 bool
	size                float64
}

func (x *docxW) run(r run) {
	x.raw("<w:r>")
	var p strings.Builder
	if r.bold {
		p.WriteString("<w:b/><w:bCs/>")
	}
	if r.italic {
		p.WriteString("<w:i/><w:iCs/>")
	}
	if r.under {
		p.WriteString(`<w:u w:val="single"/>`)
	}
	if r.red {
		p.WriteString(`<w:color w:val="` + docxRed + `"/>`)
	}
	if r.size > 0 {
		hp := int(r.size*2 + 0.5)
		fmt.Fprintf(&p, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, hp, hp)
	}
	if p.Len() > 0 {
		x.raw("<w:rPr>" + p.String() + "</w:rPr>")
	}
	for i, l := range strings.Split(r.text, "\n") {
		if i > 0 {
			x.raw("<w:br/>")
		}
		x.raw(`<w:t xml:space="preserve">` + esc(l) + "</w:t>")
	}
	x.raw("</w:r>")
}

// p writes a paragraph with properties pPr (raw XML) and runs.
func (x *docxW) p(pPr string, runs ...run) {
	x.raw("<w:p>")
	if pPr != "" {
		x.raw("<w:pPr>" + pPr + "</w:pPr>")
	}
	for _, r := range runs {
		x.run(r)
	}
	x.raw("</w:p>")
}

// centred paragraph properties, with spacing after in points.
func centred(after int) string {
	return fmt.Sprintf(`<w:spacing w:before="0" w:after="%d"/><w:jc w:val="center"/>`, after*20)
}

// rulePara is an empty paragraph drawing a centred line lenMM long (its
// bottom border, the paragraph indented to that length) within width
// twips: the short lines under the issuing body and the title.
func rulePara(width int, lenMM float64) string {
	ind := max(0, (width-twips(lenMM))/2)
	return fmt.Sprintf(`<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>`+
		`<w:spacing w:before="0" w:after="120" w:line="60" w:lineRule="exact"/><w:ind w:left="%d" w:right="%d"/><w:rPr><w:sz w:val="4"/></w:rPr></w:pPr></w:p>`, ind, ind)
}

func (x *docxW) document(ctx context.Context, doc *document) error {
	x.raw(`<w:document xmlns:w="` + nsW + `" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"` +
		` xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"` +
		` xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"` +
		` xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>`)
	x.head(doc.head)
	nChart := 0
	for _, b := range doc.blocks {
		switch b := b.(type) {
		case section:
			x.p(`<w:pStyle w:val="Heading1"/>`, run{text: b.text})
		case para:
			x.p(`<w:ind w:firstLine="567"/>`, run{text: b.text, bold: b.alert, red: b.alert})
		case warnBox:
			bdr := `<w:pBdr><w:top w:val="single" w:sz="12" w:space="4" w:color="` + docxRed + `"/><w:left w:val="single" w:sz="12" w:space="4" w:color="` + docxRed +
				`"/><w:bottom w:val="single" w:sz="12" w:space="4" w:color="` + docxRed + `"/><w:right w:val="single" w:sz="12" w:space="4" w:color="` + docxRed + `"/></w:pBdr>` +
				`<w:shd w:val="clear" w:color="auto" w:fill="` + docxWarnBg + `"/><w:spacing w:before="0" w:after="0"/><w:ind w:left="113" w:right="113"/><w:jc w:val="left"/>`
			for _, l := range b.lines {
				x.p(bdr, run{text: l, bold: true, red: true, size: 13})
			}
			x.p(`<w:spacing w:after="0"/>`)
		case chart:
			nChart++
			x.p(`<w:keepNext/>`+centred(3), run{text: b.caption, bold: true, size: 13})
			x.chart(nChart, b)
		case *table:
			if err := x.table(ctx, b); err != nil {
				return err
			}
		default:
			return fmt.Errorf("no DOCX layout for a %s block", b.blockKind())
		}
	}
	x.signature(doc.sign)
	// The main section ends here: portrait, its first page without number.
	x.raw(`<w:p><w:pPr>` + sectPr(false, true) + `</w:pPr></w:p>`)
	x.contentW = twips(297 - marginL - marginR)
	if err := x.annex(ctx, doc.annex); err != nil {
		return err
	}
	x.raw(sectPr(true, false) + `</w:body></w:document>`)
	return nil
}

// sectPr is an A4 section with the decree's margins, the page number in
// the header 10 mm from the top; titlePg gives its first page the empty
// header.
func sectPr(landscape, titlePg bool) string {
	w, h, orient := a4W, a4H, ""
	if landscape {
		w, h, orient = a4H, a4W, ` w:orient="landscape"`
	}
	s := `<w:sectPr><w:headerReference w:type="default" r:id="rHeader"/><w:headerReference w:type="first" r:id="rHeaderFirst"/>` +
		`<w:type w:val="nextPage"/>` +
		fmt.Sprintf(`<w:pgSz w:w="%d" w:h="%d"%s/>`, w, h, orient) +
		fmt.Sprintf(`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`,
			twips(marginT), twips(marginR), twips(marginB), twips(marginL), twips(pageNoY), twips(pageNoY))
	if titlePg {
		s += `<w:titlePg/>`
	}
	return s + `</w:sectPr>`
}

// tblStart opens a table of the given column widths (twips).
func (x *docxW) tblStart(ws []int, style string, borders bool) {
	total := 0
	for _, w := range ws {
		total += w
	}
	x.raw(`<w:tbl><w:tblPr>`)
	if style != "" {
		x.raw(`<w:tblStyle w:val="` + style + `"/>`)
	}
	fmt.Fprintf(x.w, `<w:tblW w:w="%d" w:type="dxa"/><w:tblLayout w:type="fixed"/>`, total)
	if !borders {
		x.raw(`<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>`)
	}
	x.raw(`<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, w := range ws {
		fmt.Fprintf(x.w, `<w:gridCol w:w="%d"/>`, w)
	}
	x.raw(`</w:tblGrid>`)
}

func (x *docxW) tcStart(w int, fill string) {
	fmt.Fprintf(x.w, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, w)
	if fill != "" {
		x.raw(`<w:shd w:val="clear" w:color="auto" w:fill="` + fill + `"/><w:vAlign w:val="center"/>`)
	}
	x.raw(`</w:tcPr>`)
}

// head lays out page 1's header blocks in a borderless two-column table,
// then the title.
func (x *docxW) head(h docHead) {
	left := twips(headLeftW)
	ws := []int{left, x.contentW - left}
	x.tblStart(ws, "", false)
	x.raw(`<w:tr>`)
	x.tcStart(ws[0], "")
	if h.parent != "" {
		x.p(centred(0), run{text: h.parent, size: 13})
	}
	for _, l := range h.body {
		x.p(centred(0), run{text: l, bold: true, size: 13})
	}
	x.raw(rulePara(ws[0], 25))
	x.raw(`</w:tc>`)
	x.tcStart(ws[1], "")
	x.p(centred(0), run{text: nationalTitle, bold: true, size: 12})
	x.p(centred(6), run{text: nationalMotto, bold: true, under: true, size: 14})
	// The number and the place and date in a row of their own, so they
	// stand on one line however many lines the issuing body takes.
	x.raw(`</w:tc></w:tr><w:tr>`)
	x.tcStart(ws[0], "")
	x.p(centred(0), run{text: h.number, size: 13})
	x.raw(`</w:tc>`)
	x.tcStart(ws[1], "")
	x.p(centred(0), run{text: h.date, italic: true, size: 14})
	x.raw(`</w:tc></w:tr></w:tbl>`)
	x.p(`<w:spacing w:after="240"/>`)
	x.p(`<w:pStyle w:val="Title"/>`, run{text: h.kind})
	for _, l := range h.title {
		x.p(`<w:pStyle w:val="Title"/>`, run{text: l})
	}
	if h.asOf != "" {
		x.p(`<w:keepNext/>`+centred(0), run{text: h.asOf, italic: true})
	}
	x.raw(rulePara(x.contentW, 40))
}

// table writes a Word table: the header row repeated on each page, rows
// never split across pages.
func (x *docxW) table(ctx context.Context, t *table) error {
	total := 0.0
	for _, c := range t.cols {
		total += c.weight
	}
	ws := make([]int, len(t.cols))
	for i, c := range t.cols {
		ws[i] = int(float64(x.contentW) * c.weight / total)
	}
	x.tblStart(ws, "TableGrid", true)
	size := t.size
	x.raw(`<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
	for i, c := range t.cols {
		x.tcStart(ws[i], docxShade)
		x.p(`<w:pStyle w:val="TableText"/><w:keepNext/><w:jc w:val="center"/>`, run{text: c.title, bold: true, size: size})
		x.raw(`</w:tc>`)
	}
	x.raw(`</w:tr>`)
	jc := map[byte]string{'L': "left", 'C': "center", 'R': "right"}
	err := t.forEach(ctx, func(r row) error {
		x.raw(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for i, c := range t.cols {
			x.tcStart(ws[i], "")
			x.p(`<w:pStyle w:val="TableText"/><w:jc w:val="`+jc[c.align]+`"/>`, run{text: r.cells[i], bold: r.bold, red: r.red, size: size})
			x.raw(`</w:tc>`)
		}
		x.raw(`</w:tr>`)
		return nil
	})
	x.raw(`</w:tbl>`)
	x.p(`<w:spacing w:after="0"/>`)
	return err
}

// chart places the chart's picture inline, centred.
func (x *docxW) chart(n int, c chart) {
	cx, cy := int(c.wMM*emuPerMM), int(c.hMM*emuPerMM)
	fmt.Fprintf(x.w, `<w:p><w:pPr>%s</w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">`+
		`<wp:extent cx="%d" cy="%d"/><wp:docPr id="%d" name="chart%d" descr="%s"/>`+
		`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>`+
		`<pic:nvPicPr><pic:cNvPr id="%d" name="chart%d.png"/><pic:cNvPicPr/></pic:nvPicPr>`+
		`<pic:blipFill><a:blip r:embed="rChart%d"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`+
		`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`+
		`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`,
		centred(6), cx, cy, n, n, esc(c.caption), n, n, n, cx, cy)
}

// signature is "Nơi nhận" (left) and the signature block (right) in a
// borderless table that is never split across pages.
func (x *docxW) signature(s docSign) {
	x.p(`<w:keepNext/><w:spacing w:after="120"/>`)
	left := twips(75)
	ws := []int{left, x.contentW - left}
	x.tblStart(ws, "", false)
	x.raw(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
	x.tcStart(ws[0], "")
	x.p(`<w:spacing w:after="0"/><w:jc w:val="left"/>`, run{text: "Nơi nhận:", bold: true, italic: true, size: 12})
	for _, l := range s.recipients {
		x.p(`<w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="left"/>`, run{text: l, size: 11})
	}
	x.raw(`</w:tc>`)
	x.tcStart(ws[1], "")
	for _, l := range s.lines {
		x.p(centred(0), run{text: l, bold: true, size: 14})
	}
	x.p(`<w:spacing w:before="0" w:after="0" w:line="1580" w:lineRule="exact"/>`) // room for the signature and the seal
	x.p(centred(0), run{text: s.name, bold: true, size: 14})
	x.raw(`</w:tc></w:tr></w:tbl>`)
}

func (x *docxW) annex(ctx context.Context, a docAnnex) error {
	for i, l := range a.title {
		r := run{text: l, bold: true, size: 14}
		if i == 2 {
			r = run{text: l, italic: true, size: 13}
		}
		x.p(`<w:keepNext/>`+centred(0), r)
	}
	x.raw(rulePara(x.contentW, 40))
	if a.list == nil {
		x.p(`<w:ind w:firstLine="567"/>`, run{text: a.note})
		return nil
	}
	return x.table(ctx, a.list)
}
