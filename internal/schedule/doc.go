// Package schedule reads the station's programme files (schedules/*.toml, one
// programme each), computes when programmes run and checks a set of them for
// problems before the daemon trusts it.
//
// A file, with every key (only name, title, length and one of cron/monthly
// are required):
//
//	name    = "cchc-hang-tuan"                   # stable id, [a-z0-9-]; logged with every run
//	title   = "Chuyên mục Cải cách hành chính"   # Vietnamese, shown to users
//	cron    = "0 17 * * 2,5"                     # 5 fields, or 6 with seconds first
//	monthly = "first sunday 06:30"               # instead of cron: first|second|third|fourth|last <weekday> HH:MM
//	length  = "15m"                              # the slot; a programme never runs longer
//	timezone = "Asia/Ho_Chi_Minh"                # default: the station's (config station.timezone)
//	active_from  = "2027-01-01"                  # optional local dates, inclusive
//	active_until = "2027-12-31"
//	output  = "alsa"                             # default: the station's (config playout.output)
//	intro   = "audio/jingles/intro.mp3"          # optional jingles; relative paths are
//	outro   = "audio/jingles/outro.mp3"          #   relative to the working directory
//	gap     = "2s"                               # silence between consecutive items
//	topics    = ["mot-cua-dvc", "ke-hoach"]      # allowed topic codes (default: all)
//	audiences = ["nguoi-dan"]                    # allowed audiences (default: all)
//	max_items = 6                                # scripts per run (default: no limit)
//	repeat_days = 7                              # a script airs again only this many local days later
//	fill   = "filler"                            # "end" (default): end early; "filler": repeat filler
//	filler = "audio/jingles/ident.mp3"           #   (the station ident) to fill the slot
//
// Unknown keys are errors. Every problem names the file and the key.
package schedule

import (
	"context"
	"time"

	"github.com/robfig/cron/v3"
)

// Fill policies: what a run does with the time approved content leaves.
const (
	FillEnd    = "end"    // end the programme early
	FillFiller = "filler" // repeat the filler clip (station ident) while whole copies fit
)

// Programme is one parsed, valid programme file.
type Programme struct {
	Name  string // file key name
	Title string // file key title (NFC)
	File  string // path of the file, for messages

	Cron     string         // as written, "" for a monthly programme
	Monthly  string         // as written, "" for a cron programme
	Location *time.Location // the programme's time zone
	// Rule is the bare rule (cron or monthly) in Location; Schedule is Rule
	// limited to the active range: its Next returns the zero time once the
	// range is over, which robfig/cron treats as "never again". The daemon
	// registers Schedule.
	Rule     cron.Schedule
	Schedule cron.Schedule

	ActiveFrom, ActiveUntil string // local dates "YYYY-MM-DD", inclusive, "" = open

	Length time.Duration
	Gap    time.Duration
	Intro  *Clip // nil: none
	Outro  *Clip // nil: none
	Fill   string
	Filler *Clip // set when Fill == FillFiller

	Topics     []string // allowed topic codes; empty: all
	Audiences  []string // allowed audience codes; empty: all
	MaxItems   int      // scripts per run; 0: no limit
	RepeatDays int      // minimum local days between two airings of one script

	Output string // output spec; the station default when the file has none
}

// Clip is a jingle or filler file.
type Clip struct {
	Path    string  // as written in the file
	Abs     string  // resolved absolute path, the file to play
	Seconds float64 // exact length (from Options.Measure); 0 when not measured
}

// Measure returns the exact length of an audio file in seconds; cmd/loa
// passes one built on audio.Analyze.
type Measure func(ctx context.Context, path string) (float64, error)

// Options is what loading needs from outside the files.
type Options struct {
	Location *time.Location // station time zone (config.Location())
	Output   string         // station default output (config playout.output)
	BaseDir  string         // relative clip paths resolve here; "" = working directory
	Measure  Measure        // nil: clip lengths are not measured (Seconds 0)
	// CheckOutput validates a file's output spec (output.Parse), so that
	// check refuses what the daemon would; nil: specs are not checked.
	CheckOutput func(spec string) error
}

// Problem is one thing wrong with a programme file.
type Problem struct {
	File  string // the programme file ("" for the directory)
	Field string // the key ("" for the file as a whole)
	Msg   string
}

// Error renders "file: field: msg".
func (p Problem) Error() string {
	s := p.File
	if p.Field != "" {
		s += ": " + p.Field
	}
	return s + ": " + p.Msg
}

// API (see load.go, check.go, monthly.go):
//
//	Load(ctx, dir, opt) ([]*Programme, []Problem, error)  // every *.toml; problems collected, err only for I/O
//	Check(progs, from, horizon) []Problem                 // cross-file: duplicate names, overlaps on one output
//	LoadValid(ctx, dir, opt, now) ([]*Programme, error)   // Load+Check; any problem → inputerr (daemon refuses to start)
//	ParseMonthly(rule, loc) (*MonthlyRule, error)         // a cron.Schedule
//	(*Programme).Runs(from, to, max) []time.Time          // scheduled starts in [from, to)
//	LoadFile(ctx, path, opt) (*Programme, []Problem)
//	OptionsFrom(cfg, measure) Options
//	Upcoming(progs, from, to, max) []Run                 // runs of several programmes merged in time order
//	Sinks(spec) []string                                 // the sinks of an output spec ("alsa+wav:DIR" → alsa, wav:DIR)
