package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"loa/internal/fsutil"
	"loa/internal/inputerr"
	"loa/internal/report"
	"loa/internal/tts"
)

const ttsUsage = `Usage: loa tts <subcommand> [flags]

Subcommands:
  normalize  print the spoken form of a text: [--text-file F | TEXT]
  say        synthesise a text into a WAV file: --text-file F --out x.wav

Run 'loa tts <subcommand> --help' for its flags.
`

func (e *Env) runTTS(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(e.Stderr, ttsUsage)
		if len(args) == 0 {
			return inputerr.New("tts: subcommand required")
		}
		return nil
	}
	switch args[0] {
	case "normalize":
		return e.ttsNormalize(ctx, args[1:])
	case "say":
		return e.ttsSay(ctx, args[1:])
	}
	return inputerr.New("tts: unknown subcommand %q (see 'loa tts --help')", args[0])
}

// ttsText reads the text from --text-file or the positional arguments.
func ttsText(what, file string, pos []string) (string, error) {
	switch {
	case file != "" && len(pos) > 0:
		return "", inputerr.New("%s: give --text-file or TEXT, not both", what)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", inputerr.New("%s: --text-file: %v", what, err)
		}
		return tts.CheckText(file, b)
	case len(pos) > 0:
		return tts.CheckText("TEXT", []byte(strings.Join(pos, " ")))
	}
	return "", inputerr.New("%s: give --text-file F or the TEXT", what)
}

func (e *Env) ttsNormalize(_ context.Context, args []string) error {
	fs := e.newFlagSet("tts normalize", "loa tts normalize [--text-file F | TEXT]")
	file := fs.String("text-file", "", "read the text from FILE (UTF-8)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	text, err := ttsText("tts normalize", *file, pos)
	if err != nil {
		return err
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	n, err := tts.NewNormalizerFromConfig(cfg.TTS)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, n.Normalize(text))
	return nil
}

func (e *Env) ttsSay(ctx context.Context, args []string) error {
	fs := e.newFlagSet("tts say", "loa tts say [--text-file F | TEXT] --out x.wav")
	file := fs.String("text-file", "", "read the text from FILE (UTF-8)")
	out := fs.String("out", "", "write the speech to this WAV file")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return inputerr.New("tts say: --out FILE.wav is required")
	}
	text, err := ttsText("tts say", *file, pos)
	if err != nil {
		return err
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	syn, err := tts.NewSynthesizer(cfg.TTS)
	if err != nil {
		return err
	}
	wav, res, err := syn.SpeakFile(ctx, text)
	if err != nil {
		return err
	}
	defer wav.Close()
	if err := fsutil.WriteFile(*out, 0o644, func(w io.Writer) error {
		_, err := io.Copy(w, wav)
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Đã đọc %d câu thành %s: %s, giọng %s (%s), %s.\n", res.Sentences, *out,
		report.Clock(res.Duration.Seconds()), res.Voice.Voice, res.Voice.Engine, res.Voice.Normalizer)
	return nil
}
