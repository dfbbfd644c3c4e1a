package web

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"loa/internal/report"
	"loa/internal/users"
)

// TestReportDownloads: every format the report writer has is offered on
// Báo cáo and downloads with its own type and a file that is what it says.
func TestReportDownloads(t *testing.T) {
	f := newFixture(t)
	magic := map[string]struct{ ctype, start string }{
		"pdf":  {"application/pdf", "%PDF-"},
		"docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK"},
		"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		"csv":  {"text/csv; charset=utf-8", "\ufeff"},
		"json": {"application/json; charset=utf-8", "{"},
	}
	_, page := f.signedIn(users.Viewer).get("/bao-cao?period=2026-11")
	for _, format := range report.Formats {
		want, ok := magic[format]
		if !ok {
			t.Errorf("format %s: the test does not know it", format)
			continue
		}
		if !strings.Contains(page, "format="+format+`"`) {
			t.Errorf("Báo cáo offers no %s download", format)
		}
		resp, b := f.call(users.Viewer, "GET", "/api/v1/report?period=2026-11&format="+format, "", nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != want.ctype || !bytes.HasPrefix(b, []byte(want.start)) {
			t.Errorf("%s: %d %q %q", format, resp.StatusCode, resp.Header.Get("Content-Type"), b[:min(len(b), 8)])
		}
	}
	// openapi.json lists the same formats.
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string
				Schema struct{ Enum []string }
			}
		}
	}
	b, _ := files.ReadFile("openapi.json")
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var enum []string
	for _, p := range doc.Paths["/api/v1/report"]["get"].Parameters {
		if p.Name == "format" {
			enum = p.Schema.Enum
		}
	}
	for _, format := range append(slices.Clone(report.Formats), "csv-summary") {
		if !slices.Contains(enum, format) {
			t.Errorf("openapi.json: format %s not in %v", format, enum)
		}
	}
}

// TestReportPeriodPicker: Báo cáo offers the periods a chairman reports on
// (this and last month, quarter, half-year, year) by name, so nobody has to
// know the "2026-H2" notation; the chosen one is named in words.
func TestReportPeriodPicker(t *testing.T) {
	f := newFixture(t) // now: 24/11/2026
	b := f.signedIn(users.Viewer)
	_, page := b.get("/bao-cao")
	for _, want := range []string{
		`<datalist id="periods">`, `list="periods"`,
		`<option value="2026-11">tháng 11 năm 2026</option>`,
		`<option value="2026-10">tháng 10 năm 2026</option>`,
		`<option value="2026-Q4">quý IV năm 2026</option>`,
		`<option value="2026-H2">6 tháng cuối năm 2026</option>`,
		`<option value="2026-H1">6 tháng đầu năm 2026</option>`,
		`<option value="2026">năm 2026</option>`,
		`<option value="2025">năm 2025</option>`,
		"Tải báo cáo tháng 11 năm 2026",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("Báo cáo lacks %s", want)
		}
	}
	if _, page := b.get("/bao-cao?period=2026-H1"); !strings.Contains(page, "Tải báo cáo 6 tháng đầu năm 2026") {
		t.Errorf("the chosen period is not named in words")
	}
}
