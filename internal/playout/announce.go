package playout

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/audio"
	"loa/internal/content"
	"loa/internal/control"
	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/schedule"
)

// Programmes of announcements aired alone (nothing was on air).
const (
	ProgEmergency = "khan-cap"
	ProgPriority  = "uu-tien"
)

// cutFade is how long the item on air fades out when an emergency cuts it
// (the issue allows up to 200 ms; less is heard sooner).
const cutFade = 150 * time.Millisecond

// AnnounceAudio finds an announcement's audio (StoreAudio in production).
type AnnounceAudio interface {
	// Stored is the stored file of sha256, verified against it, measured.
	Stored(ctx context.Context, sha string) (path string, info *audio.Info, err error)
	// File measures a file (the intro signal).
	File(ctx context.Context, path string) (*audio.Info, error)
}

// StoreAudio reads announcements from the station's content store.
type StoreAudio struct {
	Store *content.Store
	// Audio is the station's format and loudness policy: the announcement
	// is levelled here, before anything is cut, not by the renderer after.
	Audio audio.Options
}

// Stored implements AnnounceAudio.
func (s StoreAudio) Stored(ctx context.Context, sha string) (string, *audio.Info, error) {
	if err := s.Store.Verify(ctx, sha); err != nil {
		return "", nil, fmt.Errorf("announcement audio %.12s: %w", sha, err)
	}
	path := s.Store.Path(sha)
	info, err := s.File(ctx, path)
	return path, info, err
}

// File implements AnnounceAudio: a file that cannot be decoded is refused
// here, before anything on air is interrupted.
func (s StoreAudio) File(ctx context.Context, path string) (*audio.Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("announcement audio: %w", err)
	}
	defer f.Close()
	info, err := audio.AnalyzeLevel(ctx, f, s.Audio)
	if err != nil {
		return nil, inputerr.New("announcement audio %s cannot be played: %v", path, err)
	}
	return &info, nil
}

// InsertOptions say where a Program puts inserted items.
type InsertOptions struct {
	Cut       bool // fade the item on air out over Fade and end it with CutErr
	Fade      time.Duration
	CutErr    error
	After     int  // plan index to follow (an announcement queued behind one); -1: the item on air
	StopAfter bool // nothing planned after the inserted items plays (the slot has passed)
}

// Inserter is a Program that takes urgent items while it plays
// (audioProgram).
type Inserter interface {
	Insert(ctx context.Context, items []assembly.Item, gaps []time.Duration, o InsertOptions) ([]int, error)
}

type itemMeta struct{ level, by string }

// liveRun is a run on air: announcements go into it.
type liveRun struct {
	prog    *schedule.Programme
	at      time.Time
	runID   int64
	output  string
	program Program
	inserts chan insertReq
	gone    chan struct{} // closed when the run stops taking insertions

	// guarded by Daemon.mu
	items   []assembly.Item // the plan, with inserted items
	meta    map[int]itemMeta
	lastAnn int // plan index of the last announcement inserted, -1 none
	lastEm  int // of the last emergency one, -1 none
}

type insertReq struct {
	items []assembly.Item
	gaps  []time.Duration
	meta  itemMeta
	level string
	now   bool
	reply chan insertResult
}

type insertResult struct {
	mode string
	err  error
}

// waiting is a priority announcement held for the next programme.
type waiting struct {
	items []assembly.Item // placed from 0 (offsets)
	gaps  []time.Duration
	meta  itemMeta
}

func (d *Daemon) register(l *liveRun, tr *tracker) *liveRun {
	l.gone = make(chan struct{})
	l.lastAnn, l.lastEm = -1, -1
	d.mu.Lock()
	defer d.mu.Unlock()
	l.items = slices.Clone(tr.plan.Items)
	l.meta = map[int]itemMeta{}
	for i, m := range tr.meta {
		l.meta[i] = m
		l.lastAnn = max(l.lastAnn, i)
		if m.level == control.LevelEmergency {
			l.lastEm = max(l.lastEm, i)
		}
	}
	d.live = append(d.live, l)
	return l
}

// stopInserts is called when the run's play loop ends.
func (d *Daemon) stopInserts(l *liveRun) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.live = slices.DeleteFunc(d.live, func(x *liveRun) bool { return x == l })
	select {
	case <-l.gone:
	default:
		close(l.gone)
	}
}

