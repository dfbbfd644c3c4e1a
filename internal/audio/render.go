package audio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Stream is interleaved float32 audio in a fixed format, read by outputs.
type Stream interface {
	SampleRate() int
	Channels() int
	// Read fills dst with whole frames and returns the number of samples;
	// io.EOF at the end.
	Read(dst []float32) (int, error)
}

// Item is one element of a programme, in air order.
type Item struct {
	Path    string        // audio file (MP3 or WAV)
	Silence time.Duration // > 0 and Path == "": an item of digital silence
	Kind    string        // free label carried to the results ("jingle", "script", ...)
	// Info as measured at ingest (Analyze); nil: NewRenderer measures it.
	Info *Info
	// Open, if set, opens the audio instead of os.Open(Path).
	Open func() (io.ReadSeekCloser, error)
	// Gate, if set, is called at the item's boundary, just before its
	// first frame is rendered (not when it is prefetched): an error ends
	// the item there with nothing of it in the output and that error in its
	// result, and the programme goes on with the next item.
	Gate func() error
}

// ItemResult is what became of an item in the output.
type ItemResult struct {
	Index      int
	Path       string
	Kind       string
	Start      int64   // first output frame of the item's audio; -1 not started
	End        int64   // frame after its last; -1 while rendering
	GainDB     float64 // item gain in all (Level.GainDB + Level.MakeupDB)
	SourceLUFS float64 // integrated loudness of the source
	Level      Level   // how the item was levelled (file items)
	Err        error   // why the item ended early or produced nothing
}

// Frames is the item's length in the output.
func (r ItemResult) Frames() int64 {
	if r.Start < 0 || r.End < 0 {
		return 0
	}
	return r.End - r.Start
}

// Renderer renders items into one continuous Stream in the station format.
type Renderer struct {
	opt   Options
	items []Item
	lim   *limiter

	mu      sync.Mutex
	results []ItemResult
	pending []insertion // Insert's orders, applied by the Read goroutine
	ended   bool        // the stream has ended: nothing more can be inserted

	rendered   atomic.Int64 // frames returned by Read
	current    atomic.Int64 // item being assembled, len(items) at the end
	hasPending atomic.Bool

	// assembly state (Read goroutine only)
	order    []int // play order of item indices (Insert changes it)
	at       int   // position in order of the item being assembled
	cur      int   // order[at]
	fadeLeft int64 // > 0: the item on air is being cut, frames of fade left
	fadeN    int64
	cutErr   error
	ir       *chain
	fetchMu  sync.Mutex
	fetch    map[int]*prefetch // started decoders, by item index
	gapLeft  int64
	pos      int64
	anyAudio bool
}

// NewRenderer prepares a programme. Items without Info are measured now
// (a full decode each); an item that cannot be measured is not fatal: it is
// skipped at play time with its error in the results. Only ctx cancellation
// and invalid options fail. The first item starts decoding in the
// background at once: Close the renderer even if it is never read.
func NewRenderer(ctx context.Context, items []Item, opt Options) (*Renderer, error) {
	if opt.SampleRate < 8000 || opt.SampleRate > 192000 {
		return nil, fmt.Errorf("render: sample rate %d", opt.SampleRate)
	}
	if opt.Channels != 1 && opt.Channels != 2 {
		return nil, fmt.Errorf("render: %d channels", opt.Channels)
	}
	if opt.ResampleQuality < 1 || opt.ResampleQuality > 64 {
		opt.ResampleQuality = 4
	}
	r := &Renderer{opt: opt, items: append([]Item(nil), items...)}
	r.results = make([]ItemResult, len(items))
	r.order = make([]int, len(items))
	for i := range r.order {
		r.order[i] = i
	}
	for i := range r.items {
		it := &r.items[i]
		r.results[i] = ItemResult{Index: i, Path: it.Path, Kind: it.Kind, Start: -1, End: -1}
		if err := r.prepare(ctx, it, &r.results[i]); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			r.results[i].Err = err
		}
	}
	r.lim = newLimiter(r.assemble, opt.SampleRate, opt.Channels, opt.CeilingDBTP)
	// Start decoding the first item now, so the first sample is ready the
	// moment the output asks (the daemon prepares ahead of air time).
	r.prefetchItem(0)
	return r, nil
}

