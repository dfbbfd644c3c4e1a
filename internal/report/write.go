package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Formats are the output formats, for flag help and checks.
var Formats = []string{"pdf", "docx", "xlsx", "csv", "json"}

// Render writes the report in format to w: "json", "csv" (the list of
// broadcasts), "csv-summary" (the figures as CSV), "xlsx", "pdf" or "docx".
func (r *Report) Render(ctx context.Context, format string, w io.Writer) error {
	switch format {
	case "json":
		return r.WriteJSON(w)
	case "csv":
		return r.WriteCSV(ctx, w)
	case "csv-summary":
		return r.WriteSummaryCSV(w)
	case "xlsx":
		return r.WriteXLSX(ctx, w)
	case "pdf":
		return r.WritePDF(ctx, w)
	case "docx":
		return r.WriteDOCX(ctx, w)
	}
	return fmt.Errorf("unknown report format %q", format)
}

// WriteJSON writes the figures as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// SummaryPath is where the CSV summary goes beside the list of broadcasts:
// "bao-cao.csv" → "bao-cao-summary.csv".
func SummaryPath(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-summary" + ext
}
