package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/internal/simulate"
)

// TestSimulateMissingTopicsInPlanOrder: the topics a half-year lacks are
// listed in the plan's order (a, b, c, d, đ, e, g), not byte order, which
// puts "đ" after "e".
func TestSimulateMissingTopicsInPlanOrder(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	from := time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
	h := &simulate.Bucket{Key: "2027-H1", From: from, To: from.AddDate(0, 6, 0), Runs: 1, Scripts: 2, Seconds: 120,
		ByTopic: map[string]float64{"chu-truong": 60, "ke-hoach": 30, "ket-qua": 30}}
	m := &simulate.Bucket{Key: "2027-01", From: from, To: from.AddDate(0, 1, 0), Runs: 1, Scripts: 2, Seconds: 120,
		ByTopic: h.ByTopic}
	var b strings.Builder
	if err := writeSimulation(&b, &simulate.Result{From: from, To: from.AddDate(0, 1, 0), Months: []*simulate.Bucket{m},
		Halves: []*simulate.Bucket{h}}, loc, false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	i := strings.Index(out, "CHƯA CÓ")
	if i < 0 {
		t.Fatalf("no missing topics line:\n%s", out)
	}
	line := out[i:]
	d, dd, e := strings.Index(line, "d. Mô hình"), strings.Index(line, "đ. Quan hệ"), strings.Index(line, "e. Quy chế")
	if d < 0 || dd < 0 || e < 0 || !(d < dd && dd < e) {
		t.Errorf("missing topics not in plan order (d, đ, e):\n%s", line)
	}
}

// TestSimulateRunsRowLabel: the row counting programme runs says
// "chương trình", not "lượt phát", which the report uses for script
// broadcasts: "10 lượt phát" here against "63 lượt phát" in the report of
// the same month would read as a contradiction.
func TestSimulateRunsRowLabel(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	from := time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
	b := &simulate.Bucket{Key: "2027-01", From: from, To: from.AddDate(0, 1, 0), Runs: 10, NoScripts: 1, Scripts: 63, ByTopic: map[string]float64{}}
	h := &simulate.Bucket{Key: "2027-H1", From: from, To: from.AddDate(0, 6, 0), Runs: 10, NoScripts: 1, Scripts: 63, ByTopic: map[string]float64{}}
	var w strings.Builder
	if err := writeSimulation(&w, &simulate.Result{From: from, To: from.AddDate(0, 1, 0), Months: []*simulate.Bucket{b},
		Halves: []*simulate.Bucket{h}}, loc, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(w.String(), "Số lượt phát (") || !strings.Contains(w.String(), "Số chương trình (không có bài)") {
		t.Errorf("runs row label:\n%s", w.String())
	}
}

// TestSimulateShippedYearNoEmptyRun: a year of the shipped schedules with
// the 7 demo scripts airs something in every run. The weekly run two days
// after the monthly review finds every script inside its 3-day spacing;
// spacing yields (and says so) rather than leave the slot silent.
func TestSimulateShippedYearNoEmptyRun(t *testing.T) {
	needJingles(t, "intro", "outro")
	data, err := filepath.Abs(demoStation(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	code, out, errs := runLoa(t, "--data", data, "simulate", "--schedules", "schedules", "--json", "--from", "2027-01-01", "--to", "2027-12-31")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	runs := decodeRuns(t, out)
	if len(runs) != 105+12 { // 2027 starts on a Friday: 53 Fridays
		t.Fatalf("%d runs, want 117", len(runs))
	}
	relaxed := 0
	for _, r := range runs {
		if len(r.Items) == 0 {
			t.Errorf("%s %s airs nothing: %+v", r.At, r.Programme, r.Problems)
		}
		for _, p := range r.Problems {
			if p.Code != "spacing-relaxed" || r.Programme != "cchc-hang-tuan" {
				t.Errorf("%s %s: problem %+v", r.At, r.Programme, p)
			}
			relaxed++
		}
	}
	if relaxed != 12 {
		t.Errorf("spacing relaxed in %d runs, want the 12 after each monthly review", relaxed)
	}
}