// prepare measures and levels an item (unless ingest did, under the same
// settings) and sets its gain in res.
func (r *Renderer) prepare(ctx context.Context, it *Item, res *ItemResult) error {
	if it.Path == "" && it.Open == nil {
		return nil
	}
	if it.Info == nil {
		info, err := r.measure(ctx, it)
		if err != nil {
			return err
		}
		it.Info = &info
	}
	res.SourceLUFS = it.Info.IntegratedLUFS
	lv := it.Info.Level
	if lv == nil || lv.Key != levelKey(r.opt) {
		// Not levelled at ingest, or under other settings: run the
		// chain over the item now (a few extra decodes).
		l, err := level(ctx, func() (io.ReadSeekCloser, error) { return r.open(it) }, it.Path, *it.Info, r.opt)
		if err != nil {
			return err
		}
		info := *it.Info
		info.Level = &l
		it.Info, lv = &info, &l
	}
	res.GainDB = lv.GainDB + lv.MakeupDB
	res.Level = *lv
	return nil
}

func (r *Renderer) open(it *Item) (io.ReadSeekCloser, error) {
	if it.Open != nil {
		return it.Open()
	}
	return os.Open(it.Path)
}

func (r *Renderer) measure(ctx context.Context, it *Item) (Info, error) {
	f, err := r.open(it)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	info, err := analyze(ctx, f)
	if errors.Is(err, ErrCorrupt) && info.Frames > 0 {
		// Play up to the damage; the error is reported when it is reached.
		return info, nil
	}
	if err != nil {
		return Info{}, fmt.Errorf("measure %s: %w", it.Path, err)
	}
	return info, nil
}

func (r *Renderer) SampleRate() int { return r.opt.SampleRate }
func (r *Renderer) Channels() int   { return r.opt.Channels }

// Read returns the next output samples (limited, final).
func (r *Renderer) Read(dst []float32) (int, error) {
	n, err := r.lim.Read(dst)
	r.rendered.Add(int64(n / r.opt.Channels))
	return n, err
}

// Results returns a snapshot of every item's result (safe from any goroutine).
func (r *Renderer) Results() []ItemResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ItemResult(nil), r.results...)
}

// Progress returns the frames rendered so far and the index of the item
// being rendered (len(items) when all are done). Safe from any goroutine.
func (r *Renderer) Progress() (frames int64, item int) {
	return r.rendered.Load(), int(r.current.Load())
}

// ItemAt returns the index of the item whose audio contains output frame
// f, or -1 (gap, or not yet known). Safe from any goroutine.
func (r *Renderer) ItemAt(f int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.results {
		it := &r.results[i]
		if it.Start >= 0 && f >= it.Start && (it.End < 0 || f < it.End) {
			return i
		}
	}
	return -1
}

// Close stops background decoding and releases open files. Call it when
// done with the renderer (finished or not), after the last Read has
// returned.
func (r *Renderer) Close() error {
	r.fetchMu.Lock()
	defer r.fetchMu.Unlock()
	for i, p := range r.fetch {
		p.stop()
		delete(r.fetch, i)
	}
	return nil
}

// prefetchItem starts decoding item i in the background if it is a file.
func (r *Renderer) prefetchItem(i int) *prefetch {
	if i >= len(r.items) {
		return nil
	}
	r.fetchMu.Lock()
	defer r.fetchMu.Unlock()
	if p, ok := r.fetch[i]; ok {
		return p
	}
	it := &r.items[i]
	if it.Path == "" && it.Open == nil {
		return nil
	}
	r.mu.Lock()
	failed := r.results[i].Err != nil
	r.mu.Unlock()
	if failed {
		return nil
	}
	if r.fetch == nil {
		r.fetch = map[int]*prefetch{}
	}
	p := startPrefetch(func() (io.ReadSeekCloser, error) { return r.open(it) }, it.Path, r.opt.SampleRate, r.opt.Channels, r.opt.ResampleQuality)
	r.fetch[i] = p
	return p
}

