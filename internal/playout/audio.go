package playout

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/audio"
	"loa/internal/config"
	"loa/internal/output"
	"loa/internal/queue"
	"loa/internal/schedule"
)

// Output is what the daemon needs of an output (output.Output).
type Output interface {
	Play(ctx context.Context, s audio.Stream, p *output.Progress) (output.Played, error)
}

// AirChecker says, at the instant of air, whether a script planned with
// audio sha may still go out (*queue.Queue).
type AirChecker interface {
	AirCheck(ctx context.Context, id int64, sha string, at time.Time) (queue.Verdict, error)
}

// verdictReason is the airlog reason code for a queue verdict.
func verdictReason(v queue.Verdict) string {
	switch v {
	case queue.Airable:
		return ""
	case queue.Withdrawn:
		return airlog.ReasonWithdrawn
	case queue.Revoked:
		return airlog.ReasonRevoked
	case queue.Expired:
		return airlog.ReasonExpired
	}
	return fmt.Sprintf("verdict %d", v)
}

// SkipError is an item refused at the instant of air: nothing of it went
// out. Reason is an airlog reason code.
type SkipError struct {
	Reason string
	Detail string
}

func (e *SkipError) Error() string {
	if e.Detail == "" {
		return "not aired: " + e.Reason
	}
	return "not aired: " + e.Reason + ": " + e.Detail
}

