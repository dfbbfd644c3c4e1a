// Package assembly chooses what one programme run airs: from the approved
// scripts, in a deterministic order, as many as fit the slot.
//
// Order: emergency, then priority, then the topic with the least airtime so
// far in the current half-year (counting what this run has already taken),
// then fewest plays, then oldest approval, then lowest id. A candidate is
// skipped when it is outside its air window (local date of the run), has
// reached its max plays, aired less than the programme's repeat_days ago, or
// is not among the programme's topics or audiences. Repeat spacing alone
// yields: when it would leave the run without a script, the scripts it held
// back are taken after all (Problem SpacingRelaxed), since silence at an
// announced hour is worse than an early repeat. The slot's length minus
// intro, outro and gaps is filled greedily in that order with every script
// that still fits, so the programme never exceeds its slot; then, to use
// the time left, a chosen normal script may give its place to a longer
// unchosen one of the same topic that fits.
//
// Assemble is pure: the same inputs give the same Plan. The daemon
// assembles ahead of air time (playout.lead) and, before air, checks each
// chosen script's audio with AssembleVerified, which drops scripts whose file
// is missing or altered and chooses again.
package assembly

import (
	"time"

	"loa/internal/airlog"
	"loa/internal/queue"
)

// Item kinds: the airtime log's (air_items.kind), where a plan's items go.
const (
	KindScript = airlog.KindScript
	KindJingle = airlog.KindJingle
	KindFiller = airlog.KindFiller
)

// Input is everything a run's choice depends on besides the programme.
type Input struct {
	At         time.Time // scheduled start of the run
	Candidates []Script  // approved scripts (queue.Approved); filtered again here
	// TopicAirtime is the seconds aired per topic code in the current
	// half-year (see HalfYear) before At; missing topics count 0.
	TopicAirtime map[string]float64
	// ScriptPath, if set, gives the file of a script's audio (content
	// store path); Item.Path stays "" otherwise.
	ScriptPath func(Script) string
	// Location is the station zone: a script's air window is in its local
	// dates, as the queue's air check reads it. Nil: the programme's zone.
	Location *time.Location
}

// Plan is the programme of one run.
type Plan struct {
	Programme string
	Title     string
	At        time.Time // scheduled start, in the programme's zone
	LengthS   float64   // the slot
	Items     []Item    // in air order; empty when nothing is to air
	FillS     float64   // planned duration: all items plus gaps (<= LengthS)
	ScriptS   float64   // seconds of scripts only
	Problems  []Problem // why the run is short or empty; nil when all is well
}

// Item is one thing to play.
type Item struct {
	Kind                            string // KindScript, KindJingle, KindFiller
	ScriptID                        int64  // 0 for jingles and filler
	Title                           string // script title, or a Vietnamese label for a jingle
	Topic, Area, Audience, Priority string
	Path                            string  // file to play (jingle/filler: absolute; script: Input.ScriptPath)
	SHA256                          string  // approved audio hash of a script
	Seconds                         float64 // exact planned length (frames / sample rate)
	OffsetS                         float64 // planned start, seconds after the run's start
	LoudnessLUFS                    *float64
	// Media is what ingest measured of a script's audio (nil for clips):
	// playout hands it to the renderer so nothing is decoded twice.
	Media *queue.Media
}

// Problem codes.
const (
	NoApproved     = "no-approved"     // no script is approved for air at all
	NoCandidates   = "no-candidates"   // approved scripts exist, none passes windows, max plays, topics, audiences (Causes say which)
	NothingFits    = "nothing-fits"    // eligible scripts exist but none fits the slot
	SlotTooShort   = "slot-too-short"  // intro+outro alone exceed the slot
	AudioFailed    = "audio-failed"    // a chosen script's audio failed verification and was dropped
	SpacingRelaxed = "spacing-relaxed" // every eligible script aired within repeat_days: they air anyway (the run is not empty)
)

// Problem is one reason a plan is short or empty, or (SpacingRelaxed) a
// rule that yielded.
type Problem struct {
	Code       string
	ScriptID   int64   // for AudioFailed
	RepeatDays int     // for SpacingRelaxed
	Causes     []Cause // for NoCandidates: why the approved scripts were held back
	Msg        string  // English detail, for logs
}

// Cause counts the approved scripts held back for one reason (a Held code).
type Cause struct {
	Code    string
	Scripts int
}

// HasScripts reports whether the plan airs any script; when false the
// daemon applies the fallback (Items then hold only filler, or nothing).
func (p *Plan) HasScripts() bool { return p.ScriptS > 0 }

// API (see assemble.go):
//
//	Assemble(prog *schedule.Programme, in Input) Plan
//	AssembleVerified(ctx, prog, in, verify Verify) (Plan, error) // verify: queue.VerifyAudio
//	HalfYear(t time.Time) (from, to time.Time)  // the half-year containing t, in t's zone
//	Seconds(*Script) float64                    // frames / sample rate
//	(*Plan).ProblemText() string                // Problems in Vietnamese, for the run's reason
//
// Script is queue.Script (an alias). When fill is "end" and no script is
// chosen, Items is empty (the run is logged empty). When fill is "filler",
// the filler repeats, in whole copies, in the time the scripts leave, with
// the intro and outro around it even when no script is chosen.