func (d *Daemon) unregister(l *liveRun) { d.stopInserts(l) }

// insertWaiting puts priority announcements still held for the next
// programme into a run that has just gone on air (it was prepared before
// they were ordered): after its first item.
func (d *Daemon) insertWaiting(ctx context.Context, live *liveRun, tr *tracker, prog Program) {
	d.mu.Lock()
	ws := d.waiting
	d.waiting = nil
	d.mu.Unlock()
	for _, w := range ws {
		res := d.insert(ctx, live, tr, prog, insertReq{items: w.items, gaps: w.gaps, meta: w.meta, level: control.LevelPriority})
		if res.err != nil {
			d.log.Error("priority announcement", "err", res.err)
		}
	}
}

// planFor is the run's plan: a fixed one (an announcement aired alone) or
// the planner's.
func (d *Daemon) planFor(ctx context.Context, p *schedule.Programme, at time.Time) (assembly.Plan, error) {
	d.mu.Lock()
	fp, ok := d.fixed[claim{p.Name, at.UnixNano()}]
	delete(d.fixed, claim{p.Name, at.UnixNano()})
	d.mu.Unlock()
	if ok {
		return fp.plan, nil
	}
	return d.opt.Planner.Plan(ctx, p, at)
}

type fixedPlan struct{ plan assembly.Plan }

// takeWaiting hands the priority announcements held for the next programme
// to the run of p at at (and the meta of a fixed plan).
func (d *Daemon) takeWaiting(prog string, at time.Time) ([]assembly.Item, map[int]itemMeta) {
	d.mu.Lock()
	defer d.mu.Unlock()
	meta := map[int]itemMeta{}
	if m, ok := d.fixedMeta[claim{prog, at.UnixNano()}]; ok {
		delete(d.fixedMeta, claim{prog, at.UnixNano()})
		return nil, m
	}
	var items []assembly.Item
	for _, w := range d.waiting { // *waiting
		for _, it := range w.items {
			if it.Kind == airlog.KindAnnouncement {
				meta[len(items)] = w.meta
			}
			items = append(items, it)
		}
	}
	d.waiting = nil
	return items, meta
}

// prependItems puts items (with their own offsets from 0) before the plan's.
func prependItems(plan assembly.Plan, items []assembly.Item) assembly.Plan {
	var shift float64
	for _, it := range items {
		shift = max(shift, it.OffsetS+it.Seconds)
	}
	shift += 1 // a second of silence before the programme
	out := slices.Clone(items)
	for _, it := range plan.Items {
		it.OffsetS += shift
		out = append(out, it)
	}
	plan.Items = out
	return plan
}

func (tr *tracker) announced() bool {
	for _, it := range tr.plan.Items {
		if it.Kind == airlog.KindAnnouncement {
			return true
		}
	}
	return false
}

// onAirItem is the plan index of the item on air in s, -1 if none.
func onAirItem(s Snapshot) int {
	for i, pos := range s.Items {
		if pos.StartS >= 0 && pos.StartS <= s.PlayedS && (pos.EndS < 0 || s.PlayedS < pos.EndS) {
			return i
		}
	}
	return -1
}

