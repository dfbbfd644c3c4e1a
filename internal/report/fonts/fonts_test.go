package fonts

import (
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// vietnamese is every letter of Vietnamese: the vowels with each tone
// mark, precomposed, both cases, and đ/Đ.
func vietnamese() []rune {
	var rs []rune
	for _, base := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"} {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"} {
			for _, r := range norm.NFC.String(base + tone) {
				rs = append(rs, r, unicode.ToUpper(r))
			}
		}
	}
	return append(rs, 'đ', 'Đ', '–')
}

// TestVietnamese checks that each face has a glyph for every precomposed
// Vietnamese letter (134 of them), so no letter falls back or goes blank.
func TestVietnamese(t *testing.T) {
	letters := vietnamese()
	if len(letters) != 12*6*2+3 {
		t.Fatalf("%d letters", len(letters))
	}
	for name, ttf := range map[string][]byte{"Regular": Regular, "Bold": Bold, "Italic": Italic, "BoldItalic": BoldItalic} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var b sfnt.Buffer
		fam, _ := f.Name(&b, sfnt.NameIDFamily)
		if fam != Family {
			t.Errorf("%s: family %q, want %q", name, fam, Family)
		}
		for _, r := range letters {
			if r > unicode.MaxASCII && !norm.NFC.IsNormalString(string(r)) {
				t.Fatalf("%q is not precomposed", r)
			}
			if g, err := f.GlyphIndex(&b, r); err != nil || g == 0 {
				t.Errorf("%s: no glyph for %q (U+%04X)", name, r, r)
			}
		}
	}
}
