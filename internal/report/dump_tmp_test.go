package report

import (
	"os"
	"testing"

	"loa/internal/config"
)

func TestDumpTmp(t *testing.T) {
	if os.Getenv("LOA_DUMP") == "" {
		t.Skip()
	}
	db := fixture(t)
	r := build(t, db, config.Default(), "2023-H1")
	os.WriteFile("/tmp/loa-report.pdf", render(t, r, "pdf"), 0o644)
	os.WriteFile("/tmp/loa-report.xlsx", render(t, r, "xlsx"), 0o644)
}