// insert runs on the run's play loop: it puts the announcement into the
// programme on air and extends the tracker.
func (d *Daemon) insert(ctx context.Context, live *liveRun, tr *tracker, prog Program, req insertReq) insertResult {
	in, ok := prog.(Inserter)
	if !ok {
		return insertResult{err: errors.New("this programme cannot take announcements")}
	}
	snap := prog.Snapshot()
	cur := onAirItem(snap)
	d.mu.Lock()
	lastAnn, lastEm := live.lastAnn, live.lastEm
	d.mu.Unlock()
	pending := func(i int) bool {
		return i >= 0 && i < len(snap.Items) && (snap.Items[i].EndS < 0 || snap.PlayedS < snap.Items[i].EndS)
	}
	o := InsertOptions{After: -1, Fade: cutFade}
	mode := control.ModeAfterItem
	items, gaps := req.items, req.gaps
	switch {
	case req.level == control.LevelPriority && pending(lastAnn):
		o.After, mode = lastAnn, control.ModeQueued // behind any announcement
	case req.level == control.LevelEmergency && pending(lastEm) && !req.now:
		o.After, mode = lastEm, control.ModeQueued // an emergency behind an emergency
	case req.level == control.LevelEmergency:
		o.Cut, o.CutErr, mode = true, &SkipError{Reason: airlog.ReasonPreempted, Detail: "emergency announcement ordered by " + req.meta.by}, control.ModePreempted
		if d.opt.Announce.Resume == "item" && cur >= 0 && tr.plan.Items[cur].Kind != airlog.KindAnnouncement {
			again := tr.plan.Items[cur]
			items = append(slices.Clone(items), again)
			gaps = append(slices.Clone(gaps), time.Second)
		}
	}
	var total time.Duration
	for i, it := range items {
		total += gaps[i] + secDur(it.Seconds)
	}
	if live.prog.Length > 0 && time.Now().Add(total).After(live.at.Add(live.prog.Length)) {
		o.StopAfter = true // the slot has passed by then: the programme ends after it
	}
	idx, err := in.Insert(ctx, items, gaps, o)
	if err != nil {
		return insertResult{err: err}
	}
	off := time.Since(tr.at).Seconds()
	d.mu.Lock()
	defer d.mu.Unlock()
	for k, i := range idx {
		it := items[k]
		it.OffsetS = off
		for len(tr.plan.Items) <= i {
			tr.plan.Items = append(tr.plan.Items, assembly.Item{})
			tr.rows = append(tr.rows, 0)
			tr.closed = append(tr.closed, false)
		}
		tr.plan.Items[i] = it
		live.items = append(live.items, it)
		if it.Kind == airlog.KindAnnouncement {
			tr.meta[i] = req.meta
			live.meta[i] = req.meta
			live.lastAnn = max(live.lastAnn, i)
			if req.level == control.LevelEmergency {
				live.lastEm = max(live.lastEm, i)
			}
		}
	}
	if o.StopAfter && mode == control.ModePreempted {
		mode = control.ModeSlotEnded
	}
	return insertResult{mode: mode}
}

// announcement builds the items of an order: the intro signal (if any),
// then the announcement Repeat times, each started Interval after the
// previous (at once if it is longer). gaps[i] is the silence before item i.
func (d *Daemon) announcement(ctx context.Context, r control.AnnounceRequest) ([]assembly.Item, []time.Duration, error) {
	if r.SHA256 == "" {
		return nil, nil, inputerr.Field("audio", "required", "announcement: no audio")
	}
	if d.opt.Announcements == nil {
		return nil, nil, errors.New("this daemon takes no announcements")
	}
	path, info, err := d.opt.Announcements.Stored(ctx, r.SHA256)
	if err != nil {
		return nil, nil, err
	}
	ann := assembly.Item{Kind: airlog.KindAnnouncement, ScriptID: r.ScriptID, Title: r.Title, Topic: r.Topic,
		Path: path, SHA256: r.SHA256, Seconds: info.Seconds(), Media: info}
	var items []assembly.Item
	var gaps []time.Duration
	if intro := d.opt.Announce.Intro; intro != "" {
		ii, err := d.opt.Announcements.File(ctx, intro)
		if err != nil {
			return nil, nil, fmt.Errorf("announce.intro: %w", err)
		}
		items = append(items, assembly.Item{Kind: airlog.KindJingle, Title: "Tín hiệu thông báo", Path: intro, Seconds: ii.Seconds(), Media: ii})
		gaps = append(gaps, 0)
	}
	interval := time.Duration(r.IntervalS * float64(time.Second))
	for i := range r.Repeat {
		gap := time.Duration(0)
		if i > 0 {
			gap = max(time.Second, interval-secDur(ann.Seconds))
		}
		items = append(items, ann)
		gaps = append(gaps, gap)
	}
	return items, gaps, nil
}

