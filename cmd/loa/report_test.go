package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/report/reporttest"
)

// seedReport writes a small airtime log into a fresh data directory: two
// broadcasts in 2023-H1 (one partial), one at 06:00 on 1 July local time
// (still 30 June in UTC, so 2023-H2), and a simulated one.
func seedReport(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(dir, database.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc := config.Default().Location()
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	it := func(id int64, topic, start string, secs float64, status string) reporttest.Item {
		return reporttest.Item{Kind: "script", ScriptID: id, Title: "Bài số " + string(rune('0'+id)), Topic: topic,
			Area: "thu-tuc", Audience: "nguoi-dan", Started: at(start), Seconds: secs, Status: status}
	}
	runs := []struct {
		r     reporttest.Run
		items []reporttest.Item
	}{
		{reporttest.Run{Programme: "chieu", Title: "Chương trình buổi chiều", Scheduled: at("2023-06-30 23:30:00"), Status: "partial"},
			[]reporttest.Item{it(1, "mot-cua-dvc", "2023-06-30 23:30:00", 120, "aired"), it(2, "ke-hoach", "2023-06-30 23:32:00", 30.5, "partial")}},
		{reporttest.Run{Programme: "sang", Title: "Chương trình buổi sáng", Scheduled: at("2023-07-01 06:00:00"), Status: "completed"},
			[]reporttest.Item{it(1, "mot-cua-dvc", "2023-07-01 06:00:00", 120, "aired")}},
	}
	for _, r := range runs {
		if _, err := reporttest.AddRun(ctx, db, r.r, r.items...); err != nil {
			t.Fatal(err)
		}
	}
	sim := it(3, "chu-truong", "2023-08-01 05:30:00", 60, "aired")
	sim.Simulated = true
	if _, err := reporttest.AddRun(ctx, db, reporttest.Run{Programme: "sang", Scheduled: at("2023-08-01 05:30:00"), Status: "completed", Simulated: true}, sim); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReportBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"report", "--format", "json"},
		{"report", "--period", "2023-H3", "--format", "json"},
		{"report", "--period", "2023-13", "--format", "json"},
		{"report", "--period", "2023", "--format", "doc"},
		{"report", "--period", "2023"},
		{"report", "--period", "2023", "--from", "2023-01-01", "--to", "2023-01-31", "--format", "json"},
		{"report", "--from", "2023-01-01", "--format", "json"},
		{"report", "--from", "2023-02-01", "--to", "2023-01-01", "--format", "csv"},
		{"report", "--from", "2023-02-30", "--to", "2023-03-01", "--format", "csv"},
		{"report", "--period", "2023", "--format", "json", "--date", "26/11/2026"},
		{"report", "--period", "2023", "--format", "pdf", "--summary"},
		{"report", "--period", "2023", "--format", "json", "extra"},
		{"report", "--period", "2023", "--format", "pdf", "--out", dir}, // a directory
	} {
		code, out, errOut := runLoa(t, append([]string{"--data", dir}, args...)...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "loa: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and one line", args, code, out, errOut)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("bad input left files: %v", ents)
	}
}

