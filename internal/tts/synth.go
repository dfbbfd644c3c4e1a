package tts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"loa/internal/audio"
	"loa/internal/config"
	"loa/internal/inputerr"
)

// Voice is what spoke a script: recorded with it, shown in its JSON.
type Voice struct {
	Engine     string `json:"engine"`     // the engine program, e.g. "espeak-ng"
	Voice      string `json:"voice"`      // tts.voice, e.g. "vi"
	Normalizer string `json:"normalizer"` // NormalizerVersion
}

// Result describes one synthesis.
type Result struct {
	Voice      Voice
	Sentences  int
	SampleRate int
	Channels   int
	Duration   time.Duration
}

// Synthesizer speaks text through the configured engine command. It is
// safe for concurrent use.
type Synthesizer struct {
	norm  *Normalizer
	argv  []string
	voice string
	pause time.Duration
	jobs  int
}

// debianPackages names the package that provides an engine, for the error
// a station without it sees.
var debianPackages = map[string]string{"espeak-ng": "espeak-ng", "espeak": "espeak", "festival": "festival"}

// NewSynthesizer builds the normaliser and the engine command from the
// station's [tts] keys. A missing engine is an input error (exit 2) naming
// the command and the Debian package that provides it.
func NewSynthesizer(c config.TTS) (*Synthesizer, error) {
	n, err := NewNormalizerFromConfig(c)
	if err != nil {
		return nil, err
	}
	r := strings.NewReplacer("{voice}", c.Voice, "{rate}", strconv.Itoa(c.Rate), "{pitch}", strconv.Itoa(c.Pitch))
	argv := strings.Fields(c.Command)
	for i := range argv {
		argv[i] = r.Replace(argv[i])
	}
	if len(argv) == 0 {
		return nil, inputerr.New("config tts.command: must not be empty")
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		pkg, ok := debianPackages[filepath.Base(argv[0])]
		if !ok {
			return nil, inputerr.New("tts.command: engine %q not found: install it or set tts.command in loa.toml", argv[0])
		}
		return nil, inputerr.New("tts.command: engine %q not found: install the Debian package %s (apt-get install %s)", argv[0], pkg, pkg)
	}
	// Sentences are independent processes: two at a time keep a 2-core
	// station PC responsive while halving the wait.
	jobs := min(runtime.GOMAXPROCS(0), 4)
	return &Synthesizer{norm: n, argv: argv, voice: c.Voice, pause: c.Pause.D(), jobs: jobs}, nil
}

// Normalizer is the synthesizer's normaliser.
func (s *Synthesizer) Normalizer() *Normalizer { return s.norm }

// Voice says what this synthesizer speaks with.
func (s *Synthesizer) Voice() Voice {
	return Voice{Engine: filepath.Base(s.argv[0]), Voice: s.voice, Normalizer: NormalizerVersion}
}

// SpeakFile speaks text (raw script text, normalised here) into a new
// unnamed temporary file and returns it positioned at its start: a WAV
// reader that needs no clean-up beyond Close. This is the function the
// console and the command line call.
func (s *Synthesizer) SpeakFile(ctx context.Context, text string) (*os.File, Result, error) {
	f, err := os.CreateTemp("", "loa-tts-*.wav")
	if err != nil {
		return nil, Result{}, fmt.Errorf("tts: temporary file: %w", err)
	}
	os.Remove(f.Name()) // unnamed: the open file is all there is
	res, err := s.Speak(ctx, text, f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, Result{}, err
	}
	return f, res, nil
}

// Speak normalises text, speaks it sentence by sentence with the engine and
// writes one 16-bit WAV to w, the sentences joined by the configured pause.
// A sentence the engine fails on (or takes too long over) ends the
// synthesis with an error quoting that sentence.
func (s *Synthesizer) Speak(ctx context.Context, text string, w io.WriteSeeker) (Result, error) {
	sentences := Sentences(s.norm.Normalize(text))
	res := Result{Voice: s.Voice(), Sentences: len(sentences)}
	if len(sentences) == 0 {
		return res, inputerr.New("tts: the text has nothing to read aloud")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type done struct {
		pcm    pcm16
		err    error
		filled chan struct{}
	}
	results := make([]done, len(sentences))
	for i := range results {
		results[i].filled = make(chan struct{})
	}
	sem := make(chan struct{}, s.jobs)
	go func() {
		for i, sent := range sentences {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for j := i; j < len(sentences); j++ {
					results[j].err = ctx.Err()
					close(results[j].filled)
				}
				return
			}
			go func() {
				defer func() { <-sem }()
				results[i].pcm, results[i].err = s.sentence(ctx, sent)
				close(results[i].filled)
			}()
		}
	}()

	var ww *audio.WAVWriter
	var silence []byte
	for i := range results {
		<-results[i].filled
		r := results[i]
		if r.err != nil {
			if ctx.Err() != nil && !errors.Is(r.err, ctx.Err()) {
				return res, ctx.Err()
			}
			return res, fmt.Errorf("tts: sentence %d of %d: %w: %q", i+1, len(sentences), r.err, sentences[i])
		}
		if ww == nil {
			var err error
			if ww, err = audio.NewWAVWriter(w, r.pcm.rate, r.pcm.channels); err != nil {
				return res, err
			}
			res.SampleRate, res.Channels = r.pcm.rate, r.pcm.channels
			frames := int(s.pause.Seconds() * float64(r.pcm.rate))
			silence = make([]byte, frames*r.pcm.channels*2)
		} else if r.pcm.rate != res.SampleRate || r.pcm.channels != res.Channels {
			return res, fmt.Errorf("tts: sentence %d: the engine changed format (%d Hz %d ch, was %d Hz %d ch): %q",
				i+1, r.pcm.rate, r.pcm.channels, res.SampleRate, res.Channels, sentences[i])
		}
		if i > 0 {
			if err := ww.WritePCM(silence); err != nil {
				return res, err
			}
		}
		if err := ww.WritePCM(r.pcm.data); err != nil {
			return res, err
		}
		results[i].pcm = pcm16{} // let the sentence's audio go
	}
	if err := ww.Flush(); err != nil {
		return res, err
	}
	res.Duration = time.Duration(float64(ww.Frames()) / float64(res.SampleRate) * float64(time.Second))
	return res, nil
}

