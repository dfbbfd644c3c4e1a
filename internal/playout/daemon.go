package playout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"loa/internal/airlog"
	"loa/internal/config"
	"loa/internal/schedule"
)

// Reasons written to air_runs.reason (read by people, so Vietnamese).
const (
	ReasonDown        = "loa không chạy vào giờ phát"
	ReasonCrashed     = "loa dừng đột ngột; đóng khi khởi động lại"
	ReasonStopped     = "loa dừng khi đang phát"
	ReasonStoppedPre  = "loa dừng trước giờ phát"
	ReasonSelfOverlap = "bỏ qua: lượt trước của chương trình còn đang chạy"
	// ReasonStoppedUnopened: loa stopped after a run's time while the run
	// was still being prepared or waiting for the output (no row yet).
	ReasonStoppedUnopened = "loa dừng khi lượt phát đã đến giờ nhưng chưa kịp bắt đầu"
	// ReasonUnlogged: a run whose log row could not be written when it was
	// due (the database refused); written later as missed.
	ReasonUnlogged = "không ghi được nhật ký phát lúc đến giờ"
)

// Overlap policies (config playout.overlap).
const (
	OverlapDelay = "delay"
	OverlapSkip  = "skip"
)

// Options configures a Daemon.
type Options struct {
	// Load reads and checks the programme files (schedule.LoadValid); it
	// is called at start and on every reload.
	Load     func(ctx context.Context) ([]*schedule.Programme, error)
	Planner  Planner
	Air      Air
	Log      *airlog.Log
	Logger   *slog.Logger
	Location *time.Location // cron's zone (the station's)
	Output   string         // when set, every programme plays here (loa daemon --output)
	Lead     time.Duration  // assemble this long before air
	Grace    time.Duration  // a run missed by less than this plays late
	Overlap  string         // OverlapDelay or OverlapSkip
	// LastAlive is the previous daemon's last heartbeat (zero: none); runs
	// scheduled after it that did not air are accounted for at start.
	LastAlive time.Time
	// Heartbeat is called every 30 s (Lock.Touch); nil: none.
	Heartbeat func(time.Time) error
	// Announcements finds the audio of urgent announcements (nil: none are
	// taken); Announce is how they go on air.
	Announcements AnnounceAudio
	Announce      config.Announce
	// Started is called once Run has started: the schedules are loaded and
	// the log recovered (the service manager's READY=1); nil: none.
	Started func()
}

// Daemon runs programmes on schedule.
type Daemon struct {
	opt     Options
	log     *slog.Logger
	outputs *outputs

	mu      sync.Mutex
	cron    *cron.Cron
	progs   map[string]*schedule.Programme
	entries map[string]cron.EntryID
	swept   map[string]time.Time // per programme: scheduled times before this are accounted for
	once    bool                 // Once: the run's time is chosen after preparing
	claims  map[claim]bool
	// pending holds the claimed runs that have no log row yet; the
	// heartbeat never passes the earliest of them, so that a stop or crash
	// before the row lands leaves the run to the next start. The value is
	// "" while the run is in play, else the reason to log it missed with
	// (sweep retries the write).
	pending map[claim]string
	down    map[string]bool // outputs that failed and are being retried
	// announcements
	runCtx    context.Context // Run's: announcements aired alone run under it
	live      []*liveRun      // runs on air
	fixed     map[claim]fixedPlan
	fixedMeta map[claim]map[int]itemMeta
	waiting   []*waiting     // priority announcements held for the next programme
	extra     sync.WaitGroup // runs started outside cron (catch-up), output retries
}

type claim struct {
	prog string
	at   int64 // UnixNano
}

// New returns a daemon; Run starts it.
func New(opt Options) *Daemon {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	return &Daemon{
		opt: opt, log: opt.Logger, outputs: newOutputs(),
		progs: map[string]*schedule.Programme{}, entries: map[string]cron.EntryID{},
		swept: map[string]time.Time{}, claims: map[claim]bool{}, pending: map[claim]string{}, down: map[string]bool{},
		fixed: map[claim]fixedPlan{}, fixedMeta: map[claim]map[int]itemMeta{},
	}
}

// Startup does what must happen before anything plays: it closes log rows
// left open by a crash. Run calls it; it is separate for --once.
func (d *Daemon) Startup(ctx context.Context) error {
	rec, err := d.opt.Log.RecoverOpen(ctx, ReasonCrashed)
	if err != nil {
		return err
	}
	if rec.Items+rec.Runs > 0 {
		d.log.Warn("closed airtime log rows left open by a previous loa", "items", rec.Items, "runs", rec.Runs)
	}
	return nil
}

