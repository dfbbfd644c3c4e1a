package playout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"strings"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/database"
	"loa/internal/schedule"
)

// Result is how a run ended.
type Result struct {
	RunID        int64
	Status       string // airlog run status; "" when nothing was logged (stopped before air)
	Reason       string
	StartErrorMS float64
	Items        int // item rows written
}

// tick is how often a playing run maps output progress to the log; the
// log's progress is therefore at most this old after a crash.
const tick = 500 * time.Millisecond

// lateAfter is how long after its time a run may wait for the output
// (the previous programme closing its log) before it counts as late, or,
// with overlap "skip", is skipped.
const lateAfter = 200 * time.Millisecond

// play runs one programme at its scheduled time at: assemble, prepare,
// take the output, air, log. late is non-empty when the run is played
// after its time (why it is late).
func (d *Daemon) play(ctx context.Context, p *schedule.Programme, at time.Time, late string) Result {
	if !d.claimRun(p.Name, at) {
		return Result{}
	}
	return d.playClaimed(ctx, p, at, late)
}

// playClaimed is play for a run this daemon has claimed.
func (d *Daemon) playClaimed(ctx context.Context, p *schedule.Programme, at time.Time, late string) Result {
	defer func() { d.settle(ctx, p, at) }() // at may move (loa daemon --once)
	log := d.log.With("programme", p.Name, "at", at.In(d.opt.Location).Format(time.RFC3339))
	dbctx := context.WithoutCancel(ctx) // log writes must land even while stopping
	spec := d.runSpec(p, at)
	output := spec.Output
	runID := int64(0)
	defer func() {
		// A panic leaves a closed row behind, then goes on to cron's
		// Recover (or spawn's), which logs it.
		if r := recover(); r != nil {
			reason := fmt.Sprintf("lỗi nội bộ: %v", r)
			if runID != 0 {
				d.closeRun(dbctx, log, runID, airlog.RunEnd{Status: airlog.RunPartial, Reason: reason})
			} else {
				d.logMissed(dbctx, p, at, reason)
			}
			panic(r)
		}
	}()

	logNotAired := func(status, reason string) Result {
		id, err := d.opt.Log.LogMissed(dbctx, spec, status, reason)
		switch {
		case errors.Is(err, airlog.ErrDuplicate):
			d.logged(p.Name, at)
			log.Info("run already in the airtime log")
			return Result{}
		case err != nil:
			log.Error("log run", "err", err)
			return Result{}
		}
		d.logged(p.Name, at)
		log.Warn("run not aired", "status", status, "reason", reason)
		return Result{RunID: id, Status: status, Reason: reason}
	}

	plan, err := d.planFor(ctx, p, at)
	if err != nil {
		if ctx.Err() != nil {
			return Result{}
		}
		log.Error("assemble", "err", err)
		return logNotAired(airlog.RunMissed, "lỗi lập chương trình: "+err.Error())
	}
	problems := plan.ProblemText()
	for _, pr := range plan.Problems {
		log.Warn("assembly problem", "code", pr.Code, "script", pr.ScriptID, "msg", pr.Msg)
	}
	if !plan.HasScripts() {
		log.Warn("no script to air: fallback", "fill", p.Fill, "items", len(plan.Items))
	}
	log.Info("assembled", "items", len(plan.Items), "fill_s", database.Round3(plan.FillS), "length_s", plan.LengthS)
	if len(plan.Items) == 0 {
		if !sleepUntil(ctx, at) {
			return Result{}
		}
		return logNotAired(airlog.RunEmpty, joinReason("không có bài để phát", problems))
	}

	// Priority announcements waiting for this run go first in it.
	pre, preMeta := d.takeWaiting(p.Name, at)
	if len(pre) > 0 {
		plan = prependItems(plan, pre)
		log.Info("priority announcements first in the run", "items", len(pre))
	}
	prog, err := d.opt.Air.Prepare(ctx, output, p, plan.Items)
	if err != nil {
		if ctx.Err() != nil {
			return Result{}
		}
		log.Error("prepare audio", "err", err)
		return logNotAired(airlog.RunMissed, "lỗi chuẩn bị âm thanh: "+err.Error())
	}
	defer prog.Close()
	// Why a late start is late: the preparation (assembly, audio) ran past
	// the run's time, or the output was held by another programme.
	slowPrep := time.Now().After(at.Add(lateAfter))
	if d.once && time.Now().After(at.Add(-onceAhead)) {
		// loa daemon --once: "now" is whenever the audio is ready.
		newAt := onceAt(time.Now())
		d.moveClaim(p.Name, at, newAt)
		at, spec.ScheduledAt, slowPrep = newAt, newAt, false
		log = d.log.With("programme", p.Name, "at", at.In(d.opt.Location).Format(time.RFC3339))
	}

	// Take the output just before air, not at assembly time, so that a
	// programme airing in between is not held up by this one.
	if !sleepUntil(ctx, at.Add(-300*time.Millisecond)) {
		return Result{}
	}
	ss := sinks(output)
	deadline := at.Add(lateAfter) // back to back: the previous run may end a little late
	if d.opt.Overlap == OverlapDelay {
		deadline = at.Add(d.opt.Grace)
	}
	if holder, ok := d.outputs.acquire(ctx, ss, p.Name, deadline); !ok {
		if ctx.Err() != nil {
			return Result{}
		}
		if d.opt.Overlap == OverlapDelay {
			return logNotAired(airlog.RunMissed, fmt.Sprintf("bỏ lỡ: đầu ra %s bận (chương trình %s) quá %s", output, holder, d.opt.Grace))
		}
		return logNotAired(airlog.RunMissed, fmt.Sprintf("bỏ qua: đầu ra %s đang phát chương trình %s", output, holder))
	}
	defer d.outputs.release(ss)

	runID, err = d.opt.Log.OpenRun(dbctx, spec)
	if err == nil || errors.Is(err, airlog.ErrDuplicate) {
		d.logged(p.Name, at)
	}
	if errors.Is(err, airlog.ErrDuplicate) {
		log.Info("run already in the airtime log")
		return Result{}
	} else if err != nil {
		log.Error("open run", "err", err)
		return Result{}
	}
	if now := time.Now(); now.After(at.Add(lateAfter)) && late == "" {
		if slowPrep {
			late = "chuẩn bị chương trình và âm thanh quá lâu"
			log.Warn("preparation ran past the run's time: run delayed", "delay", now.Sub(at).Round(time.Millisecond))
		} else {
			late = "đầu ra bận"
			log.Warn("output was busy: run delayed", "delay", now.Sub(at).Round(time.Millisecond))
		}
	}
	if !sleepUntil(ctx, at) {
		d.closeRun(dbctx, log, runID, airlog.RunEnd{Status: airlog.RunMissed, Reason: ReasonStoppedPre})
		return Result{RunID: runID, Status: airlog.RunMissed, Reason: ReasonStoppedPre}
	}

	done := make(chan error, 1)
	go func() { done <- prog.Play(ctx) }()
	tr := &tracker{alog: d.opt.Log, log: log, ctx: dbctx, runID: runID, at: at, plan: plan, rows: make([]int64, len(plan.Items)),
		closed: make([]bool, len(plan.Items)), meta: map[int]itemMeta{}}
	for i, m := range preMeta {
		tr.meta[i] = m
	}
	live := d.register(&liveRun{prog: p, at: at, runID: runID, output: output, program: prog, inserts: make(chan insertReq)}, tr)
	defer d.unregister(live)
	d.insertWaiting(ctx, live, tr, prog)
	t := time.NewTimer(10 * time.Millisecond)
	var playErr error
loop:
	for {
		select {
		case playErr = <-done:
			break loop
		case req := <-live.inserts:
			req.reply <- d.insert(ctx, live, tr, prog, req)
		case <-t.C:
			snap := prog.Snapshot()
			tr.update(snap, false, nil)
			t.Reset(tr.nextWake(snap))
		}
	}
	t.Stop()
	d.stopInserts(live)
	snap := prog.Snapshot()
	stopped := ctx.Err() != nil && (playErr == nil || errors.Is(playErr, context.Canceled) || errors.Is(playErr, context.DeadlineExceeded))
	if stopped {
		playErr = nil
	}
	// The run has ended: what is still unwritten is retried (each try
	// waits out the busy timeout) until it lands or logWriteRetry passes.
	for giveUp := time.Now().Add(logWriteRetry); tr.update(snap, true, playErr); {
		if time.Now().After(giveUp) {
			log.Error("airtime log writes still failing: giving up", "after", logWriteRetry)
			break
		}
		time.Sleep(time.Second)
	}

	res := Result{RunID: runID, Items: tr.count, StartErrorMS: tr.startErrMS}
	var reasons []string
	if late != "" {
		reasons = append(reasons, fmt.Sprintf("phát muộn %.1f giây: %s", tr.startErrMS/1000, late))
	}
	switch {
	case snap.Started.IsZero() && playErr != nil:
		// The output could not play it: failed, not missed (loa was there).
		res.Status = airlog.RunFailed
	case snap.Started.IsZero():
		res.Status = airlog.RunMissed
		if stopped {
			reasons = append(reasons, ReasonStoppedPre)
		}
	case !plan.HasScripts() && !tr.announced():
		res.Status = airlog.RunEmpty
		reasons = append(reasons, "không có bài để phát; phát nhạc hiệu thay thế")
	case stopped || playErr != nil || tr.notAired > 0:
		res.Status = airlog.RunPartial
		if stopped {
			reasons = append(reasons, ReasonStopped)
		}
	default:
		res.Status = airlog.RunCompleted
	}
	if playErr != nil {
		reasons = append(reasons, "lỗi đầu ra: "+playErr.Error())
		d.outputFailed(ctx, output, playErr)
	}
	reasons = append(reasons, tr.itemErrs...)
	if problems != "" {
		reasons = append(reasons, problems)
	}
	res.Reason = strings.Join(reasons, "; ")
	end := airlog.RunEnd{Status: res.Status, Reason: res.Reason, EndedAt: snap.Started.Add(secDur(snap.PlayedS))}
	if snap.Started.IsZero() {
		end.EndedAt = time.Now()
	}
	d.closeRun(dbctx, log, runID, end)
	log.Info("run ended", "run", runID, "status", res.Status, "aired_s", database.Round3(snap.PlayedS), "items", tr.count, "reason", res.Reason)
	return res
}