// Announce implements control.Handler: an urgent announcement goes on air.
// An emergency cuts the item on air (it fades out and is logged partial,
// reason preempted) and the programme goes on with its next item after it;
// behind an announcement on air it queues, unless Now. A priority one
// follows the item on air. With nothing on air it plays at once as its own
// run (programme khan-cap, or uu-tien), except a priority one when a
// programme starts within announce.priority_wait: it goes first in that.
func (d *Daemon) Announce(ctx context.Context, r control.AnnounceRequest) (control.AnnounceReply, error) {
	if err := r.Check(); err != nil {
		return control.AnnounceReply{}, err
	}
	// A daemon playing one programme (--once) answers status, but an
	// announcement ordered on it could outlive the process.
	d.mu.Lock()
	once := d.once
	d.mu.Unlock()
	if once {
		return control.AnnounceReply{}, ErrOnce
	}
	items, gaps, err := d.announcement(ctx, r)
	if err != nil {
		return control.AnnounceReply{}, err
	}
	meta := itemMeta{level: r.Level, by: r.By}
	d.log.Warn("announcement ordered", "level", r.Level, "by", r.By, "title", r.Title, "sha256", r.SHA256, "repeat", r.Repeat)
	d.mu.Lock()
	lives := slices.Clone(d.live)
	d.mu.Unlock()
	for _, live := range lives {
		req := insertReq{items: items, gaps: gaps, meta: meta, level: r.Level, now: r.Now, reply: make(chan insertResult, 1)}
		select {
		case live.inserts <- req:
		case <-live.gone:
			continue // it just ended
		case <-ctx.Done():
			return control.AnnounceReply{}, ctx.Err()
		}
		res := <-req.reply
		if errors.Is(res.err, audio.ErrEnded) {
			continue
		}
		if res.err != nil {
			return control.AnnounceReply{}, res.err
		}
		d.log.Warn("announcement on air", "mode", res.mode, "programme", live.prog.Name, "run", live.runID)
		return control.AnnounceReply{Mode: res.mode, Programme: live.prog.Name, RunID: live.runID, At: time.Now()}, nil
	}
	if r.Level == control.LevelPriority {
		if p, at := d.nextRun(time.Now()); p != nil && time.Until(at) <= d.opt.Announce.PriorityWait.D() {
			w := &waiting{items: offsets(items, gaps), gaps: gaps, meta: meta}
			d.mu.Lock()
			d.waiting = append(d.waiting, w)
			d.mu.Unlock()
			d.log.Warn("priority announcement waits for the next programme", "programme", p.Name, "at", at)
			// Should that run not take it (missed, failed), it airs alone.
			time.AfterFunc(time.Until(at)+time.Minute, func() {
				d.mu.Lock()
				held := slices.Contains(d.waiting, w)
				d.waiting = slices.DeleteFunc(d.waiting, func(x *waiting) bool { return x == w })
				d.mu.Unlock()
				if held {
					if _, err := d.ownRun(r, items, gaps, meta); err != nil {
						d.log.Error("priority announcement", "err", err)
					}
				}
			})
			return control.AnnounceReply{Mode: control.ModeNextRun, Programme: p.Name, At: at}, nil
		}
	}
	return d.ownRun(r, items, gaps, meta)
}

// offsets places items one after the other with their gaps, from 0.
func offsets(items []assembly.Item, gaps []time.Duration) []assembly.Item {
	out := slices.Clone(items)
	var off float64
	for i := range out {
		off += gaps[i].Seconds()
		out[i].OffsetS = off
		off += out[i].Seconds
	}
	return out
}

// ownRun airs an announcement as a run of its own, now.
func (d *Daemon) ownRun(r control.AnnounceRequest, items []assembly.Item, gaps []time.Duration, meta itemMeta) (control.AnnounceReply, error) {
	d.mu.Lock()
	runCtx := d.runCtx
	d.mu.Unlock()
	if runCtx == nil {
		return control.AnnounceReply{}, errors.New("the daemon is not running its schedule")
	}
	name, title := ProgEmergency, "Thông báo khẩn cấp"
	if r.Level == control.LevelPriority {
		name, title = ProgPriority, "Thông báo ưu tiên"
	}
	placed := offsets(items, gaps)
	last := placed[len(placed)-1]
	length := secDur(last.OffsetS+last.Seconds) + time.Second
	p := &schedule.Programme{Name: name, Title: title, Location: d.opt.Location, Length: length, Output: d.announceOutput()}
	// Soon enough for the half second, late enough to prepare the audio
	// and take the output first.
	at := time.Now().Add(150 * time.Millisecond)
	plan := assembly.Plan{Programme: name, At: at, LengthS: length.Seconds(), Items: placed}
	m := map[int]itemMeta{}
	for i, it := range placed {
		if it.Kind == airlog.KindAnnouncement {
			m[i] = meta
		}
	}
	d.mu.Lock()
	d.fixed[claim{name, at.UnixNano()}] = fixedPlan{plan: plan}
	d.fixedMeta[claim{name, at.UnixNano()}] = m
	d.mu.Unlock()
	d.spawn(runCtx, p, at, "")
	return control.AnnounceReply{Mode: control.ModeOwnRun, Programme: name, At: at}, nil
}

