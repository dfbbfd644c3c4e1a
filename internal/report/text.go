package report

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"loa/internal/database"
)

// Heading is the fixed start of the report's title.
const Heading = "Kết quả phát thanh tuyên truyền cải cách hành chính"

// Title is the report's title after "BÁO CÁO", worded for the period kind:
// "… 6 tháng đầu năm 2023", "… năm 2023", "… quý I năm 2023",
// "… tháng 6 năm 2023", "… từ ngày 01/03/2023 đến ngày 15/03/2023".
func Title(p Period) string {
	return Heading + " " + PeriodWords(p)
}

// PeriodWords names the period in Vietnamese.
func PeriodWords(p Period) string {
	switch p.Kind {
	case KindYear:
		return fmt.Sprintf("năm %d", p.Year)
	case KindHalf:
		if p.N == 1 {
			return fmt.Sprintf("6 tháng đầu năm %d", p.Year)
		}
		return fmt.Sprintf("6 tháng cuối năm %d", p.Year)
	case KindQuarter:
		return fmt.Sprintf("quý %s năm %d", []string{"I", "II", "III", "IV"}[p.N-1], p.Year)
	case KindMonth:
		return fmt.Sprintf("tháng %d năm %d", p.N, p.Year)
	}
	return fmt.Sprintf("từ ngày %s đến ngày %s", dmy(p.From), dmy(p.To))
}

// dmy turns "2023-03-01" into "01/03/2023".
func dmy(date string) string {
	t, err := time.Parse(database.DateFormat, date)
	if err != nil {
		return date
	}
	return t.Format(database.ShowDate)
}

// upper uppercases Vietnamese text (Go's case mapping covers the
// precomposed letters ơ ư đ ạ … ỹ) and keeps it NFC.
func upper(s string) string { return norm.NFC.String(strings.ToUpper(norm.NFC.String(s))) }

// lowerFirst lowercases the first letter: "Báo cáo " + lowerFirst(title).
func lowerFirst(s string) string {
	c, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(c)) + s[n:]
}

// CommuneHeading is the issuing body's name for the top left of the
// report: "XÃ BÌNH LƯƠNG" from "Bình Lương"; a name already starting with
// xã, phường or thị trấn is kept as it is.
func CommuneHeading(commune string) string {
	c := norm.NFC.String(strings.TrimSpace(commune))
	low := strings.ToLower(c)
	for _, p := range []string{"xã ", "phường ", "thị trấn "} {
		if strings.HasPrefix(low, p) {
			return upper(c)
		}
	}
	return "XÃ " + upper(c)
}

// communeName is the commune's bare name: "Đống Đa" from "phường Đống Đa".
func communeName(commune string) string {
	c := norm.NFC.String(strings.TrimSpace(commune))
	low := strings.ToLower(c)
	for _, p := range []string{"xã ", "phường ", "thị trấn ", "đặc khu "} {
		if strings.HasPrefix(low, p) {
			return strings.TrimSpace(c[len(p):])
		}
	}
	return c
}

// communeWords is "xã Bình Lương" (or the name as given when it already
// says xã, phường, thị trấn).
func communeWords(commune string) string {
	if c := communeName(commune); c != strings.TrimSpace(commune) {
		return norm.NFC.String(strings.TrimSpace(commune))
	}
	return "xã " + norm.NFC.String(strings.TrimSpace(commune))
}

// ProvinceHeading is "TỈNH QUẢNG NINH" from "Quảng Ninh"; a name already
// starting with tỉnh or thành phố is kept.
func ProvinceHeading(province string) string {
	p := norm.NFC.String(strings.TrimSpace(province))
	low := strings.ToLower(p)
	if strings.HasPrefix(low, "tỉnh ") || strings.HasPrefix(low, "thành phố ") {
		return upper(p)
	}
	return "TỈNH " + upper(p)
}

// DateLine is "Bình Lương, ngày 26 tháng 11 năm 2026". As Nghị định
// 30/2020 asks, days below 10 and months 1 and 2 get a leading zero.
func DateLine(place string, t time.Time) string {
	m := fmt.Sprint(int(t.Month()))
	if t.Month() <= 2 {
		m = "0" + m
	}
	return fmt.Sprintf("%s, ngày %02d tháng %s năm %d", place, t.Day(), m, t.Year())
}

// wholeSeconds rounds seconds to whole seconds, as every duration shown
// to the second is rounded.
func wholeSeconds(s float64) int64 { return int64(s + 0.5) }

// Clock renders seconds (rounded to whole seconds) as "1:02:03" or "2:03".
func Clock(s float64) string {
	n := wholeSeconds(s)
	h, m, sec := n/3600, n/60%60, n%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}

// HMS renders seconds (rounded to whole seconds) as giờ:phút:giây,
// "0:00:06", "1:02:03": how documents show durations.
func HMS(s float64) string {
	n := wholeSeconds(s)
	return fmt.Sprintf("%d:%02d:%02d", n/3600, n/60%60, n%60)
}

// Minutes renders seconds as "125 phút 30 giây" (whole seconds).
func Minutes(s float64) string {
	n := wholeSeconds(s)
	return fmt.Sprintf("%s phút %d giây", Thousands(n/60), n%60)
}

// Thousands writes n with dots between thousands, as Vietnamese does.
func Thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Decimal writes x with one decimal, a decimal comma and dots between
// thousands, as Vietnamese does: 138930.46 → "138.930,5".
func Decimal(x float64) string {
	tenths := int64(math.Round(math.Abs(x) * 10))
	s := Thousands(tenths/10) + "," + fmt.Sprint(tenths%10)
	if x < 0 && tenths != 0 {
		return "-" + s
	}
	return s
}