// logWriteRetry is how long log writes still failing when a run ends
// are retried.
const logWriteRetry = 2 * time.Minute

func (d *Daemon) closeRun(ctx context.Context, log *slog.Logger, id int64, e airlog.RunEnd) {
	for giveUp := time.Now().Add(logWriteRetry); ; time.Sleep(time.Second) {
		err := d.opt.Log.CloseRun(ctx, id, e)
		if err == nil || errors.Is(err, airlog.ErrNotOpen) {
			if err != nil {
				log.Error("close run", "run", id, "err", err)
			}
			return
		}
		if time.Now().After(giveUp) {
			log.Error("close run: giving up", "run", id, "err", err)
			return
		}
		log.Error("close run (will retry)", "run", id, "err", err)
	}
}

// tracker maps a programme's output progress to air_items rows.
type tracker struct {
	alog       *airlog.Log
	log        *slog.Logger
	ctx        context.Context
	runID      int64
	at         time.Time
	plan       assembly.Plan
	started    bool
	runLogged  bool // StartRun written
	startErrMS float64
	meta       map[int]itemMeta // announcements' level and who ordered them, by plan index
	rows       []int64
	closed     []bool
	count      int      // rows inserted
	notAired   int      // rows closed other than aired
	itemErrs   []string // for the run's reason
}

