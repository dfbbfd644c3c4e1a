package report

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
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

// File is one output file and how to fill it.
type File struct {
	Path  string
	Write func(io.Writer) error
}

// WriteFiles writes every file atomically and together: each is rendered
// to a temporary file in its directory, and only when all succeeded are
// they renamed into place. On error nothing is left half-written.
func WriteFiles(files ...File) (err error) {
	var tmps []string
	defer func() {
		if err != nil {
			for _, t := range tmps {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		t, err := writeTemp(f)
		if t != "" {
			tmps = append(tmps, t)
		}
		if err != nil {
			return err
		}
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], f.Path); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
	}
	return nil
}

func writeTemp(f File) (string, error) {
	dir := filepath.Dir(f.Path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write %s: %w", f.Path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.Path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", f.Path, err)
	}
	bw := bufio.NewWriterSize(tmp, 1<<16)
	err = f.Write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return tmp.Name(), fmt.Errorf("write %s: %w", f.Path, err)
	}
	return tmp.Name(), nil
}
