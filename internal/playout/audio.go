package playout

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"loa/internal/assembly"
	"loa/internal/audio"
	"loa/internal/config"
	"loa/internal/output"
	"loa/internal/schedule"
)

// Output is what the daemon needs of an output (output.Output).
type Output interface {
	Play(ctx context.Context, s audio.Stream, p *output.Progress) (output.Played, error)
}

// AudioAir renders with internal/audio and plays through internal/output.
// Outputs are opened once per spec and reused: ALSA allows one audio
// context per process.
type AudioAir struct {
	Audio config.Audio // station format and loudness policy
	// Open parses an output spec; nil: output.Parse.
	Open func(spec string) (Output, error)

	mu   sync.Mutex
	outs map[string]Output
}

// PacedSpec makes a spec with only wav:DIR sinks play in real time (as
// null+wav:DIR): a daemon is a real-time system, its log and overlap rules
// assume a programme takes its length. "null:instant+wav:DIR" stays
// unpaced.
func PacedSpec(spec string) string {
	for _, part := range strings.Split(spec, "+") {
		kind, _, _ := strings.Cut(strings.TrimSpace(part), ":")
		if kind == "alsa" || kind == "null" {
			return spec
		}
	}
	return "null+" + spec
}

func (a *AudioAir) output(spec string) (Output, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if o, ok := a.outs[spec]; ok {
		return o, nil
	}
	open := a.Open
	if open == nil {
		open = func(s string) (Output, error) { return output.Parse(s) }
	}
	o, err := open(PacedSpec(spec))
	if err != nil {
		return nil, err
	}
	if a.outs == nil {
		a.outs = map[string]Output{}
	}
	a.outs[spec] = o
	return o, nil
}

// Prepare implements Air.
func (a *AudioAir) Prepare(ctx context.Context, spec string, prog *schedule.Programme, items []assembly.Item) (Program, error) {
	out, err := a.output(spec)
	if err != nil {
		return nil, fmt.Errorf("prepare %s: %w", prog.Name, err)
	}
	// The gaps are the plan's (Item.OffsetS), rendered as silence items, so
	// what airs is what assembly planned and fitted into the slot; the
	// renderer's own uniform gap is off.
	var ai []audio.Item
	index := make([]int, len(items)) // plan item → renderer item
	for i, it := range items {
		if i > 0 {
			prev := items[i-1]
			if gap := secDur(it.OffsetS - prev.OffsetS - prev.Seconds).Round(time.Millisecond); gap > 0 {
				ai = append(ai, audio.Item{Silence: gap, Kind: "gap"})
			}
		}
		index[i] = len(ai)
		item := audio.Item{Path: it.Path, Kind: it.Kind}
		if m := it.Media; m != nil {
			// Measured once at ingest (the file is verified against its
			// approved hash before air), so the renderer need not decode it twice.
			item.Info = m
		}
		ai = append(ai, item)
	}
	opt := audio.OptionsFromConfig(a.Audio, 0)
	r, err := audio.NewRenderer(ctx, ai, opt)
	if err != nil {
		return nil, fmt.Errorf("prepare %s: %w", prog.Name, err)
	}
	return &audioProgram{out: out, r: r, rate: float64(opt.SampleRate), index: index}, nil
}

type audioProgram struct {
	out   Output
	r     *audio.Renderer
	rate  float64
	index []int // plan item i is renderer item index[i]
	prog  output.Progress

	mu     sync.Mutex
	played *output.Played
}

func (p *audioProgram) Play(ctx context.Context) error {
	pl, err := p.out.Play(ctx, p.r, &p.prog)
	p.mu.Lock()
	p.played = &pl
	p.mu.Unlock()
	return err
}

func (p *audioProgram) Snapshot() Snapshot {
	s := Snapshot{Started: p.prog.Started()}
	frames := p.prog.Frames()
	p.mu.Lock()
	if p.played != nil {
		frames, s.Started = p.played.Frames, p.played.Started
	}
	p.mu.Unlock()
	s.PlayedS = float64(frames) / p.rate
	res := p.r.Results()
	for _, i := range p.index {
		r := res[i]
		pos := ItemPos{StartS: -1, EndS: -1, Err: r.Err}
		if r.Start >= 0 {
			pos.StartS = float64(r.Start) / p.rate
		}
		if r.End >= 0 {
			pos.EndS = float64(r.End) / p.rate
		}
		s.Items = append(s.Items, pos)
	}
	return s
}

func (p *audioProgram) Close() error { return p.r.Close() }
