package report

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"loa/internal/config"
)

// cellValue is how a spreadsheet reads a CSV field under a locale's
// number settings (decimal and thousands separators, as Excel does when it
// opens a CSV): a number, a time of day or duration (h:mm[:ss], hours may
// pass 24), an ISO date, or text.
type cellValue struct {
	kind string // "number", "time", "date", "text"
	v    float64
}

type locale struct{ name, decimal, group string }

var (
	viVN = locale{"vi-VN", ",", "."}
	enUS = locale{"en-US", ".", ","}
)

var (
	timeRe = regexp.MustCompile(`^(\d+):([0-5]\d)(?::([0-5]\d))?$`)
	dateRe = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
)

func readCell(s string, l locale) cellValue {
	if m := timeRe.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		sec, _ := strconv.Atoi("0" + m[3])
		return cellValue{"time", (float64(h)*3600 + float64(mi)*60 + float64(sec)) / 86400}
	}
	if dateRe.MatchString(s) {
		return cellValue{"date", 0}
	}
	intPart, frac, hasFrac := strings.Cut(s, l.decimal)
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	groups := strings.Split(intPart, l.group)
	ok := intPart != "" && len(groups[0]) >= 1 && (len(groups) == 1 || len(groups[0]) <= 3)
	for i, g := range groups {
		if strings.Trim(g, "0123456789") != "" || g == "" || (i > 0 && len(g) != 3) {
			ok = false
		}
	}
	if hasFrac && (frac == "" || strings.Trim(frac, "0123456789") != "") {
		ok = false
	}
	if !ok {
		return cellValue{"text", 0}
	}
	v, _ := strconv.ParseFloat(strings.Join(groups, "")+"."+frac+"0", 64)
	if neg {
		v = -v
	}
	return cellValue{"number", v}
}

// TestCSVLocales opens both CSVs as a spreadsheet would under Vietnamese
// and English settings: every field must read the same under both, and the
// durations as the right number of seconds.
func TestCSVLocales(t *testing.T) {
	// The reader itself: a decimal point is what Excel under vi-VN reads
	// as thousands ("8.501" s → 8501), the bug the columns avoid.
	if a, b := readCell("8.501", viVN), readCell("8.501", enUS); a.v != 8501 || b.v != 8.501 {
		t.Fatalf("reader: 8.501 reads %v (vi) and %v (en)", a, b)
	}
	if a, b := readCell("120.5", viVN), readCell("120.5", enUS); a.kind != "text" || b.v != 120.5 {
		t.Fatalf("reader: 120.5 reads %v (vi) and %v (en)", a, b)
	}
	r := build(t, fixture(t), config.Default(), "2023-H1")
	for _, f := range []string{"csv", "csv-summary"} {
		rows := readCSV(t, render(t, r, f))
		head := rows[0]
		col := func(name string) int {
			for i, h := range head {
				if h == name {
					return i
				}
			}
			t.Fatalf("%s: no column %q", f, name)
			return -1
		}
		secName := "Số giây"
		if f == "csv-summary" {
			secName = "Thời lượng (giây)"
		}
		secs, hms, ms := col(secName), col("Thời lượng (giờ:phút:giây)"), col("Mili giây")
		checked := 0
		for _, row := range rows[1:] {
			for i, field := range row {
				if vi, en := readCell(field, viVN), readCell(field, enUS); vi != en {
					t.Errorf("%s: %s %q reads %v under vi-VN but %v under en-US", f, head[i], field, vi, en)
				}
			}
			if row[ms] == "" {
				continue
			}
			exact := readCell(row[ms], viVN).v / 1000
			s, d := readCell(row[secs], viVN), readCell(row[hms], viVN)
			if s.kind != "number" || s.v != float64(wholeSeconds(exact)) || d.kind != "time" || math.Abs(d.v*86400-s.v) > 1e-6 {
				t.Errorf("%s: %q s, %q, %q ms do not read as the same duration", f, row[secs], row[hms], row[ms])
			}
			checked++
		}
		if checked < 7 {
			t.Errorf("%s: %d durations checked", f, checked)
		}
	}
}
