package tts

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"loa/internal/config"
	"loa/internal/inputerr"
)

// MaxTextBytes bounds a script's text: 100 KB is far beyond a 30-minute
// reading, so anything longer is a wrong file, not a long script.
const MaxTextBytes = 100 << 10

// CheckText validates a script's text and returns it as NFC. name says
// where it came from in the one-line input error (exit 2).
func CheckText(name string, b []byte) (string, error) {
	switch {
	case len(b) > MaxTextBytes:
		// b may be cut just past the limit (a reader bounded to it): say the
		// limit, not len(b).
		return "", inputerr.Field("text", "too_large", "%s: text is more than the %d bytes (100 KB) allowed", name, MaxTextBytes)
	case !utf8.Valid(b):
		return "", inputerr.Field("text", "invalid", "%s: text is not UTF-8 (invalid byte at offset %d); save it as UTF-8", name, firstInvalid(b))
	}
	s := norm.NFC.String(strings.TrimPrefix(string(b), "\ufeff"))
	if strings.TrimSpace(s) == "" {
		return "", inputerr.Field("text", "required", "%s: text is empty", name)
	}
	return s, nil
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// OptionsFromConfig takes the normaliser's choices from the station config.
func OptionsFromConfig(c config.TTS) Options {
	return Options{Four: c.Four, ZeroTens: c.ZeroTens, Thousand: c.Thousand, Abbreviations: c.Abbreviations}
}

// NewNormalizerFromConfig is NewNormalizer with the station's [tts] keys;
// its error names the key.
func NewNormalizerFromConfig(c config.TTS) (*Normalizer, error) {
	n, err := NewNormalizer(OptionsFromConfig(c))
	if err != nil {
		return nil, inputerr.New("config tts.%w", err)
	}
	return n, nil
}
