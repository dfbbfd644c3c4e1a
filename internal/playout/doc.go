// Package playout is the station daemon: it runs the programmes of
// schedules/*.toml on time, unattended, and writes the airtime log.
//
// For every programme a robfig/cron entry fires playout.lead (default 2
// minutes) before each scheduled start, through the chain
// SkipIfStillRunning(Recover(job)) so a panicking job is logged and never
// leaves the programme stuck. The job (one run):
//
//  1. claims (programme, time) so a run is never played twice by this
//     process; the log's UNIQUE index stops a second row across processes;
//  2. assembles the plan (Planner: queue + airlog + assembly, with every
//     chosen file verified against its approved sha256), logging each
//     problem before air; with no script the fallback is what assembly
//     planned instead (filler/ident) or an `empty` run;
//  3. prepares the audio (Air.Prepare: the renderer decodes ahead);
//  4. takes the output (one programme at a time per sink: "alsa" and
//     "alsa+wav:DIR" share "alsa"): if it is busy at air time the run is
//     skipped (logged `missed`) or delayed up to playout.grace, per
//     playout.overlap;
//  5. opens the run row, waits for the scheduled instant (timer, then a
//     short spin) and starts the output; the first sample's wall-clock time
//     minus the scheduled time is the start error, logged and stored in
//     air_runs.start_error_ms;
//  6. while playing, every 500 ms (and at each item start) maps the frames that went out to items:
//     an item row is inserted when its first sample goes out, its progress
//     updated, and it is closed with the seconds actually played (from the
//     renderer's output frame offsets, not from the clock).
//
// Shutdown (ctx cancelled on SIGTERM/SIGINT): the output stops within
// ~100 ms and the item on air is closed `partial` with the exact seconds
// played; the run `partial`. Log writes after cancellation use a context
// that is not cancelled.
//
// Crash (kill -9): at the next start airlog.RecoverOpen closes open rows as
// partial with their last progress. A run whose time passed while loa was
// down is logged `missed`, except the latest one within playout.grace,
// which plays late. "Down" is measured from the heartbeat, a file apart
// from the lock (DATA/daemon.lock, held with flock so a second daemon
// refuses to start, and taken by loa daemon --once and loa migrate too):
// DATA/daemon.heartbeat has its mtime touched by the daemon only, once the
// outage is accounted for at start and every 30 s after. Runs scheduled
// after the last heartbeat that have no row are logged. No heartbeat ever
// (first start): nothing is counted missed.
//
// A sweeper (every 2 s) starts any run due within the lead that no job has
// claimed: with back-to-back runs (lead+length longer than the period)
// cron's firing comes while the previous run's job still plays, and
// SkipIfStillRunning skips it although the runs need not overlap; the run
// then takes the output per playout.overlap like any other. The sweeper
// also logs as `missed` any scheduled time that passed without a run
// claiming it, so every scheduled run leaves a row.
//
// SIGHUP (Daemon.Reload): schedules are loaded and checked again; on any
// problem the old set stays and the error is logged. Runs in flight finish.
package playout