// startItem opens item r.cur and primes it; an item that yields nothing is
// finished at once (no gap is placed for it).
func (r *Renderer) startItem() {
	it := &r.items[r.cur]
	r.mu.Lock()
	res := r.results[r.cur]
	r.mu.Unlock()
	ch := r.opt.Channels
	var src frameSource
	err := res.Err
	if err == nil {
		if it.Path == "" && it.Open == nil {
			src = &zeroSource{left: r.opt.frames(it.Silence), ch: ch}
		} else {
			src = r.prefetchItem(r.cur)
		}
	}
	// Decode the next item while this one plays.
	if r.at+1 < len(r.order) {
		r.prefetchItem(r.order[r.at+1])
	}
	if err == nil && it.Gate != nil {
		err = it.Gate()
	}
	if err != nil {
		r.finishItem(r.pos, err)
		return
	}
	if it.Path == "" && it.Open == nil {
		r.ir = &chain{itemReader: newItemReader(src, ch, 1, 0, false, 0, 1)}
	} else {
		r.ir = itemChain(src, res.Level.GainDB, res.Level.MakeupDB, r.opt)
	}
	// Prime: learn whether the item has any audio before placing a gap.
	for r.ir.ready() == 0 && !r.ir.eof {
		r.ir.fill()
	}
	if r.ir.ready() == 0 {
		r.finishItem(r.pos, r.ir.err)
		return
	}
	if r.anyAudio {
		r.gapLeft = r.opt.frames(r.opt.Gap)
	}
	r.mu.Lock()
	r.results[r.cur].Start = r.pos + r.gapLeft
	r.mu.Unlock()
}

// finishItem ends item r.cur at output frame end; an item that never
// started gets an empty span there.
func (r *Renderer) finishItem(end int64, err error) {
	r.mu.Lock()
	res := &r.results[r.cur]
	if res.Start < 0 {
		res.Start = end
	}
	res.End = end
	if err != nil && res.Err == nil {
		res.Err = err
	}
	if res.End > res.Start {
		r.anyAudio = true
	}
	r.mu.Unlock()
	r.ir = nil
	r.fetchMu.Lock()
	if p, ok := r.fetch[r.cur]; ok {
		p.stop()
		delete(r.fetch, r.cur)
	}
	r.fetchMu.Unlock()
	r.fadeLeft = 0
	r.at++
	if r.at < len(r.order) {
		r.cur = r.order[r.at]
	} else {
		r.cur = len(r.items)
	}
	r.current.Store(int64(r.cur))
}

// assemble produces programme frames before the limiter.
func (r *Renderer) assemble(dst []float32) (int, error) {
	ch := r.opt.Channels
	filled := 0
	for filled < len(dst) {
		if r.hasPending.Load() {
			r.applyInserts()
		}
		rest := dst[filled:]
		if r.gapLeft > 0 {
			n := int(min(r.gapLeft, int64(len(rest)/ch)))
			clear(rest[:n*ch])
			r.gapLeft -= int64(n)
			r.pos += int64(n)
			filled += n * ch
			continue
		}
		if r.ir == nil {
			if r.at >= len(r.order) {
				break
			}
			r.startItem()
			continue
		}
		if r.fadeLeft > 0 && int64(len(rest)/ch) > r.fadeLeft {
			rest = rest[:r.fadeLeft*int64(ch)]
		}
		n, err := r.ir.Read(rest)
		if r.fadeLeft > 0 {
			// Cut: ramp down to silence, then end the item there.
			k0 := r.fadeN - r.fadeLeft
			for i := 0; i < n/ch; i++ {
				w := fadeCurve(r.fadeN-1-(k0+int64(i)), r.fadeN)
				for c := 0; c < ch; c++ {
					rest[i*ch+c] *= w
				}
			}
			r.fadeLeft -= int64(n / ch)
			if r.fadeLeft <= 0 && err == nil {
				filled += n
				r.pos += int64(n / ch)
				r.finishItem(r.pos, r.cutErr)
				continue
			}
		}
		filled += n
		r.pos += int64(n / ch)
		if err != nil {
			var ierr error
			if !errors.Is(err, io.EOF) {
				ierr = fmt.Errorf("%s: %w", r.items[r.cur].Path, err)
			}
			r.finishItem(r.pos, ierr)
		}
	}
	if filled == 0 {
		r.mu.Lock()
		r.ended = true
		r.mu.Unlock()
		if r.hasPending.Load() {
			r.mu.Lock()
			r.ended = false // an insertion came in meanwhile: play it
			r.mu.Unlock()
			return r.assemble(dst)
		}
		return 0, io.EOF
	}
	return filled, nil
}

