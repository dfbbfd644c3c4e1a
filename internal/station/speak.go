package station

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"loa/internal/inputerr"
	"loa/internal/queue"
	"loa/internal/tts"
	"loa/internal/users"
)

// Synthesizer is the station's text-to-speech engine ([tts] in loa.toml).
// A missing engine is an input error naming it and its Debian package.
func (s *Station) Synthesizer() (*tts.Synthesizer, error) {
	return tts.NewSynthesizer(s.Config.TTS)
}

// Speak turns text into speech with the station's engine: a WAV file,
// unnamed and open at its start, and what spoke it. The console's "Đọc từ
// văn bản" and 'loa tts say' use it.
func (s *Station) Speak(ctx context.Context, a Actor, text string) (*os.File, tts.Result, error) {
	if err := a.can(users.EditScripts, "speak text"); err != nil {
		return nil, tts.Result{}, err
	}
	syn, err := s.Synthesizer()
	if err != nil {
		return nil, tts.Result{}, err
	}
	return syn.SpeakFile(ctx, text)
}

// SpeakFields makes f's audio from f's text: the text is read and checked
// (empty, over 100 KB, not UTF-8: one-line input errors naming it), spoken,
// and f.Audio, f.Voice set, f.Text replaced by the same bytes. Call done
// once the fields are used (it closes the speech file).
func (s *Station) SpeakFields(ctx context.Context, a Actor, f *queue.Fields) (done func(), err error) {
	if f.Text == nil {
		return nil, fmt.Errorf("speak: no text to speak") // callers check first
	}
	b, err := io.ReadAll(io.LimitReader(f.Text.R, tts.MaxTextBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read text %s: %w", f.Text.Name, err)
	}
	text, err := tts.CheckText(f.Text.Name, b)
	if err != nil {
		return nil, err
	}
	wav, res, err := s.Speak(ctx, a, text)
	if err != nil {
		return nil, err
	}
	st, err := wav.Stat()
	if err != nil {
		wav.Close()
		return nil, fmt.Errorf("speak: %w", err)
	}
	f.Text = &queue.Upload{Name: f.Text.Name, R: bytes.NewReader(b), Size: int64(len(b))}
	f.Audio = &queue.Upload{Name: fmt.Sprintf("%s (đọc bằng %s, giọng %s)", f.Text.Name, res.Voice.Engine, res.Voice.Voice),
		R: wav, Size: st.Size()}
	f.Voice = &res.Voice
	return func() { wav.Close() }, nil
}

// AddSpokenScript queues a script whose audio is its text spoken by the
// station's engine (loa script add --tts): stored, measured and processed
// like any recording, with the voice recorded.
func (s *Station) AddSpokenScript(ctx context.Context, a Actor, f queue.Fields) (queue.Script, []queue.Warning, error) {
	if err := a.can(users.EditScripts, "add script"); err != nil {
		return queue.Script{}, nil, err
	}
	if f.Audio != nil {
		return queue.Script{}, nil, inputerr.Field("audio", "invalid", "give the text to speak or a recording, not both")
	}
	if f.Text == nil {
		return queue.Script{}, nil, inputerr.Field("text", "required", "a script read by the computer needs its text (--text FILE)")
	}
	done, err := s.SpeakFields(ctx, a, &f)
	if err != nil {
		return queue.Script{}, nil, err
	}
	defer done()
	return s.AddScript(ctx, a, f)
}