// sentenceTimeout bounds one engine run: generous for the engine (espeak-ng
// speaks a sentence in milliseconds), short enough that a hung engine is
// reported instead of freezing the add.
func sentenceTimeout(sentence string) time.Duration {
	return 20*time.Second + time.Duration(utf8.RuneCountInString(sentence))*50*time.Millisecond
}

func (s *Synthesizer) sentence(ctx context.Context, text string) (pcm16, error) {
	ctx, cancel := context.WithTimeout(ctx, sentenceTimeout(text))
	defer cancel()
	cmd := exec.CommandContext(ctx, s.argv[0], s.argv[1:]...)
	cmd.Stdin = strings.NewReader(text + "\n")
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &limitedBuffer{max: 2048, buf: &errb}
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return pcm16{}, fmt.Errorf("%s took longer than %s", filepath.Base(s.argv[0]), sentenceTimeout(text))
	}
	if err != nil {
		msg := strings.TrimSpace(errb.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg != "" {
			return pcm16{}, fmt.Errorf("%s: %v: %s", filepath.Base(s.argv[0]), err, msg)
		}
		return pcm16{}, fmt.Errorf("%s: %w", filepath.Base(s.argv[0]), err)
	}
	p, err := parseWAV(out.Bytes())
	if err != nil {
		return pcm16{}, fmt.Errorf("%s output: %w", filepath.Base(s.argv[0]), err)
	}
	return p, nil
}

type limitedBuffer struct {
	max int
	buf *bytes.Buffer
}

func (l *limitedBuffer) Write(b []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(b[:min(room, len(b))])
	}
	return len(b), nil
}

// pcm16 is one sentence's audio as 16-bit little-endian PCM.
type pcm16 struct {
	rate, channels int
	data           []byte
}

// parseWAV reads the 16-bit PCM WAV an engine writes to a pipe. Engines
// writing to a pipe cannot seek back to patch the sizes (espeak-ng leaves
// 0x7ffff000), so the data chunk runs to the end of the output.
func parseWAV(b []byte) (pcm16, error) {
	f, data, err := audio.WAVSamples(b)
	if err != nil {
		return pcm16{}, err
	}
	if f.Float || f.Bits != 16 || f.SampleRate < 8000 || f.SampleRate > 192000 {
		return pcm16{}, fmt.Errorf("want 16-bit PCM, got %d bits (float %t), %d Hz", f.Bits, f.Float, f.SampleRate)
	}
	return pcm16{rate: f.SampleRate, channels: f.Channels, data: data}, nil
}

// maxSentenceRunes bounds what one engine run gets: a sentence longer than
// this is cut at commas, then at spaces.
const maxSentenceRunes = 300

// Sentences splits normalised text where a reader stops: lines, and after
// . ! ? ; : — each piece keeps its mark (the engine's intonation).
func Sentences(text string) []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if strings.Trim(s, ".,;:!? ") == "" {
			return
		}
		for utf8.RuneCountInString(s) > maxSentenceRunes {
			cut := cutPoint(s)
			out = append(out, strings.TrimSpace(s[:cut]))
			s = strings.TrimSpace(s[cut:])
		}
		if s != "" {
			out = append(out, s)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		start := 0
		for i, r := range line {
			if strings.ContainsRune(".!?;:", r) && (i+1 == len(line) || line[i+1] == ' ') {
				add(line[start : i+1])
				start = i + 1
			}
		}
		add(line[start:])
	}
	return out
}

// cutPoint finds where to cut a too-long sentence: after the last comma
// within the limit, else the last space, else at the limit.
func cutPoint(s string) int {
	limit, n := 0, 0
	for i := range s {
		if n == maxSentenceRunes {
			limit = i
			break
		}
		n++
	}
	if limit == 0 {
		return len(s)
	}
	if i := strings.LastIndex(s[:limit], ", "); i > limit/3 {
		return i + 1
	}
	if i := strings.LastIndexByte(s[:limit], ' '); i > 0 {
		return i
	}
	return limit
}
