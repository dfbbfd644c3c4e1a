package tts

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizerVersion names the rules and the embedded abbreviation table.
// It is recorded with every synthesised script; change it with the rules.
const NormalizerVersion = "vi-2"

//go:embed abbreviations.tsv
var abbreviationsTSV string

// Options are the station's reading choices (config [tts]).
type Options struct {
	Four          string            // units 4 after "mươi": "tư" (hai mươi tư) or "bốn"
	ZeroTens      string            // the empty tens of 105: "linh" or "lẻ"
	Thousand      string            // "nghìn" or "ngàn"
	Abbreviations map[string]string // extra or overriding readings, key as written
}

// DefaultOptions are the readings of standard northern administrative speech.
func DefaultOptions() Options {
	return Options{Four: "tư", ZeroTens: "linh", Thousand: "nghìn"}
}

// Normalizer turns administrative Vietnamese into the words a reader says.
// It is safe for concurrent use.
type Normalizer struct {
	opts    Options
	abbr    map[string]string
	byFirst map[rune][]string
}

// NewNormalizer checks the options and builds the abbreviation table: the
// embedded one, then opts.Abbreviations over it.
func NewNormalizer(opts Options) (*Normalizer, error) {
	switch {
	case opts.Four != "tư" && opts.Four != "bốn":
		return nil, fmt.Errorf("four: %q must be \"tư\" or \"bốn\"", opts.Four)
	case opts.ZeroTens != "linh" && opts.ZeroTens != "lẻ":
		return nil, fmt.Errorf("zero_tens: %q must be \"linh\" or \"lẻ\"", opts.ZeroTens)
	case opts.Thousand != "nghìn" && opts.Thousand != "ngàn":
		return nil, fmt.Errorf("thousand: %q must be \"nghìn\" or \"ngàn\"", opts.Thousand)
	}
	abbr, err := parseAbbreviations(abbreviationsTSV)
	if err != nil {
		return nil, fmt.Errorf("embedded abbreviations: %w", err) // a build defect
	}
	for k, v := range opts.Abbreviations {
		k, v = norm.NFC.String(strings.TrimSpace(k)), norm.NFC.String(strings.TrimSpace(v))
		if k == "" || v == "" || strings.ContainsAny(k+v, "\t\n") {
			return nil, fmt.Errorf("abbreviations: entry %q = %q: key and reading must be non-empty single lines", k, v)
		}
		abbr[k] = v
	}
	// Keys by first rune, longest first: UBMTTQ must win over MTTQ, "HĐ KCT"
	// over "HĐ". A map and prefix tests, not one big alternation: Go's
	// regexp would cost the size of the table at every byte of the text.
	byFirst := map[rune][]string{}
	for k := range abbr {
		r, _ := utf8.DecodeRuneInString(k)
		byFirst[r] = append(byFirst[r], k)
	}
	for _, ks := range byFirst {
		slices.SortFunc(ks, func(a, b string) int {
			if len(a) != len(b) {
				return len(b) - len(a)
			}
			return strings.Compare(a, b)
		})
	}
	return &Normalizer{opts: opts, abbr: abbr, byFirst: byFirst}, nil
}

// parseAbbreviations reads "KEY<TAB>reading" lines; # starts a comment line.
func parseAbbreviations(s string) (map[string]string, error) {
	m := map[string]string{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		k, v = strings.TrimSpace(k), strings.TrimSpace(strings.TrimLeft(v, "\t"))
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("line %d: want KEY<TAB>reading", i+1)
		}
		m[norm.NFC.String(k)] = norm.NFC.String(v)
	}
	return m, nil
}

// Normalize returns the spoken form of text: NFC, lower case, numbers,
// dates, codes and abbreviations written out as words, sentence punctuation
// kept (the engine's pauses). Lines stay lines; empty lines are dropped.
func (n *Normalizer) Normalize(text string) string {
	text = marks.Replace(norm.NFC.String(strings.ToValidUTF8(text, " "))) // the marks are the normaliser's own
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if l := n.line(line); l != "" {
			out = append(out, l)
		}
	}
	return norm.NFC.String(strings.Join(out, "\n"))
}