// ErrEnded is returned by Insert once the programme has ended.
var ErrEnded = errors.New("render: the programme has ended")

type insertion struct {
	InsertOptions
	items []Item
	idx   []int
}

// InsertOptions say where inserted items go.
type InsertOptions struct {
	// Cut: the item being rendered fades out over Fade and ends there with
	// CutErr in its result; the inserted items follow at once.
	Cut    bool
	Fade   time.Duration
	CutErr error
	// Follow (without Cut) is 1 + the index of an item the inserted ones
	// go after (an announcement queued behind one already inserted), if it
	// has not ended yet; 0 or ended: after the item being rendered.
	Follow int
	// StopAfter: nothing planned after the inserted items plays.
	StopAfter bool
}

// Insert puts items on air next (an urgent announcement): after the item
// being rendered (or after o.Follow), or, with o.Cut, at once. Items
// without Info are measured first: a file that cannot be decoded is
// refused (an error, and nothing is cut). The insertion takes effect at the
// renderer's next Read, so within one output buffer. It returns the
// inserted items' indices in Results.
func (r *Renderer) Insert(ctx context.Context, items []Item, o InsertOptions) ([]int, error) {
	items = append([]Item(nil), items...)
	res := make([]ItemResult, len(items))
	for i := range items {
		it := &items[i]
		res[i] = ItemResult{Path: it.Path, Kind: it.Kind, Start: -1, End: -1}
		if err := r.prepare(ctx, it, &res[i]); err != nil {
			return nil, fmt.Errorf("insert %s: %w", it.Path, err)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return nil, ErrEnded
	}
	ins := insertion{InsertOptions: o, items: items}
	for i := range res {
		res[i].Index = len(r.results)
		ins.idx = append(ins.idx, len(r.results))
		r.results = append(r.results, res[i])
	}
	r.pending = append(r.pending, ins)
	r.hasPending.Store(true)
	return ins.idx, nil
}

// applyInserts runs on the Read goroutine.
func (r *Renderer) applyInserts() {
	r.mu.Lock()
	pend := r.pending
	r.pending = nil
	r.hasPending.Store(false)
	r.mu.Unlock()
	for _, ins := range pend {
		r.items = append(r.items, ins.items...) // indices were reserved in order
		onAir := r.ir != nil || r.gapLeft > 0
		p := r.at
		if onAir {
			p = r.at + 1
		}
		if f := ins.Follow - 1; f >= 0 && !ins.Cut {
			for k := r.at; k < len(r.order); k++ {
				if r.order[k] == f {
					p = max(p, k+1)
					break
				}
			}
		}
		p = min(p, len(r.order))
		rest := append([]int(nil), r.order[p:]...)
		if ins.StopAfter {
			rest = nil
		}
		r.order = append(append(r.order[:p], ins.idx...), rest...)
		if ins.Cut && onAir {
			r.gapLeft = 0
			if r.ir != nil && r.fadeLeft == 0 {
				r.fadeN = max(1, r.opt.frames(ins.Fade))
				r.fadeLeft, r.cutErr = r.fadeN, ins.CutErr
			}
		}
		if !onAir && r.at < len(r.order) {
			r.cur = r.order[r.at]
			r.current.Store(int64(r.cur))
		}
		r.prefetchItem(ins.idx[0])
	}
}

// safeSource turns a decoder panic into ErrCorrupt for that item.
type safeSource struct{ s frameSource }

func (s *safeSource) Read(dst []float32) (n int, err error) {
	defer func() {
		if p := recover(); p != nil {
			n, err = 0, fmt.Errorf("%w: decoder panic: %v", ErrCorrupt, p)
		}
	}()
	return s.s.Read(dst)
}

func openRecover(f io.ReadSeeker) (d Decoder, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, fmt.Errorf("%w: decoder panic: %v", ErrCorrupt, p)
		}
	}()
	return Open(f)
}
