package tts

import "testing"

func TestNumber(t *testing.T) {
	n := newTestNormalizer(t, DefaultOptions())
	for _, c := range []struct{ in, want string }{
		{"0", "không"},
		{"5", "năm"},
		{"10", "mười"},
		{"11", "mười một"},
		{"14", "mười bốn"},
		{"15", "mười lăm"},
		{"20", "hai mươi"},
		{"21", "hai mươi mốt"},
		{"24", "hai mươi tư"},
		{"25", "hai mươi lăm"},
		{"51", "năm mươi mốt"},
		{"52", "năm mươi hai"},
		{"55", "năm mươi lăm"},
		{"100", "một trăm"},
		{"101", "một trăm linh một"},
		{"105", "một trăm linh năm"},
		{"110", "một trăm mười"},
		{"115", "một trăm mười lăm"},
		{"121", "một trăm hai mươi mốt"},
		{"1000", "một nghìn"},
		{"1005", "một nghìn không trăm linh năm"},
		{"1010", "một nghìn không trăm mười"},
		{"2018", "hai nghìn không trăm mười tám"},
		{"2023", "hai nghìn không trăm hai mươi ba"},
		{"10000", "mười nghìn"},
		{"15000000", "mười lăm triệu"},
		{"1000005", "một triệu không trăm linh năm"},
		{"2500000", "hai triệu năm trăm nghìn"},
		// An empty thousands group before hundreds is said: "một triệu năm
		// trăm" is heard as 1.500.000.
		{"1000500", "một triệu không nghìn năm trăm"},
		{"3000250", "ba triệu không nghìn hai trăm năm mươi"},
		{"1000050", "một triệu không trăm năm mươi"},
		{"1500500", "một triệu năm trăm nghìn năm trăm"},
		{"1000000000", "một tỷ"},
		{"1000000000000", "một nghìn tỷ"},
		{"1500000000000", "một nghìn năm trăm tỷ"},
		{"2000000000000000", "hai không không không không không không không không không không không không không không không"},
		{"007", "bảy"},
	} {
		if got := n.Number(c.in); got != c.want {
			t.Errorf("Number(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestOptions checks the station's reading choices: tư/bốn, linh/lẻ,
// nghìn/ngàn, and abbreviations from the config over the built-in table.
func TestOptions(t *testing.T) {
	south := Options{Four: "bốn", ZeroTens: "lẻ", Thousand: "ngàn", Abbreviations: map[string]string{
		"UBND":              "ủy ban",
		"dichvucong.gov.vn": "cổng dịch vụ công quốc gia",
		"BL":                "Bình Lương",
	}}
	n := newTestNormalizer(t, south)
	for _, c := range []struct{ in, want string }{
		{"Có 24 hộ, 105 người và 1.004 con gia cầm.", "có hai mươi bốn hộ, một trăm lẻ năm người và một ngàn không trăm lẻ bốn con gia cầm."},
		{"UBND xã BL thông báo.", "ủy ban xã bình lương thông báo."},
		{"Truy cập dichvucong.gov.vn để nộp hồ sơ.", "truy cập cổng dịch vụ công quốc gia để nộp hồ sơ."},
		{"Tháng 4/2024, ngày 24/4.", "tháng tư năm hai ngàn không trăm hai mươi bốn, ngày hai mươi bốn tháng tư."},
		{"lần thứ 4", "lần thứ tư"},
	} {
		if got := n.Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q)\n got  %q\n want %q", c.in, got, c.want)
		}
	}
	for _, bad := range []Options{
		{Four: "4", ZeroTens: "linh", Thousand: "nghìn"},
		{Four: "tư", ZeroTens: "không", Thousand: "nghìn"},
		{Four: "tư", ZeroTens: "linh", Thousand: "k"},
		{Four: "tư", ZeroTens: "linh", Thousand: "nghìn", Abbreviations: map[string]string{"X": ""}},
	} {
		if _, err := NewNormalizer(bad); err == nil {
			t.Errorf("NewNormalizer(%+v) accepted bad options", bad)
		}
	}
}

func TestNormalizeKeepsLinesAndNFC(t *testing.T) {
	n := newTestNormalizer(t, DefaultOptions())
	// Decomposed input (e + combining marks), CRLF lines, a blank line.
	in := "Ngu\u031bo\u031b\u0300i da\u0302n\r\n\r\n  - Xa\u0303 có 2 thôn  "
	want := "người dân\nxã có hai thôn"
	if got := n.Normalize(in); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