// announceOutput is where an announcement aired alone plays: the daemon's
// --output, else the output of the programmes (the first by name).
func (d *Daemon) announceOutput() string {
	if d.opt.Output != "" {
		return d.opt.Output
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range d.progs {
			if !yield(n) {
				return
			}
		}
	})
	if len(names) > 0 {
		return d.progs[names[0]].Output
	}
	return "null"
}

// nextRun is the next scheduled run of any programme after now.
func (d *Daemon) nextRun(now time.Time) (*schedule.Programme, time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var best *schedule.Programme
	var at time.Time
	for _, p := range d.progs {
		if n := p.Schedule.Next(now); !n.IsZero() && (best == nil || n.Before(at)) {
			best, at = p, n
		}
	}
	return best, at
}

// Status implements control.Handler.
func (d *Daemon) Status(ctx context.Context) (control.Status, error) {
	now := time.Now()
	st := control.Status{Now: now, OnAir: []control.OnAir{}, Next: []control.NextRun{}, Sinks: []control.Sink{}, Alarms: []string{}}
	d.mu.Lock()
	lives := slices.Clone(d.live)
	type liveCopy struct {
		items []assembly.Item
		meta  map[int]itemMeta
	}
	copies := make([]liveCopy, len(lives))
	for i, l := range lives {
		copies[i] = liveCopy{slices.Clone(l.items), maps.Clone(l.meta)}
	}
	outputs := map[string]bool{}
	for _, p := range d.progs {
		if n := p.Schedule.Next(now); !n.IsZero() {
			st.Next = append(st.Next, control.NextRun{Programme: p.Name, Title: p.Title, At: n, Output: d.outputFor(p)})
		}
		outputs[d.outputFor(p)] = true
	}
	down := map[string]bool{}
	for k, v := range d.down {
		down[k] = v
		outputs[k] = true
	}
	d.mu.Unlock()
	slices.SortFunc(st.Next, func(a, b control.NextRun) int { return a.At.Compare(b.At) })
	if len(st.Next) > 5 {
		st.Next = st.Next[:5]
	}
	for i, l := range lives {
		snap := l.program.Snapshot()
		oa := control.OnAir{Programme: l.prog.Name, Title: l.prog.Title, RunID: l.runID, Output: l.output, StartedAt: snap.Started}
		if k := onAirItem(snap); k >= 0 && k < len(copies[i].items) {
			it := copies[i].items[k]
			el := snap.PlayedS - snap.Items[k].StartS
			m := copies[i].meta[k]
			oa.Item = &control.ItemOnAir{Position: k, Kind: it.Kind, ScriptID: it.ScriptID, Title: it.Title, Level: m.level,
				OrderedBy: m.by, ElapsedS: database.Round3(el), RemainingS: database.Round3(max(0, it.Seconds-el))}
		}
		for k, pos := range snap.Items {
			if _, ok := copies[i].meta[k]; ok && (pos.EndS < 0 || snap.PlayedS < pos.EndS) && (oa.Item == nil || oa.Item.Position != k) {
				oa.Pending++
			}
		}
		st.OnAir = append(st.OnAir, oa)
	}
	for _, o := range slices.Sorted(func(yield func(string) bool) {
		for k := range outputs {
			if !yield(k) {
				return
			}
		}
	}) {
		s := control.Sink{Output: o, OK: !down[o]}
		if down[o] {
			s.Error = "failed; retried every 30 s"
			st.Alarms = append(st.Alarms, fmt.Sprintf("output %s failed", o))
		}
		st.Sinks = append(st.Sinks, s)
	}
	return st, nil
}