// Run loads the schedules (an invalid set is returned as the error: the
// daemon refuses to start), recovers the log, accounts for runs missed
// while loa was down, and plays programmes until ctx is done. Each receive
// on reload reloads the schedules. On return every run has been closed.
func (d *Daemon) Run(ctx context.Context, reload <-chan struct{}) error {
	progs, err := d.opt.Load(ctx)
	if err != nil {
		return err
	}
	if err := d.Startup(ctx); err != nil {
		return err
	}
	last, err := d.opt.Log.LastRuns(ctx)
	if err != nil {
		return err
	}
	c := cron.New(
		cron.WithLocation(d.opt.Location),
		cron.WithLogger(cronLogger{d.log}),
		// SkipIfStillRunning outside Recover: a panic is recovered inside,
		// so the skip token is always given back.
		cron.WithChain(cron.SkipIfStillRunning(cronLogger{d.log}), cron.Recover(cronLogger{d.log})),
	)
	d.mu.Lock()
	d.cron = c
	d.runCtx = ctx
	d.mu.Unlock()
	c.Start()
	now := time.Now()
	d.install(ctx, progs, now, last)
	// Only once the runs of the outage are logged: a crash before this
	// leaves them to the next start.
	d.heartbeat(now)
	d.log.Info("daemon started", "programmes", len(progs), "lead", d.opt.Lead, "grace", d.opt.Grace, "overlap", d.opt.Overlap)
	if d.opt.Started != nil {
		d.opt.Started()
	}

	sweep := time.NewTicker(2 * time.Second)
	defer sweep.Stop()
	beat := time.NewTicker(30 * time.Second)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			d.log.Info("stopping")
			stopped := c.Stop()
			<-stopped.Done()
			d.extra.Wait()
			d.log.Info("stopped")
			return nil
		case <-reload:
			d.reload(ctx)
		case now := <-sweep.C:
			d.sweep(ctx, now)
		case now := <-beat.C:
			d.heartbeat(now)
		}
	}
}

func (d *Daemon) reload(ctx context.Context) {
	progs, err := d.opt.Load(ctx)
	if err != nil {
		d.log.Error("reload schedules: keeping the current ones", "err", err)
		return
	}
	d.install(ctx, progs, time.Now(), nil)
	d.log.Info("schedules reloaded", "programmes", len(progs))
}

// install replaces the cron entries with progs. last (start only) holds the
// latest logged run per programme for missed-run accounting; on reload it
// is nil and only runs within the lead window are started.
func (d *Daemon) install(ctx context.Context, progs []*schedule.Programme, now time.Time, last map[string]time.Time) {
	d.mu.Lock()
	for name, id := range d.entries {
		d.cron.Remove(id)
		delete(d.entries, name)
	}
	old := d.progs
	d.progs = map[string]*schedule.Programme{}
	for _, p := range progs {
		d.progs[p.Name] = p
		j := &cronJob{ready: make(chan struct{})}
		j.fn = func() {
			<-j.ready
			e := d.cron.Entry(j.id)
			if e.ID == 0 || e.Prev.IsZero() {
				return // removed by a reload before it could run
			}
			d.play(ctx, p, e.Prev.Add(d.opt.Lead), "")
		}
		// Schedule wraps the job in the cron's chain.
		j.id = d.cron.Schedule(leadSchedule{p.Schedule, d.opt.Lead}, cron.FuncJob(j.fn))
		close(j.ready)
		d.entries[p.Name] = j.id
	}
	for name := range old {
		if _, ok := d.progs[name]; !ok {
			delete(d.swept, name)
		}
	}
	d.mu.Unlock()

	// Runs due within the lead window were not given to cron (its first
	// firing is for a run after now+lead): start them here. At start, also
	// account for runs that passed while loa was down.
	for _, p := range progs {
		lb := now
		if last != nil {
			// From the last heartbeat, not from the programme's last
			// logged run: a run logged after it (loa daemon --once, or the
			// daemon's own runs in its last 30 s) does not mean the
			// schedule was kept; runs already logged are left as they are
			// (the log's UNIQUE index).
			if !d.opt.LastAlive.IsZero() {
				lb = d.opt.LastAlive
			} else if t, ok := last[p.Name]; ok {
				lb = t
			}
			if lb.After(now) {
				lb = now
			}
		}
		times := p.Runs(lb.Add(time.Nanosecond), now.Add(d.opt.Lead).Add(time.Nanosecond), maxCatchUp)
		if len(times) == maxCatchUp {
			d.log.Warn("too many runs passed while loa was down: only the first ones are logged missed",
				"programme", p.Name, "since", lb, "logged", maxCatchUp)
		}
		late := time.Time{}
		for _, t := range times {
			if !t.After(now) && now.Sub(t) <= d.opt.Grace {
				late = t // the latest passed run within grace plays late
			}
		}
		for _, t := range times {
			switch {
			case t.After(now):
				d.spawn(ctx, p, t, "")
			case t.Equal(late):
				d.spawn(ctx, p, t, ReasonDown)
			default:
				d.missed(ctx, p, t, ReasonDown)
			}
		}
		if next := p.Schedule.Next(now); !next.IsZero() {
			d.log.Info("programme scheduled", "programme", p.Name, "output", d.outputFor(p),
				"next", next.In(d.opt.Location).Format(time.RFC3339))
		} else {
			d.log.Info("programme has no further runs", "programme", p.Name)
		}
		d.mu.Lock()
		if _, ok := d.swept[p.Name]; !ok || last != nil {
			d.swept[p.Name] = now
		}
		d.mu.Unlock()
	}
}