// AudioAir renders with internal/audio and plays through internal/output.
// Outputs are opened once per spec and reused: ALSA allows one audio
// context per process.
type AudioAir struct {
	Audio config.Audio // station format and loudness policy
	// Open parses an output spec; nil: output.Parse.
	Open func(spec string) (Output, error)
	// Check is asked at each script's boundary (nil: only the stored file
	// is checked against its approved hash).
	Check AirChecker

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

// CheckOutput opens the output of spec now, in the station format
// (output.Check): the daemon does it for every configured output at start,
// and again every 30 s for an output that failed.
func (a *AudioAir) CheckOutput(spec string) error {
	o, err := a.output(spec)
	if err != nil {
		return err
	}
	oo, ok := o.(output.Output)
	if !ok {
		return nil
	}
	opt := audio.OptionsFromConfig(a.Audio, 0)
	return output.Check(oo, opt.SampleRate, opt.Channels)
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
	var prev *airGuard
	for i, it := range items {
		if i > 0 {
			p := items[i-1]
			if gap := secDur(it.OffsetS - p.OffsetS - p.Seconds).Round(time.Millisecond); gap > 0 {
				g := audio.Item{Silence: gap, Kind: "gap"}
				if prev != nil {
					g.Gate = prev.gapGate // no gap after an item that did not air
				}
				ai = append(ai, g)
			}
		}
		index[i] = len(ai)
		item := audio.Item{Path: it.Path, Kind: it.Kind}
		if m := it.Media; m != nil {
			// Measured once at ingest (the file is verified against its
			// approved hash before air), so the renderer need not decode it twice.
			item.Info = m
		}
		prev = nil
		if it.ScriptID != 0 && it.SHA256 != "" {
			prev = &airGuard{ctx: context.WithoutCancel(ctx), check: a.Check, id: it.ScriptID, sha: it.SHA256, path: it.Path}
			item.Open, item.Gate = prev.open, prev.gate
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
	out  Output
	r    *audio.Renderer
	rate float64
	prog output.Progress

	mu     sync.Mutex
	index  []int // plan item i is renderer item index[i]
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
	p.mu.Lock()
	index := p.index
	p.mu.Unlock()
	for _, i := range index {
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

// Insert implements Inserter: items (announcements, with the silence before
// each in gaps) go on air next; their plan indices continue the run's.
func (p *audioProgram) Insert(ctx context.Context, items []assembly.Item, gaps []time.Duration, o InsertOptions) ([]int, error) {
	var ai []audio.Item
	var planAt []int // position in ai of each plan item
	for i, it := range items {
		if gaps[i] > 0 {
			ai = append(ai, audio.Item{Silence: gaps[i], Kind: "gap"})
		}
		planAt = append(planAt, len(ai))
		item := audio.Item{Path: it.Path, Kind: it.Kind, Info: it.Media}
		if it.SHA256 != "" {
			// The order is the approval: only the file is checked.
			g := &airGuard{ctx: context.WithoutCancel(ctx), sha: it.SHA256, path: it.Path, id: it.ScriptID}
			item.Open, item.Gate = g.open, g.gate
		}
		ai = append(ai, item)
	}
	ao := audio.InsertOptions{Cut: o.Cut, Fade: o.Fade, CutErr: o.CutErr, StopAfter: o.StopAfter}
	if o.After >= 0 {
		p.mu.Lock()
		if o.After < len(p.index) {
			ao.Follow = p.index[o.After] + 1
		}
		p.mu.Unlock()
	}
	idx, err := p.r.Insert(ctx, ai, ao)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var plan []int
	for _, k := range planAt {
		plan = append(plan, len(p.index))
		p.index = append(p.index, idx[k])
	}
	return plan, nil
}

// airGuard checks one script item: its file is hashed as it is opened (the
// decoder then reads that same open file, so a file replaced afterwards
// cannot slip in), and at its boundary the queue is asked again and the
// open file must not have changed since it was hashed.
type airGuard struct {
	ctx   context.Context
	check AirChecker
	id    int64
	sha   string
	path  string

	mu      sync.Mutex
	f       *os.File
	size    int64
	mtime   time.Time
	refused bool
}

func (g *airGuard) refuse(err error) error {
	g.mu.Lock()
	g.refused = true
	g.mu.Unlock()
	return err
}

func (g *airGuard) open() (io.ReadSeekCloser, error) {
	f, err := os.Open(g.path)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		f.Close()
		return nil, fmt.Errorf("hash %s: %w", g.path, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != g.sha {
		f.Close()
		return nil, g.refuse(&SkipError{Reason: airlog.ReasonAltered, Detail: fmt.Sprintf("script %d: stored file hashes to %.12s, approved %.12s", g.id, sum, g.sha)})
	}
	fi, err := f.Stat()
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", g.path, err)
	}
	g.mu.Lock()
	g.f, g.size, g.mtime = f, fi.Size(), fi.ModTime()
	g.mu.Unlock()
	return f, nil
}

// gate runs at the item's boundary.
func (g *airGuard) gate() error {
	if g.check != nil {
		ctx, cancel := context.WithTimeout(g.ctx, 5*time.Second)
		v, err := g.check.AirCheck(ctx, g.id, g.sha, time.Now())
		cancel()
		reason := verdictReason(v)
		if err != nil {
			// Unknown is not approved.
			return g.refuse(fmt.Errorf("check script %d before air: %w", g.id, err))
		}
		if reason != "" {
			return g.refuse(&SkipError{Reason: reason, Detail: fmt.Sprintf("script %d", g.id)})
		}
	}
	g.mu.Lock()
	f, size, mtime := g.f, g.size, g.mtime
	g.mu.Unlock()
	if f != nil {
		// Written in place since it was hashed (the store's files are
		// read-only; a replacement by rename does not reach the open file).
		// Already closed: the decoder has read all of it, as hashed.
		fi, err := f.Stat()
		if errors.Is(err, os.ErrClosed) {
			return nil
		}
		if err != nil || fi.Size() != size || !fi.ModTime().Equal(mtime) {
			return g.refuse(&SkipError{Reason: airlog.ReasonAltered, Detail: fmt.Sprintf("script %d: stored file changed after it was verified", g.id)})
		}
	}
	return nil
}

// gapGate drops the gap after an item that did not air.
func (g *airGuard) gapGate() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.refused {
		return errNoGap
	}
	return nil
}

var errNoGap = errors.New("gap after an item that did not air")
