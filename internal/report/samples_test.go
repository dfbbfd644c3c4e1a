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
	// A vice-chairman's report of a period not yet over, with a number,
	// a province and a ward.
	cfg := config.Default()
	cfg.Report.SignFor, cfg.Report.SignerTitle, cfg.Report.SignerName = "KT.", "PHÓ CHỦ TỊCH", "Trần Thị Bình"
	cfg.Report.Number, cfg.Report.Province, cfg.Station.Commune = "15", "Quảng Ninh", "phường Hồng Gai"
	r, err := Build(t.Context(), fixture(t), cfg, mustPeriod(t, "2023-H1"), local(t, "2023-06-10 09:00:00"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, f := range []string{"pdf", "docx"} {
		if err := os.WriteFile(filepath.Join(dir, "kt-2023-H1."+f), render(t, r, f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