// maxCatchUp bounds the runs accounted for at start (a per-second test
// schedule after a week down would otherwise write 600 000 rows).
const maxCatchUp = 10000

type cronJob struct {
	ready chan struct{}
	id    cron.EntryID
	fn    func()
}

// leadSchedule fires lead before each time of the programme's schedule.
type leadSchedule struct {
	inner cron.Schedule
	lead  time.Duration
}

func (s leadSchedule) Next(t time.Time) time.Time {
	n := s.inner.Next(t.Add(s.lead))
	if n.IsZero() {
		return n
	}
	return n.Add(-s.lead)
}

// spawn plays a run in its own goroutine (catch-up runs, outside cron),
// recovering a panic like cron's Recover does. The run is claimed before
// spawn returns, so a heartbeat written after it is held back by the run.
func (d *Daemon) spawn(ctx context.Context, p *schedule.Programme, at time.Time, late string) {
	if !d.claimRun(p.Name, at) {
		return
	}
	d.extra.Add(1)
	go func() {
		defer d.extra.Done()
		defer d.recoverPanic(p.Name)
		d.playClaimed(ctx, p, at, late)
	}()
}

// heartbeat records that the daemon is alive at now, or just before the
// earliest claimed run that has no log row yet: the next start accounts
// for the runs after the heartbeat, and such a run must be among them.
func (d *Daemon) heartbeat(now time.Time) {
	if d.opt.Heartbeat == nil {
		return
	}
	beat := now
	d.mu.Lock()
	for k := range d.pending {
		// A millisecond before: file times may be stored coarser than ns.
		if t := time.Unix(0, k.at).Add(-time.Millisecond); t.Before(beat) {
			beat = t
		}
	}
	d.mu.Unlock()
	if beat.Before(now) {
		d.log.Info("heartbeat held back by a run not yet in the log", "at", beat)
	}
	if err := d.opt.Heartbeat(beat); err != nil {
		d.log.Error("heartbeat", "err", err)
	}
}

