package tts

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// fiveMinuteText is golden sentences (the seed plan's kind of text) until
// the reading lasts about five minutes at the default rate: some 970 words.
func fiveMinuteText(t testing.TB) string {
	b, err := os.ReadFile("testdata/sentences.txt")
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	words := 0
	lines := strings.Split(string(b), "\n")
	for i := 0; i+1 < len(lines) && words < 970; i++ {
		if lines[i] == "" || strings.HasPrefix(lines[i], "#") {
			continue
		}
		text = append(text, lines[i])
		words += len(strings.Fields(lines[i+1])) // the spoken words
		i++
	}
	return strings.Join(text, "\n")
}

// BenchmarkSpeakFiveMinutes measures synthesis speed on a five-minute text:
// x_realtime is seconds of audio per second of wall time (the issue asks
// for at least 20).
func BenchmarkSpeakFiveMinutes(b *testing.B) {
	needEspeak(b)
	s := newSynth(b, nil)
	text := fiveMinuteText(b)
	var audioS, wallS float64
	for b.Loop() {
		start := time.Now()
		res, err := s.Speak(context.Background(), text, discardSeeker{})
		if err != nil {
			b.Fatal(err)
		}
		wallS += time.Since(start).Seconds()
		audioS += res.Duration.Seconds()
	}
	b.ReportMetric(audioS/float64(b.N), "audio_s/op")
	b.ReportMetric(audioS/wallS, "x_realtime")
}

type discardSeeker struct{}

func (discardSeeker) Write(p []byte) (int, error)    { return len(p), nil }
func (discardSeeker) Seek(int64, int) (int64, error) { return 0, nil }
func (discardSeeker) Read([]byte) (int, error)       { return 0, io.EOF }
