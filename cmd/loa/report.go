package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"loa/internal/database"
	"loa/internal/fsutil"
	"loa/internal/inputerr"
	"loa/internal/report"
)

const reportSynopsis = `loa report (--period P | --from DATE --to DATE) --format pdf|docx|xlsx|csv|json [--out FILE] [--summary] [--date DATE]

Writes the chairman's report of what the station broadcast in a period, from
the airtime log. Periods are in station local time: 2023, 2023-H1, 2023-H2,
2023-Q1..Q4, 2023-06, or --from/--to inclusive local dates.

Output: json and csv go to stdout unless --out names a file. With --out, csv
writes FILE (one row per broadcast) and FILE-summary.csv beside it (the
figures); --summary writes only the figures. pdf, docx and xlsx go to --out,
or to DATA/reports/bao-cao-PERIOD.pdf|docx|xlsx. The paths written are printed. Files
are written atomically: on error nothing is left half-written.`

func (e *Env) runReport(ctx context.Context, args []string) error {
	fs := e.newFlagSet("report", reportSynopsis)
	periodFlag := fs.String("period", "", "period: YYYY, YYYY-H1, YYYY-H2, YYYY-Q1..Q4 or YYYY-MM (station local time)")
	fromFlag := fs.String("from", "", "first local date YYYY-MM-DD, inclusive (with --to, instead of --period)")
	toFlag := fs.String("to", "", "last local date YYYY-MM-DD, inclusive")
	format := fs.String("format", "", "output format: "+strings.Join(report.Formats, ", "))
	out := fs.String("out", "", "output file (csv: also FILE-summary.csv beside it)")
	summary := fs.Bool("summary", false, "csv: write only the summary of figures")
	dateFlag := fs.String("date", "", "date written on the report, YYYY-MM-DD (default today)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "report"); err != nil {
		return err
	}
	if !slices.Contains(report.Formats, *format) {
		return inputerr.New("report: --format %q: want one of %s", *format, strings.Join(report.Formats, ", "))
	}
	if *summary && *format != "csv" {
		return inputerr.New("report: --summary goes with --format csv")
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	loc := cfg.Location()
	var p report.Period
	switch {
	case *periodFlag != "" && (*fromFlag != "" || *toFlag != ""):
		return inputerr.New("report: give --period or --from/--to, not both")
	case *periodFlag != "":
		p, err = report.ParsePeriod(*periodFlag, loc)
	case *fromFlag != "" && *toFlag != "":
		p, err = report.ParseRange(*fromFlag, *toFlag, loc)
	case *fromFlag != "" || *toFlag != "":
		return inputerr.New("report: --from and --to go together")
	default:
		return inputerr.New("report: --period or --from/--to is required")
	}
	if err != nil {
		return inputerr.New("report: %w", err)
	}
	if fi, err := os.Stat(*out); *out != "" && err == nil && fi.IsDir() {
		return inputerr.New("report: --out %s is a directory; give a file name", *out)
	}
	var dated time.Time
	if *dateFlag != "" {
		if dated, err = time.ParseInLocation(database.DateFormat, *dateFlag, loc); err != nil {
			return inputerr.New("report: --date %q: want a date YYYY-MM-DD", *dateFlag)
		}
	}

	e.readOnly = true
	db, err := e.OpenDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := report.Build(ctx, db, cfg, p, time.Now())
	if err != nil {
		return err
	}
	defer r.Close()
	if !dated.IsZero() {
		r.Dated(dated) // the figures still run to today
	}
	for _, w := range r.Warnings {
		e.Logger.Warn("report", "warning", w)
	}
	render := func(format string) func(io.Writer) error {
		return func(w io.Writer) error { return r.Render(ctx, format, w) }
	}
	kind := *format
	if *summary {
		kind = "csv-summary"
	}
	path := *out
	if path == "" && (kind == "pdf" || kind == "docx" || kind == "xlsx") {
		path = filepath.Join(e.DataDir, "reports", "bao-cao-"+p.Spec+"."+kind)
	}
	if path == "" {
		return e.reportToStdout(render(kind))
	}
	files := []fsutil.File{{Path: path, Write: render(kind)}}
	if kind == "csv" {
		files = append(files, fsutil.File{Path: report.SummaryPath(path), Write: render("csv-summary")})
	}
	if err := fsutil.WriteFiles(0o644, files...); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, f := range files {
		fmt.Fprintln(e.Stdout, f.Path)
	}
	return nil
}

// reportToStdout renders into memory first, so that an error half-way
// leaves nothing half-written on stdout either.
func (e *Env) reportToStdout(write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if _, err := b.WriteTo(e.Stdout); err != nil {
		return fmt.Errorf("report: write output: %w", err)
	}
	return nil
}
