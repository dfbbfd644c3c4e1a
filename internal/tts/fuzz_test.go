package tts

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"Nghị định số 61/2018/NĐ-CP ngày 23/4/2018",
		"17h30 - 11:30, 0912 345 678, dichvucong.gov.vn, a@b.vn",
		"1.250,5% 2021-2025 quý IV/2023 thứ 4 UBND 5km²",
		strings.Repeat("9", 500),
		"1.2.3.4.5,6,7,8/9/10-11",
		"\xff\xfe bad utf8 \x00",
	} {
		f.Add(s)
	}
	n := newTestNormalizer(f, DefaultOptions())
	f.Fuzz(func(t *testing.T, s string) {
		out := n.Normalize(s)
		if !utf8.ValidString(out) || !norm.NFC.IsNormalString(out) {
			t.Fatalf("output not NFC UTF-8: %q", out)
		}
		if strings.ContainsAny(out, issuerMark+issuerEnd) {
			t.Fatalf("the normaliser's marks left in %q", out)
		}
	})
}

// TestLongDigitStrings is the espeak-ng freeze (#2442) turned around: a
// long digit string must be read quickly, digit by digit, not as a number.
func TestLongDigitStrings(t *testing.T) {
	n := newTestNormalizer(t, DefaultOptions())
	for _, in := range []string{
		strings.Repeat("1234567890", 10_000),
		strings.Repeat("1.234,", 10_000),
		strings.Repeat("12/12/2023 ", 5_000),
		strings.Repeat("0912 345 678 ", 5_000),
	} {
		start := time.Now()
		out := n.Normalize(in)
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("%d bytes took %s", len(in), el)
		}
		if strings.ContainsAny(out, "0123456789") {
			t.Errorf("digits left in the reading of %.20q…", in)
		}
	}
	if got := n.Normalize("mã 12345678901234567890"); got != "mã một hai ba bốn năm sáu bảy tám chín không một hai ba bốn năm sáu bảy tám chín không" {
		t.Errorf("20 digits read as %q", got)
	}
}
