package station

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"loa/internal/inputerr"
	"loa/internal/report"
	"loa/internal/users"
)

// Report renders the airtime report of period (2026, 2026-H1, 2026-Q3,
// 2026-06) in format (pdf, xlsx, csv, csv-summary, json) into memory, so a
// failure half-way sends nothing.
func (s *Station) Report(ctx context.Context, a Actor, period, format string) ([]byte, error) {
	if err := a.can(users.View, "report"); err != nil {
		return nil, err
	}
	if !slices.Contains(report.Formats, format) && format != "csv-summary" {
		return nil, inputerr.Field("format", "invalid", "report format %q: want one of %s", format, strings.Join(report.Formats, ", "))
	}
	p, err := report.ParsePeriod(period, s.Location())
	if err != nil {
		return nil, inputerr.Field("period", "invalid", "report period %q: %v", period, err)
	}
	r, err := report.Build(ctx, s.DB, s.Config, p, s.now())
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var b bytes.Buffer
	if err := r.Render(ctx, format, &b); err != nil {
		return nil, fmt.Errorf("report %s: %w", period, err)
	}
	return b.Bytes(), nil
}
