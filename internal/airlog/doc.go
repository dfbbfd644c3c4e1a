// Package airlog writes, closes, recovers and queries the airtime log: the
// record behind the chairman's report of what was broadcast.
//
// The log is two append-only tables (see internal/database/migrations.go):
// air_runs, one row per programme run, and air_items, one row per item
// started (script, jingle or filler). A row is inserted open (status NULL),
// may be updated while open (a run's start, an item's progress_s) and is
// closed exactly once; the database refuses updates of closed rows and all
// deletes. All instants are stored in UTC with database.FormatTime.
//
// Lifecycle of a real run, as the daemon drives it:
//
//	id, err := log.OpenRun(ctx, airlog.RunSpec{Programme: "cchc-hang-tuan", ScheduledAt: at, Output: "alsa"})
//	log.StartRun(ctx, id, firstSample, startErrorMS)      // when the first sample leaves
//	it, err := log.StartItem(ctx, airlog.ItemSpec{RunID: id, Position: 0, Kind: airlog.KindJingle, ...})
//	log.Progress(ctx, it, 12.5)                           // at least every second while playing
//	log.CloseItem(ctx, it, airlog.ItemEnd{Seconds: 61.2, Status: airlog.ItemAired})
//	log.CloseRun(ctx, id, airlog.RunEnd{EndedAt: t, Status: airlog.RunCompleted})
//
// A run that could not play at all is logged closed in one step with
// LogMissed (status missed, or empty with a reason). OpenRun refuses a second
// row for the same programme, scheduled time and simulated flag
// (ErrDuplicate), so a restart never logs a run twice.
//
// RecoverOpen, called once at daemon start, closes rows left open by a crash
// (kill -9, power loss): items become partial with the last recorded progress,
// runs become partial (or missed if they never started).
//
// Simulated runs (loa simulate --record) are written whole and closed with
// RecordRun, or RecordRuns for a batch in one transaction (all or nothing);
// they carry simulated=1 and never count as plays.
//
// Queries, by Filter (period, programme, status, kind): EachItem and EachRun
// stream rows in air order, one in memory at a time (loa log over any
// length of log); ItemPage and RunPage return one page newest first with
// the total (the console's log page); Items and Runs collect a bounded
// period. TopicAirtime (airtime by topic in [from,to), for assembly's
// least-covered-topic rule), LastRuns (latest scheduled time per programme,
// for missed-run detection), HasReal, and Check (the log is readable: the
// daemon's health for the systemd watchdog).
// Play counts are not kept here: queue derives them from air_items.
package airlog
