package tts

import (
	"os"
	"strings"
	"testing"
)

func newTestNormalizer(t testing.TB, opts Options) *Normalizer {
	t.Helper()
	n, err := NewNormalizer(opts)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGoldenSentences reads testdata/sentences.txt: sentences of the kind
// in a commune's CCHC plan, one-stop notices, online public services and
// new rural development, each with its reading written by hand.
func TestGoldenSentences(t *testing.T) {
	b, err := os.ReadFile("testdata/sentences.txt")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	n := newTestNormalizer(t, DefaultOptions())
	count := 0
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			continue
		}
		if i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) == "" {
			t.Fatalf("sentence %q has no expected reading on the next line", lines[i])
		}
		in, want := lines[i], lines[i+1]
		i++
		count++
		if got := n.Normalize(in); got != want {
			t.Errorf("\n  text: %s\n  got:  %s\n  want: %s", in, got, want)
		}
	}
	if count < 200 {
		t.Errorf("only %d golden sentences; the issue asks for at least 200", count)
	}
	t.Logf("%d golden sentences", count)
}
