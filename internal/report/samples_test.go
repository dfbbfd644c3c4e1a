package report

import (
	"os"
	"path/filepath"
	"testing"

	"loa/internal/config"
)

// TestWriteSamples writes the fixture's 2023-H1 report in every format to
// $LOA_REPORT_SAMPLES, to look at (pdftoppm -png … then open the PNG).
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("LOA_REPORT_SAMPLES")
	if dir == "" {
		t.Skip("set LOA_REPORT_SAMPLES=DIR to write sample reports")
	}
	r := build(t, fixture(t), config.Default(), "2023-H1")
	for _, f := range []string{"pdf", "docx", "xlsx", "json", "csv", "csv-summary"} {
		name := filepath.Join(dir, "bao-cao-2023-H1."+f)
		if f == "csv-summary" {
			name = filepath.Join(dir, "bao-cao-2023-H1-summary.csv")
		}
		if err := os.WriteFile(name, render(t, r, f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