// update maps what went out to log rows. A log write that fails (the
// database locked by another writer past its busy timeout, say) is not
// dropped: the row stays pending and is written at the next update; it
// reports whether any write is still pending.
func (tr *tracker) update(s Snapshot, final bool, playErr error) (pending bool) {
	l := tr.alog
	if !tr.started && !s.Started.IsZero() {
		tr.started = true
		tr.startErrMS = float64(s.Started.Sub(tr.at).Microseconds()) / 1000
		if math.Abs(tr.startErrMS) > 50 {
			tr.log.Warn("on air, off time", "run", tr.runID, "start_error_ms", tr.startErrMS)
		} else {
			tr.log.Info("on air", "run", tr.runID, "start_error_ms", tr.startErrMS)
		}
	}
	if !tr.started {
		return false
	}
	if !tr.runLogged {
		if err := l.StartRun(tr.ctx, tr.runID, s.Started, tr.startErrMS); err != nil {
			tr.log.Error("log run start (will retry)", "err", err)
			pending = true
		} else {
			tr.runLogged = true
		}
	}
	for i, pos := range s.Items {
		if i >= len(tr.rows) || tr.closed[i] {
			continue
		}
		reached := pos.StartS >= 0 && (s.PlayedS > pos.StartS || (pos.EndS == pos.StartS && s.PlayedS >= pos.StartS))
		if !reached {
			continue // not on air yet; never logged if the run stops first
		}
		it := tr.plan.Items[i]
		if tr.rows[i] == 0 {
			id, err := l.StartItem(tr.ctx, airlog.ItemSpec{RunID: tr.runID, Position: i, Kind: it.Kind, ScriptID: it.ScriptID,
				Title: it.Title, Topic: it.Topic, Area: it.Area, Audience: it.Audience, SHA256: it.SHA256,
				ScheduledAt: tr.at.Add(secDur(it.OffsetS)), StartedAt: s.Started.Add(secDur(pos.StartS)),
				Level: tr.meta[i].level, OrderedBy: tr.meta[i].by})
			if err != nil {
				tr.log.Error("log item start (will retry)", "item", i, "err", err)
				pending = true
				continue
			}
			tr.rows[i] = id
			tr.count++
			tr.log.Info("item on air", "item", i, "kind", it.Kind, "script", it.ScriptID, "title", it.Title)
		}
		aired := s.PlayedS - pos.StartS
		if pos.EndS >= 0 {
			aired = math.Min(aired, pos.EndS-pos.StartS)
		}
		aired = math.Max(0, aired)
		finished := pos.EndS >= 0 && s.PlayedS >= pos.EndS
		var skip *SkipError
		var end *airlog.ItemEnd
		switch {
		case finished && errors.As(pos.Err, &skip) && aired <= 0:
			end = &airlog.ItemEnd{Seconds: 0, Status: airlog.ItemSkipped, Reason: skip.Reason, Error: skip.Error()}
		case finished && errors.As(pos.Err, &skip):
			// Cut while on air.
			end = &airlog.ItemEnd{Seconds: aired, Status: airlog.ItemPartial, Reason: skip.Reason, Error: skip.Error()}
		case finished && pos.Err != nil && aired <= 0:
			end = &airlog.ItemEnd{Seconds: aired, Status: airlog.ItemFailed, Error: pos.Err.Error()}
		case finished && pos.Err != nil:
			end = &airlog.ItemEnd{Seconds: aired, Status: airlog.ItemPartial, Error: pos.Err.Error()}
		case finished:
			end = &airlog.ItemEnd{Seconds: aired, Status: airlog.ItemAired}
		case final:
			msg := ReasonStopped
			if playErr != nil {
				msg = "lỗi đầu ra: " + playErr.Error()
			}
			end = &airlog.ItemEnd{Seconds: aired, Status: airlog.ItemPartial, Error: msg}
		}
		if end == nil {
			if err := l.Progress(tr.ctx, tr.rows[i], database.Round3(aired)); err != nil {
				tr.log.Error("log progress", "item", i, "err", err)
			}
			continue
		}
		end.Seconds = database.Round3(end.Seconds)
		if err := l.CloseItem(tr.ctx, tr.rows[i], *end); err != nil && !errors.Is(err, airlog.ErrNotOpen) {
			tr.log.Error("log item end (will retry)", "item", i, "err", err)
			pending = true
			continue
		}
		tr.closed[i] = true
		if end.Status != airlog.ItemAired {
			tr.notAired++
			if end.Error != "" && pos.Err != nil {
				tr.itemErrs = append(tr.itemErrs, fmt.Sprintf("mục %d (%s): %s", i+1, it.Title, end.Error))
			}
		}
		tr.log.Info("item ended", "item", i, "status", end.Status, "seconds", end.Seconds)
	}
	if final && !pending {
		// Items the output never reached are not logged: they did not air.
		for i := range tr.rows {
			if !tr.closed[i] && tr.rows[i] == 0 && i < len(s.Items) {
				tr.notAired++
			}
		}
	}
	return pending
}