func (d *Daemon) recoverPanic(prog string) {
	if r := recover(); r != nil {
		d.log.Error("panic in run", "programme", prog, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	}
}

// claimRun marks (programme, at) as taken by this process; false if it was.
func (d *Daemon) claimRun(prog string, at time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := claim{prog, at.UnixNano()}
	if d.claims[k] {
		return false
	}
	d.claims[k] = true
	d.pending[k] = ""
	return true
}

// logged records that the run has a row in the log (written or found).
func (d *Daemon) logged(prog string, at time.Time) {
	d.mu.Lock()
	delete(d.pending, claim{prog, at.UnixNano()})
	d.mu.Unlock()
}

// settle runs when a claimed run's play returns: a run left without a row
// whose time has passed is logged missed now (stopped while it was being
// prepared or held for the output); one whose time has not come is left
// to the next start (the heartbeat was held before it). A write that fails
// is retried by sweep.
func (d *Daemon) settle(ctx context.Context, p *schedule.Programme, at time.Time) {
	k := claim{p.Name, at.UnixNano()}
	d.mu.Lock()
	_, ok := d.pending[k]
	d.mu.Unlock()
	if !ok {
		return
	}
	if time.Now().Before(at) {
		d.logged(p.Name, at) // not due: nothing to account for yet
		return
	}
	reason := ReasonUnlogged
	if ctx.Err() != nil {
		reason = ReasonStoppedUnopened
	}
	if !d.logMissed(ctx, p, at, reason) {
		d.mu.Lock()
		d.pending[k] = reason
		d.mu.Unlock()
	}
}

// logMissed writes a missed row for a claimed run; true once the run has a
// row (written now or already there).
func (d *Daemon) logMissed(ctx context.Context, p *schedule.Programme, at time.Time, reason string) bool {
	_, err := d.opt.Log.LogMissed(context.WithoutCancel(ctx), d.runSpec(p, at), airlog.RunMissed, reason)
	switch {
	case errors.Is(err, airlog.ErrDuplicate):
	case err != nil:
		d.log.Error("log missed run", "programme", p.Name, "at", at, "err", err)
		return false
	default:
		d.log.Warn("run missed", "programme", p.Name, "at", at, "reason", reason)
	}
	d.logged(p.Name, at)
	return true
}

// missed logs a run that will not air.
func (d *Daemon) missed(ctx context.Context, p *schedule.Programme, at time.Time, reason string) {
	if !d.claimRun(p.Name, at) {
		return
	}
	if !d.logMissed(ctx, p, at, reason) {
		d.mu.Lock()
		d.pending[claim{p.Name, at.UnixNano()}] = reason
		d.mu.Unlock()
	}
}

// sweep logs as missed the scheduled times that passed unclaimed (a cron
// firing skipped because the previous run was still on), and forgets old
// claims.
func (d *Daemon) sweep(ctx context.Context, now time.Time) {
	until := now.Add(-3 * time.Second)
	d.mu.Lock()
	type due struct {
		p  *schedule.Programme
		at time.Time
	}
	var todo, ahead, retry []due
	var retryReason []string
	for name, p := range d.progs {
		// Cron fires a run's job Lead before air; when the previous run's
		// job is still playing then (back-to-back runs), SkipIfStillRunning
		// skips the firing although the runs need not overlap. Start such
		// runs here; play waits for the output per the overlap policy, and
		// claimRun keeps a run from playing twice.
		for _, t := range p.Runs(now, now.Add(d.opt.Lead), maxCatchUp) {
			if !d.claims[claim{name, t.UnixNano()}] {
				ahead = append(ahead, due{p, t})
			}
		}
		from, ok := d.swept[name]
		if !ok || !from.Before(until) {
			continue
		}
		for _, t := range p.Runs(from, until, maxCatchUp) {
			if !d.claims[claim{name, t.UnixNano()}] {
				todo = append(todo, due{p, t})
			}
		}
		d.swept[name] = until
	}
	for k := range d.claims {
		if _, held := d.pending[k]; !held && time.Unix(0, k.at).Before(now.Add(-24*time.Hour)) {
			delete(d.claims, k)
		}
	}
	for k, reason := range d.pending {
		if p := d.progs[k.prog]; p != nil && reason != "" {
			retry = append(retry, due{p, time.Unix(0, k.at)})
			retryReason = append(retryReason, reason)
		}
	}
	d.mu.Unlock()
	for i, x := range retry {
		d.logMissed(ctx, x.p, x.at, retryReason[i])
	}
	for _, x := range ahead {
		d.spawn(ctx, x.p, x.at, "")
	}
	for _, x := range todo {
		d.missed(ctx, x.p, x.at, ReasonSelfOverlap)
	}
}

func (d *Daemon) outputFor(p *schedule.Programme) string {
	if d.opt.Output != "" {
		return d.opt.Output
	}
	return p.Output
}

func (d *Daemon) runSpec(p *schedule.Programme, at time.Time) airlog.RunSpec {
	return airlog.RunSpec{Programme: p.Name, Title: p.Title, Output: d.outputFor(p), ScheduledAt: at}
}

// Once plays the named programme now (at the next whole second at least
// half a second away) and returns its result.
func (d *Daemon) Once(ctx context.Context, name string) (Result, error) {
	progs, err := d.opt.Load(ctx)
	if err != nil {
		return Result{}, err
	}
	var p *schedule.Programme
	for _, q := range progs {
		if q.Name == name {
			p = q
		}
	}
	if p == nil {
		return Result{}, fmt.Errorf("no programme named %q", name)
	}
	if err := d.Startup(ctx); err != nil {
		return Result{}, err
	}
	// The time is chosen again once the audio is prepared (playClaimed):
	// preparing may take longer than this lead on a loaded machine.
	d.mu.Lock() // Announce reads it from the control socket's goroutine
	d.once = true
	d.mu.Unlock()
	return d.play(ctx, p, onceAt(time.Now()), ""), nil
}

// onceAhead is how far ahead of now loa daemon --once starts at least.
const onceAhead = 500 * time.Millisecond

// onceAt is the next whole second at least onceAhead after now.
func onceAt(now time.Time) time.Time {
	return now.Add(onceAhead + time.Second - 1).Truncate(time.Second)
}

// moveClaim moves this daemon's claim of a run to another time.
func (d *Daemon) moveClaim(prog string, from, to time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := claim{prog, from.UnixNano()}
	delete(d.claims, k)
	delete(d.pending, k)
	k.at = to.UnixNano()
	d.claims[k] = true
	d.pending[k] = ""
}

// cronLogger sends robfig/cron's logging to slog; its routine chatter
// (schedule, wake, run) is debug.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		// Not lost: sweep starts the run, and the overlap policy applies.
		c.l.Info("cron: firing skipped while the previous run of the programme plays; the run starts from the sweep", kv...)
		return
	}
	c.l.Debug("cron: "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
