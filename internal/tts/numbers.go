package tts

import "strings"

var digitWords = [10]string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// maxNumberDigits bounds the integers read as quantities: beyond it (a
// serial, a code, a pasted digit string) the digits are read one by one, so
// the reading stays linear in the input and a listener can follow it.
const maxNumberDigits = 15

// Number reads the non-negative integer written in digits (no separators)
// the Vietnamese way. Leading zeros are ignored; "0" is "không". Longer
// than maxNumberDigits, it reads the digits one by one.
func (n *Normalizer) Number(digits string) string {
	if len(digits) > maxNumberDigits || strings.Trim(digits, "0123456789") != "" {
		return n.Digits(digits)
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return digitWords[0]
	}
	// Groups of three from the right: units, nghìn, triệu, tỷ, then
	// nghìn tỷ, triệu tỷ (the scale repeats after tỷ).
	var groups []string
	for len(digits) > 3 {
		groups = append([]string{digits[len(digits)-3:]}, groups...)
		digits = digits[:len(digits)-3]
	}
	groups = append([]string{digits}, groups...)
	var words []string
	started := false
	for i, g := range groups {
		pos := len(groups) - 1 - i // 0 units, 1 nghìn, 2 triệu, 3 tỷ, 4 nghìn tỷ, 5 triệu tỷ
		v := atoi(g)
		if v == 0 {
			// A zero group is silent, except that "tỷ" must still be said
			// when the groups above it were not zero (1.000.000.000.000 is
			// "một nghìn tỷ", the tỷ carried by the nghìn tỷ position).
			if pos == 3 && started && !strings.HasSuffix(strings.Join(words, " "), n.scale(3)) {
				words = append(words, n.scale(3))
			}
			continue
		}
		if pos == 0 && v >= 100 && started && atoi(groups[i-1]) == 0 {
			// "một triệu năm trăm" is heard as 1.500.000: say the empty
			// thousands (1.000.500 → một triệu không nghìn năm trăm).
			words = append(words, digitWords[0], n.scale(1))
		}
		words = append(words, n.triple(v, started))
		if pos > 0 {
			words = append(words, n.scale(pos))
		}
		started = true
	}
	return strings.Join(words, " ")
}

func (n *Normalizer) scale(pos int) string {
	switch pos {
	case 1, 4:
		return n.opts.Thousand
	case 2, 5:
		return "triệu"
	case 3:
		return "tỷ"
	}
	return ""
}

// triple reads 1..999. full is set when higher groups were read: the
// hundreds are then said even when zero (1.005 → một nghìn không trăm linh năm).
func (n *Normalizer) triple(v int, full bool) string {
	h, t, u := v/100, v/10%10, v%10
	var w []string
	if h > 0 || full {
		w = append(w, digitWords[h], "trăm")
	}
	switch {
	case t == 0 && u == 0:
	case t == 0:
		if h > 0 || full {
			w = append(w, n.opts.ZeroTens)
		}
		w = append(w, digitWords[u])
	case t == 1:
		w = append(w, "mười")
		if u == 5 {
			w = append(w, "lăm")
		} else if u > 0 {
			w = append(w, digitWords[u])
		}
	default:
		w = append(w, digitWords[t], "mươi")
		switch u {
		case 0:
		case 1:
			w = append(w, "mốt")
		case 4:
			w = append(w, n.opts.Four)
		case 5:
			w = append(w, "lăm")
		default:
			w = append(w, digitWords[u])
		}
	}
	return strings.Join(w, " ")
}

// Digits reads a digit string one digit at a time.
func (n *Normalizer) Digits(s string) string {
	w := make([]string, 0, len(s))
	for _, c := range s {
		if c >= '0' && c <= '9' {
			w = append(w, digitWords[c-'0'])
		}
	}
	return strings.Join(w, " ")
}

// decimal reads a number as written in Vietnamese text: "." separates
// thousands when every group after the first has three digits, "," is the
// decimal comma. Other dotted forms (1.2, a heading's 2.1.3) are read
// part by part with "chấm".
func (n *Normalizer) decimal(s string) string {
	intPart, frac, hasFrac := strings.Cut(s, ",")
	if strings.Contains(frac, ",") {
		return n.joinParts(strings.Split(s, ","), "phẩy")
	}
	var out string
	if strings.Contains(intPart, ".") {
		if thousandsGrouped(intPart) {
			out = n.Number(strings.ReplaceAll(intPart, ".", ""))
		} else {
			out = n.joinParts(strings.Split(intPart, "."), "chấm")
		}
	} else if len(intPart) > 3 && intPart[0] == '0' {
		out = n.Digits(intPart) // 0001234: a code, not a quantity ("06 nội dung" stays sáu)
	} else {
		out = n.Number(intPart)
	}
	if hasFrac {
		out += " phẩy " + n.fraction(frac)
	}
	return out
}

// fraction reads the digits after a decimal comma: leading zeros one by
// one, the rest as a number (2,05 → hai phẩy không năm; 12,75 → … bảy mươi lăm).
func (n *Normalizer) fraction(s string) string {
	if s == "" {
		return digitWords[0]
	}
	var w []string
	for len(s) > 1 && s[0] == '0' {
		w = append(w, digitWords[0])
		s = s[1:]
	}
	if len(s) > 3 {
		w = append(w, n.Digits(s))
	} else {
		w = append(w, n.Number(s))
	}
	return strings.Join(w, " ")
}

func (n *Normalizer) joinParts(parts []string, sep string) string {
	w := make([]string, 0, len(parts))
	for _, p := range parts {
		switch {
		case p == "":
		case sep == "phẩy" && strings.Contains(p, "."):
			w = append(w, n.joinParts(strings.Split(p, "."), "chấm"))
		default:
			w = append(w, n.Number(p))
		}
	}
	return strings.Join(w, " "+sep+" ")
}

func thousandsGrouped(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

// atoi converts a short all-digit string (callers bound its length).
func atoi(s string) int {
	v := 0
	for _, c := range s {
		v = v*10 + int(c-'0')
	}
	return v
}

// ordinal reads the number after "thứ": thứ nhất, thứ tư, else the number.
func (n *Normalizer) ordinal(digits string) string {
	switch strings.TrimLeft(digits, "0") {
	case "1":
		return "nhất"
	case "4":
		return "tư"
	}
	return n.Number(digits)
}

// roman converts I..XXXIX style numerals; ok is false for anything else.
func roman(s string) (int, bool) {
	vals := map[byte]int{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100}
	total := 0
	for i := 0; i < len(s); i++ {
		v, ok := vals[s[i]]
		if !ok {
			return 0, false
		}
		if i+1 < len(s) && vals[s[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	if total <= 0 || total > 100 || toRoman(total) != s {
		return 0, false
	}
	return total, true
}

func toRoman(v int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for v >= p.v {
			b.WriteString(p.s)
			v -= p.v
		}
	}
	return b.String()
}