// Regular expressions of the rules, in the order they run. Every one is
// RE2 (linear time), so no input makes the normaliser slow.
var (
	reSpace   = regexp.MustCompile(`[\s\x{00a0}\x{200b}\x{feff}]+`)
	reBullet  = regexp.MustCompile(`^[-+•*–—]+\s*`)
	reRomanHd = regexp.MustCompile(`^([IVX]+)\.\s`)
	reItemHd  = regexp.MustCompile(`^([a-zđ])\)\s`)
	reEmail   = regexp.MustCompile(`(?i)[a-z0-9][a-z0-9._-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)+`)
	reURL     = regexp.MustCompile(`(?i)(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,6}(?:/[a-z0-9\-._~/?=&%#]*)?`)
	rePhoneKw = regexp.MustCompile(`(?i)(tổng đài|đường dây nóng|hotline|điện thoại|số máy|fax)(\s*:?\s*)(\+?\d+(?:[ .-]\d+)*)`)
	reHotline = regexp.MustCompile(`((?i:gọi|bấm|quay))(\s+(?:(?:ngay|đến|tới|số)\s+)*)(11[1-5])`)
	rePhone   = regexp.MustCompile(`(?:\+84 ?|\(0\d{2,3}\) ?|0)(?:\d{9,10}|\d{1,4}(?:[ .-]\d{2,8}){1,3})`)
	reDoc     = regexp.MustCompile(`(\d+)(?:/(\d{4}))?/([A-ZĐ][A-Za-zĐđ]*\d*(?:-[A-ZĐ][A-Za-zĐđ]*\d*)*)`)
	reDocPty  = regexp.MustCompile(`(\d+)-([A-ZĐ][A-Za-zĐđ]*)/([A-ZĐ][A-Za-zĐđ]*)`)
	reDate    = regexp.MustCompile(`(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4})`)
	reDayMon  = regexp.MustCompile(`(\d{1,2})/(\d{1,2})`)
	reDayMons = regexp.MustCompile(`(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\s?[-–]\s?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?`)
	reMonYear = regexp.MustCompile(`(\d{1,2})[/-](\d{4})`)
	reTime    = regexp.MustCompile(`(\d{1,2})(?:[hH](\d{2})?|[:gG](\d{2}))'?(?:\s?[-–]\s?(\d{1,2})(?:[hH](\d{2})?|[:gG](\d{2}))'?)?`)
	rePerUnit = regexp.MustCompile(`/(km²|km2|km|m²|m2|m³|m3|cm|mm|ha|kg|kWh|kW|m)`)
	reUnit    = regexp.MustCompile(`(\d)\s?(km²|km2|km|m²|m2|m³|m3|cm|mm|ha|kg|kWh|kW|VNĐ|VND|vnđ|đ|m|%|°C)`)
	reRange   = regexp.MustCompile(`(\d+(?:[.,]\d+)*)\s?[-–]\s?(\d+(?:[.,]\d+)*)`)
	reMinus   = regexp.MustCompile(`(^|[\s(\[:;,])[-−](\d)`)
	reOrdinal = regexp.MustCompile(`((?i:thứ))\s+(\d+)`)
	reRoman   = regexp.MustCompile(`((?i:quý|phần|chương|mục|khóa|khoá|kỳ họp|kỳ|đại hội|phụ lục|giai đoạn|tập|loại|hạng|nhóm))\s+([IVXL]+(?:\s?,\s?[IVXL]+|\s+và\s+[IVXL]+)*)(?:\s?[/-]\s?(\d{4}))?`)
	reRomanN  = regexp.MustCompile(`[IVXL]+`)
	reNumber  = regexp.MustCompile(`\d+(?:[.,]\d+)*`)
	reLetters = regexp.MustCompile(`[\p{L}\p{M}]+`)
	rePunct   = regexp.MustCompile(`\s*[.,;:!?…](?:\s*[.,;:!?…])*\s*`)
	reSyll    = regexp.MustCompile(`^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]{1,3}(?:ng|nh|ch|[cmnpt])?$`)
)

var symbolWords = strings.NewReplacer(
	"&", " và ", "@", " a còng ", "%", " phần trăm ", "+", " cộng ", "=", " bằng ",
	"~", " khoảng ", "°", " độ ", "/", " trên ", "\\", " ",
	"(", ", ", ")", ", ", "[", ", ", "]", ", ", "{", ", ", "}", ", ",
	"\"", "", "“", "", "”", "", "‘", "", "’", "", "'", "", "«", "", "»", "", "`", "",
	"#", " ", "*", " ", "_", " ", "|", " ", "<", " ", ">", " ", "^", " ", "$", " đô la ",
)

func (n *Normalizer) line(s string) string {
	s = strings.TrimSpace(reSpace.ReplaceAllString(s, " "))
	// Heading and list markers: "- ", "+ " bullets go; "II. " and "a) " are said.
	s = reBullet.ReplaceAllString(s, "")
	if m := reRomanHd.FindStringSubmatch(s); m != nil {
		if v, ok := roman(m[1]); ok {
			s = n.Number(fmt.Sprint(v)) + ". " + s[len(m[0]):]
		}
	}
	if m := reItemHd.FindStringSubmatch(s); m != nil {
		s = letterName(m[1]) + ", " + s[len(m[0]):]
	}
	s = n.stageWeb(s)
	s = sub(s, rePhoneKw, false, func(_ string, m []string) (string, bool) {
		return m[1] + m[2] + n.phoneGroups(m[3]), true
	})
	s = sub(s, rePhone, true, func(_ string, m []string) (string, bool) {
		return n.phone(m[0])
	})
	s = sub(s, reHotline, true, func(_ string, m []string) (string, bool) {
		return m[1] + m[2] + n.Digits(m[3]), true // gọi ngay 114: một một bốn
	})
	s = n.stageDocs(s)
	s = n.stageDates(s)
	s = issuerOnce(s)
	s = sub(s, reTime, true, func(_ string, m []string) (string, bool) {
		a, ok := n.clock(m[1], m[2]+m[3])
		if !ok {
			return "", false
		}
		if m[4] == "" {
			return a, true
		}
		b, ok := n.clock(m[4], m[5]+m[6])
		return a + " đến " + b, ok
	})
	s = subB(s, reUnit, false, true, func(_ string, m []string) (string, bool) {
		return m[1] + " " + unitWords[m[2]] + " ", true
	})
	s = subB(s, rePerUnit, false, true, func(_ string, m []string) (string, bool) {
		return " trên " + unitWords[m[1]] + " ", true // 62,4 tạ/ha
	})
	s = n.stageAbbreviations(s)
	s = sub(s, reRange, true, func(_ string, m []string) (string, bool) {
		return n.decimal(m[1]) + " đến " + n.decimal(m[2]), true
	})
	// What is left of "-" right before a digit, after a space or at the
	// start, is a minus sign: ranges and codes were read above.
	s = reMinus.ReplaceAllString(s, "${1}âm ${2}")
	s = sub(s, reOrdinal, true, func(_ string, m []string) (string, bool) {
		return m[1] + " " + n.ordinal(m[2]), true
	})
	s = sub(s, reRoman, true, func(_ string, m []string) (string, bool) {
		ok := true
		list := reRomanN.ReplaceAllStringFunc(m[2], func(r string) string { // quý II, III
			v, valid := roman(r)
			ok = ok && valid
			return n.Number(fmt.Sprint(v))
		})
		out := m[1] + " " + list
		if m[3] != "" {
			out += " năm " + n.Number(m[3]) // quý I/2023
		}
		return out, ok
	})
	s = sub(s, reNumber, false, func(_ string, m []string) (string, bool) {
		return " " + n.decimal(m[0]) + " ", true
	})
	s = n.stageSymbols(s)
	s = reLetters.ReplaceAllStringFunc(s, caseWord)
	return tidy(s)
}

// stageAbbreviations replaces whole-word keys of the table by their readings.
func (n *Normalizer) stageAbbreviations(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !wordRuneBefore(s, i) {
			for _, k := range n.byFirst[r] {
				if strings.HasPrefix(s[i:], k) && !wordRuneAfter(s, i+len(k)) {
					b.WriteString(n.abbr[k])
					i += len(k)
					size = 0
					break
				}
			}
		}
		if size > 0 {
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// sub replaces the matches of re for which fn says ok. With bounded, a
// match must not touch a letter or digit on either side (Go's \b knows
// only ASCII letters). before is the text already built, for rules that
// look back ("ngày 03/01/2023" must not say "ngày" twice).
func sub(s string, re *regexp.Regexp, bounded bool, fn func(before string, m []string) (string, bool)) string {
	return subB(s, re, bounded, bounded, fn)
}

// subB is sub with the two boundaries chosen apart (a unit must end a
// word but may follow its number directly: 5km).
func subB(s string, re *regexp.Regexp, left, right bool, fn func(before string, m []string) (string, bool)) string {
	idx := re.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range idx {
		if loc[0] < last {
			continue
		}
		if (left && wordRuneBefore(s, loc[0])) || (right && wordRuneAfter(s, loc[1])) {
			continue
		}
		m := make([]string, len(loc)/2)
		for i := range m {
			if loc[2*i] >= 0 {
				m[i] = s[loc[2*i]:loc[2*i+1]]
			}
		}
		b.WriteString(s[last:loc[0]])
		r, ok := fn(b.String(), m)
		if !ok {
			b.WriteString(m[0])
		} else {
			b.WriteString(r)
		}
		last = loc[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

func wordRuneBefore(s string, i int) bool {
	r, size := utf8.DecodeLastRuneInString(s[:i])
	return size > 0 && isWordRune(r)
}

func wordRuneAfter(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	return size > 0 && isWordRune(r)
}

// endsWithWord reports whether before ends with the word w (any case).
func endsWithWord(before, w string) bool {
	t := strings.TrimRight(before, " ")
	if len(t) > 24 { // only the last word matters; keep this O(1) per match
		t = t[len(t)-24:]
	}
	t = strings.ToLower(t)
	if !strings.HasSuffix(t, w) {
		return false
	}
	return !wordRuneBefore(t, len(t)-len(w))
}

var unitWords = map[string]string{
	"km²": "ki lô mét vuông", "km2": "ki lô mét vuông", "km": "ki lô mét", "m²": "mét vuông", "m2": "mét vuông",
	"m³": "mét khối", "m3": "mét khối", "cm": "xen ti mét", "mm": "mi li mét", "ha": "héc ta", "kg": "ki lô gam",
	"kWh": "ki lô oát giờ", "kW": "ki lô oát", "VNĐ": "đồng", "VND": "đồng", "vnđ": "đồng", "đ": "đồng", "m": "mét",
	"%": "phần trăm", "°C": "độ xê",
}

// stageWeb reads e-mail and web addresses before anything else touches
// their dots. A whole address found in the abbreviation table is read as
// the table says (a station's preferred reading of its portal).
func (n *Normalizer) stageWeb(s string) string {
	s = sub(s, reEmail, true, func(_ string, m []string) (string, bool) {
		local, domain, _ := strings.Cut(m[0], "@")
		return " " + n.webPart(local) + " a còng " + n.host(domain) + " ", true
	})
	return sub(s, reURL, true, func(_ string, m []string) (string, bool) {
		u := strings.TrimRight(m[0], ".,")
		rest := m[0][len(u):]
		if r, ok := n.lookup(u); ok {
			return " " + r + " " + rest, true
		}
		low := strings.ToLower(u)
		low = strings.TrimPrefix(strings.TrimPrefix(low, "https://"), "http://")
		host, path, _ := strings.Cut(low, "/")
		labels := strings.Split(host, ".")
		if !topLevel[labels[len(labels)-1]] {
			return "", false
		}
		out := n.host(host)
		if path != "" {
			out += " gạch chéo " + n.webPart(strings.ReplaceAll(path, "/", " gạch chéo "))
		}
		return " " + out + " " + rest, true
	})
}

var topLevel = map[string]bool{"vn": true, "com": true, "net": true, "org": true, "gov": true, "edu": true, "info": true, "int": true, "io": true}

func (n *Normalizer) lookup(k string) (string, bool) {
	if r, ok := n.abbr[k]; ok {
		return r, true
	}
	r, ok := n.abbr[strings.ToLower(k)]
	return r, ok
}

func (n *Normalizer) host(h string) string {
	if r, ok := n.lookup(h); ok {
		return r
	}
	labels := strings.Split(strings.ToLower(h), ".")
	for i, l := range labels {
		labels[i] = n.webPart(l)
	}
	return strings.Join(labels, " chấm ")
}

// webPart reads a piece of an address: a label the table knows
// (dichvucong), else digits as digits and letters by their names.
func (n *Normalizer) webPart(p string) string {
	var out []string
	for _, f := range strings.FieldsFunc(p, func(r rune) bool { return r == ' ' }) {
		if f == "gạch" || f == "chéo" {
			out = append(out, f)
			continue
		}
		seps := strings.NewReplacer(".", " chấm ", "-", " gạch ngang ", "_", " gạch dưới ", "?", " ", "=", " bằng ", "&", " và ", "#", " ", "%", " ", "~", " ")
		for _, w := range strings.Fields(seps.Replace(f)) {
			if w == "chấm" || w == "gạch" || w == "ngang" || w == "dưới" || w == "bằng" || w == "và" {
				out = append(out, w)
			} else if r, ok := n.lookup(w); ok {
				out = append(out, r)
			} else {
				out = append(out, n.spell(w))
			}
		}
	}
	return strings.Join(out, " ")
}

// spell reads letters by their Vietnamese names and digits one by one.
func (n *Normalizer) spell(w string) string {
	var out []string
	for _, r := range strings.ToLower(w) {
		switch {
		case r >= '0' && r <= '9':
			out = append(out, digitWords[r-'0'])
		case unicode.IsLetter(r):
			out = append(out, letterName(string(r)))
		}
	}
	return strings.Join(out, " ")
}

var letterNames = map[string]string{
	"a": "a", "ă": "á", "â": "ớ", "b": "bê", "c": "xê", "d": "dê", "đ": "đê", "e": "e", "ê": "ê", "f": "ép",
	"g": "gờ", "h": "hát", "i": "i", "j": "gi", "k": "ca", "l": "e lờ", "m": "em mờ", "n": "en", "o": "o",
	"ô": "ô", "ơ": "ơ", "p": "pê", "q": "quy", "r": "e rờ", "s": "ét", "t": "tê", "u": "u", "ư": "ư",
	"v": "vê", "w": "vê kép", "x": "ích", "y": "i dài", "z": "dét",
}

func letterName(l string) string {
	l = strings.ToLower(l)
	if r, ok := letterNames[l]; ok {
		return r
	}
	return l
}

// phoneGroups reads a phone number digit by digit in the groups it was
// written in; an unbroken number is grouped 4-3-3 (or 4-3-4, 4-4).
func (n *Normalizer) phoneGroups(p string) string {
	var pre string
	if strings.HasPrefix(p, "+84") {
		pre, p = "cộng tám tư, ", strings.TrimLeft(p[3:], " .-")
	}
	groups := strings.FieldsFunc(p, func(r rune) bool { return strings.ContainsRune(" .-()", r) })
	if len(groups) == 1 {
		d := groups[0]
		switch {
		case len(d) == 10:
			groups = []string{d[:4], d[4:7], d[7:]}
		case len(d) == 11:
			groups = []string{d[:4], d[4:7], d[7:]}
		case len(d) == 8:
			groups = []string{d[:4], d[4:]}
		case len(d) > 11:
			groups = nil
			for len(d) > 3 {
				groups, d = append(groups, d[:3]), d[3:]
			}
			groups = append(groups, d)
		}
	}
	for i, g := range groups {
		groups[i] = n.Digits(g)
	}
	return pre + strings.Join(groups, ", ")
}

func (n *Normalizer) phone(p string) (string, bool) {
	digits := 0
	for _, c := range p {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if strings.HasPrefix(p, "+84") {
		digits -= 2
		digits++ // the 0 it replaces
	}
	if digits != 10 && digits != 11 {
		return "", false
	}
	return n.phoneGroups(p), true
}

// Document types that open a code (NĐ-CP: a nghị định of the chính phủ):
// the text already says the type, so the reading keeps only the issuer.
var docTypes = map[string]bool{
	"NĐ": true, "QĐ": true, "TT": true, "KH": true, "CT": true, "NQ": true, "BC": true, "TB": true, "CV": true,
	"HD": true, "TTLT": true, "NQLT": true, "QC": true, "KL": true, "TTr": true, "BB": true, "ĐA": true, "CĐ": true, "GM": true,
}

func (n *Normalizer) stageDocs(s string) string {
	s = sub(s, reDoc, true, func(_ string, m []string) (string, bool) {
		who, ok := n.issuers(strings.Split(m[3], "-"))
		if !ok {
			return "", false
		}
		out := n.Number(m[1])
		if m[2] != "" {
			out += " năm " + n.Number(m[2])
		}
		return out + " " + issuerMark + who + issuerEnd, true
	})
	return sub(s, reDocPty, true, func(_ string, m []string) (string, bool) {
		who, ok := n.issuers([]string{m[2], m[3]})
		if !ok {
			return "", false
		}
		return n.Number(m[1]) + " " + issuerMark + who + issuerEnd, true
	})
}

// A code's issuers are marked until the dates are read: when the text
// names the issuer itself right after the code and its date ("…/NĐ-CP
// ngày 23/4/2018 của Chính phủ"), the code's "của chính phủ" is not said
// a second time.
const (
	issuerMark = "\x02"
	issuerEnd  = "\x03"
)

var (
	reIssuerSaid = regexp.MustCompile(`\x02[^\x03]*\x03(\s*,?\s*(?:(?i:ngày)(?:\s+(?:không|một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|linh|lẻ|tháng))+\s*,?\s*)?(?i:của)(?:\s|$))`)
	marks        = strings.NewReplacer(issuerMark, "", issuerEnd, "")
)

func issuerOnce(s string) string {
	if !strings.Contains(s, issuerMark) {
		return s
	}
	return marks.Replace(reIssuerSaid.ReplaceAllString(s, "$1"))
}

var reCodeNum = regexp.MustCompile(`^(.*?)(\d+)$`)

// issuers reads the parts of a document code after its type: "của chính
// phủ", "của bộ tài chính và bộ nội vụ". ok is false unless every part is
// known, so that an unknown code is left to the other rules.
func (n *Normalizer) issuers(parts []string) (string, bool) {
	switch _, issuer := n.abbr[parts[0]]; {
	case len(parts) > 1 && docTypes[parts[0]]:
		parts = parts[1:]
	case len(parts) == 1 && docTypes[parts[0]]:
		return "", false // "15/KH": a type with no issuer; let "/" read as "trên"
	case len(parts) > 1 && issuer:
		// A letter (công văn) has no type: its issuer, then the unit that
		// drafted it, which is not said (123/UBND-VX, 456/BTTTT-CBC).
		parts = parts[:1]
	}
	var who []string
	for _, p := range parts {
		num := ""
		if m := reCodeNum.FindStringSubmatch(p); m != nil {
			p, num = m[1], m[2]
		}
		r, ok := n.abbr[p]
		if !ok {
			return "", false
		}
		if num != "" {
			if p == "QH" {
				r += " khóa" // Luật số 80/2015/QH13: the 13th National Assembly
			}
			r += " " + n.Number(num)
		}
		who = append(who, r)
	}
	return "của " + strings.Join(who, " và "), true
}

func validDate(d, m int) bool { return d >= 1 && d <= 31 && m >= 1 && m <= 12 }

func (n *Normalizer) month(m int) string {
	if m == 4 {
		return "tư"
	}
	return n.Number(fmt.Sprint(m))
}

// dateContext says whether before has just said "ngày" (or mùng, lễ)
// and whether it ends with a word that leads to a date.
func dateContext(before string) (said, leads bool) {
	if endsWithWord(before, "ngày") || endsWithWord(before, "mùng") || endsWithWord(before, "lễ") {
		return true, true
	}
	for _, w := range []string{"và", "đến", "hết", "từ", "tới", "trước", "sau"} {
		if endsWithWord(before, w) {
			return false, true
		}
	}
	return false, false
}

func (n *Normalizer) stageDates(s string) string {
	// A range of dates with a dash, "01/5 - 30/6", "20/01 – 26/01/2023":
	// "… đến ngày …". Without a year it needs a lead, as d/m below.
	s = sub(s, reDayMons, true, func(before string, m []string) (string, bool) {
		d1, m1, d2, m2 := atoi(m[1]), atoi(m[2]), atoi(m[4]), atoi(m[5])
		if !validDate(d1, m1) || !validDate(d2, m2) {
			return "", false
		}
		said, leads := dateContext(before)
		if m[3] == "" && m[6] == "" && !leads {
			return "", false // 17/19 - 18/19 tiêu chí
		}
		date := func(d, mo, y string) string {
			out := n.Number(d) + " tháng " + n.month(atoi(mo))
			if y != "" {
				out += " năm " + n.Number(y)
			}
			return out
		}
		out := date(m[1], m[2], m[3]) + " đến ngày " + date(m[4], m[5], m[6])
		if !said {
			out = "ngày " + out
		}
		return out, true
	})
	s = sub(s, reDate, true, func(before string, m []string) (string, bool) {
		d, mo := atoi(m[1]), atoi(m[3])
		if m[2] != m[4] || !validDate(d, mo) {
			return "", false
		}
		out := n.Number(m[1]) + " tháng " + n.month(mo) + " năm " + n.Number(m[5])
		if !endsWithWord(before, "ngày") && !endsWithWord(before, "mùng") {
			out = "ngày " + out
		}
		return out, true
	})
	s = sub(s, reMonYear, true, func(before string, m []string) (string, bool) {
		mo, y := atoi(m[1]), atoi(m[2])
		if y < 1900 || y > 2199 {
			return "", false
		}
		if endsWithWord(before, "quý") {
			return n.Number(m[1]) + " năm " + n.Number(m[2]), true
		}
		if mo < 1 || mo > 12 {
			return "", false
		}
		out := n.month(mo) + " năm " + n.Number(m[2])
		if !endsWithWord(before, "tháng") {
			out = "tháng " + out
		}
		return out, true
	})
	return sub(s, reDayMon, true, func(before string, m []string) (string, bool) {
		d, mo := atoi(m[1]), atoi(m[2])
		if !validDate(d, mo) {
			return "", false
		}
		out := n.Number(m[1]) + " tháng " + n.month(mo)
		// Without "ngày", d/m is a date only after a word that leads to one
		// ("và 25/4", "đến 15/7"); elsewhere 2/3 may be a fraction.
		switch said, leads := dateContext(before); {
		case said:
			return out, true // "ngày 10/4", "lễ 30/4"
		case leads:
			return "ngày " + out, true
		}
		return "", false
	})
}

// clock reads 17h30 / 17:30: "mười bảy giờ ba mươi phút" (":00" and "h00" say no minutes).
func (n *Normalizer) clock(h, m string) (string, bool) {
	hv := atoi(h)
	if hv > 24 || (m != "" && atoi(m) > 59) {
		return "", false
	}
	out := n.Number(h) + " giờ"
	if m != "" && atoi(m) > 0 {
		out += " " + n.Number(m) + " phút"
	}
	return out, true
}

var reDash = regexp.MustCompile(`\s[-–—]+\s|\s[-–—]+$|^[-–—]+\s`)

func (n *Normalizer) stageSymbols(s string) string {
	s = reDash.ReplaceAllString(" "+s+" ", ", ")
	s = strings.NewReplacer("-", " ", "–", " ", "—", " ").Replace(s)
	return symbolWords.Replace(s)
}

// caseWord lowers a word; an all-capital word that is not a Vietnamese
// syllable (an unknown acronym such as KCT) is spelled by letter names.
func caseWord(w string) string {
	low := strings.ToLower(w)
	if utf8.RuneCountInString(w) < 2 || w == low || strings.ToUpper(w) != w {
		return low
	}
	if reSyll.MatchString(low) {
		return low
	}
	var out []string
	for _, r := range low {
		out = append(out, letterName(string(r)))
	}
	return " " + strings.Join(out, " ") + " "
}

// tidy collapses spaces and punctuation runs (", ." → ".") and puts one
// space after each mark, none before.
func tidy(s string) string {
	s = rePunct.ReplaceAllStringFunc(s, func(p string) string {
		p = strings.TrimSpace(p)
		// An ellipsis ("hộ khẩu, ...", "email,...)") trails a list: a
		// pause, not the end of the sentence.
		p = strings.ReplaceAll(strings.ReplaceAll(p, "...", ","), "…", ",")
		mark := ","
		for _, strong := range []string{".", "?", "!", ";", ":"} {
			if strings.Contains(p, strong) {
				mark = strong
				break
			}
		}
		return mark + " "
	})
	s = strings.TrimSpace(reSpace.ReplaceAllString(s, " "))
	s = strings.TrimLeft(s, ".,;:!? ")
	if strings.HasSuffix(s, ",") {
		s = strings.TrimSuffix(s, ",") + "." // a line ends in a pause, not a dangling comma
	}
	return s
}