func TestReportJSONAndCSV(t *testing.T) {
	dir := seedReport(t)
	code, out, errOut := runLoa(t, "--data", dir, "report", "--period", "2023-H1", "--format", "json", "--date", "2026-11-26")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var h1 struct {
		From, To, Date string
		Items          int64
		AirtimeS       float64 `json:"airtime_s"`
		Scripts        int64
		Simulated      bool
		Runs           map[string]int64
		ByTopic        []struct{ Code string } `json:"by_topic"`
		Uncovered      []string                `json:"uncovered_topics"`
	}
	if err := json.Unmarshal([]byte(out), &h1); err != nil {
		t.Fatal(err)
	}
	if h1.From != "2023-01-01" || h1.To != "2023-06-30" || h1.Date != "2026-11-26" || h1.Items != 2 || h1.AirtimeS != 150.5 ||
		h1.Scripts != 2 || h1.Simulated || h1.Runs["partial"] != 1 || h1.Runs["completed"] != 0 || len(h1.ByTopic) != 7 || len(h1.Uncovered) != 5 {
		t.Errorf("H1 JSON: %+v", h1)
	}

	// H2: the 06:00 1 July broadcast (30 June in UTC) and the simulated one.
	csvPath := filepath.Join(dir, "out", "h2.csv")
	code, out, errOut = runLoa(t, "--data", dir, "report", "--period", "2023-H2", "--format", "csv", "--out", csvPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	sumPath := filepath.Join(dir, "out", "h2-summary.csv")
	if out != csvPath+"\n"+sumPath+"\n" {
		t.Errorf("stdout %q, want the two paths", out)
	}
	if !strings.Contains(errOut, "MÔ PHỎNG") {
		t.Errorf("no simulated warning on stderr: %q", errOut)
	}
	rows := readCSVFile(t, csvPath)
	if len(rows) != 3 || rows[1][1] != "2023-07-01" || rows[1][2] != "06:00:00" || rows[1][10] != "120" || rows[2][12] != "MÔ PHỎNG" {
		t.Errorf("H2 CSV rows: %q", rows)
	}
	found := false
	for _, row := range readCSVFile(t, sumPath) {
		if row[0] == "Tổng" && row[1] == "luot-phat" {
			found = row[3] == "2" && row[4] == "180"
		}
	}
	if !found {
		t.Errorf("H2 summary lacks 2 broadcasts / 180 s")
	}

	// Summary only, to stdout.
	code, out, _ = runLoa(t, "--data", dir, "report", "--from", "2023-06-30", "--to", "2023-06-30", "--format", "csv", "--summary")
	if code != 0 || !strings.HasPrefix(out, "\uFEFFMục,Mã") || !strings.Contains(out, "Tổng,luot-phat,Số lượt phát bài tuyên truyền,2,151,2 phút 31 giây,0:02:31,150500") {
		t.Errorf("summary CSV on stdout: exit %d\n%s", code, out)
	}
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Fatalf("%s: no byte-order mark", path)
	}
	rows, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestReportPDFAndXLSX(t *testing.T) {
	dir := seedReport(t)
	code, out, errOut := runLoa(t, "--data", dir, "report", "--period", "2023", "--format", "pdf")
	want := filepath.Join(dir, "reports", "bao-cao-2023.pdf")
	if code != 0 || out != want+"\n" {
		t.Fatalf("exit %d, stdout %q (want %q), stderr %s", code, out, want, errOut)
	}
	if data, err := os.ReadFile(want); err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Errorf("%s is not a PDF (%v)", want, err)
	}
	code, out, errOut = runLoa(t, "--data", dir, "report", "--period", "2023-H1", "--format", "docx")
	want = filepath.Join(dir, "reports", "bao-cao-2023-H1.docx")
	if code != 0 || out != want+"\n" {
		t.Fatalf("docx: exit %d, stdout %q (want %q), stderr %s", code, out, want, errOut)
	}
	if data, err := os.ReadFile(want); err != nil || !bytes.HasPrefix(data, []byte("PK")) || !bytes.Contains(data, []byte("word/document.xml")) {
		t.Errorf("%s is not a Word document (%v)", want, err)
	}
	xlsx := filepath.Join(dir, "r.xlsx")
	if code, _, errOut := runLoa(t, "--data", dir, "report", "--period", "2023-Q3", "--format", "xlsx", "--out", xlsx); code != 0 {
		t.Fatalf("xlsx: exit %d: %s", code, errOut)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Chi tiết", excelize.Options{RawCellValue: true})
	if err != nil || len(rows) != 3 || rows[1][9] != "120" {
		t.Errorf("Q3 detail rows %q (%v)", rows, err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestReportNothingHalfWritten(t *testing.T) {
	dir := seedReport(t)
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// The output's directory is a file: the write fails, nothing appears.
	code, out, errOut := runLoa(t, "--data", dir, "report", "--period", "2023", "--format", "csv", "--out", filepath.Join(blocker, "r.csv"))
	if code != 1 || out != "" || strings.Count(errOut, "\n") < 1 {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestReportDatedOtherDay: --date is the date written on the report; the
// mark "(số liệu tính đến ngày …)" says how far the figures go, which is
// the day the report is made. Dated ahead to the period's last day, a
// report made today must still be marked provisional; dated back to the
// period's first day, it must not claim to stop there.
func TestReportDatedOtherDay(t *testing.T) {
	dir := seedReport(t)
	today := time.Now().In(config.Default().Location())
	year := today.Format("2006")
	if today.Format("01-02") == "12-31" || today.Format("01-02") == "01-01" {
		t.Skip("today is the year's first or last day")
	}
	for _, date := range []string{year + "-12-31", year + "-01-01"} {
		code, out, errOut := runLoa(t, "--data", dir, "report", "--period", year, "--format", "json", "--date", date)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var r struct {
			Date      string
			DataUntil string `json:"data_until"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Date != date || r.DataUntil != today.Format(database.DateFormat) {
			t.Errorf("--date %s: date %q, data_until %q; want the figures marked as of today %s", date, r.Date, r.DataUntil, today.Format(database.DateFormat))
		}
	}
}