// nextWake is when to look again: at the next tick, or just after the next
// item's first sample if that is sooner, so its row starts on time.
func (tr *tracker) nextWake(s Snapshot) time.Duration {
	wake := tick
	if s.Started.IsZero() {
		return 10 * time.Millisecond // the first sample is due any moment
	}
	for i, pos := range s.Items {
		if i < len(tr.rows) && tr.rows[i] == 0 && !tr.closed[i] {
			if pos.StartS < 0 {
				break // not rendered yet: nothing later is known either
			}
			if d := time.Until(s.Started.Add(secDur(pos.StartS))) + 5*time.Millisecond; d < wake {
				wake = max(d, 5*time.Millisecond)
			}
			break
		}
	}
	return wake
}

// sleepUntil waits until t (a timer to just before it, then a short spin
// for the last 2 ms, so the start lands within a fraction of a
// millisecond). It returns false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	if d := time.Until(t) - 2*time.Millisecond; d > 0 {
		tm := time.NewTimer(d)
		select {
		case <-ctx.Done():
			tm.Stop()
			return false
		case <-tm.C:
		}
	}
	for time.Now().Before(t) {
		if ctx.Err() != nil {
			return false
		}
		runtime.Gosched()
	}
	return ctx.Err() == nil
}

func joinReason(a, b string) string {
	if b == "" {
		return a
	}
	return a + ": " + b
}

func secDur(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }
