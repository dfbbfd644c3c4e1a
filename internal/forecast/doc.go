// Package forecast says what the station's coming programme runs will air:
// the one forecaster behind `loa schedule next`, `loa simulate`, the web
// calendar and (per run, through Load and Start.Input) the daemon.
//
// A forecast starts from the station as it is at an instant (Start: the
// approved scripts with their real plays and last airings, and the topic
// airtime of the current half-year from the airtime log) and walks the
// programmes' runs in time order. Each run is assembled (internal/assembly)
// against the state the daemon would see when it assembles that run,
// playout.lead before air: what earlier runs aired counts — plays, last
// airing for repeat spacing, topic airtime of its half-year — once it has
// ended before that instant, as the airtime log counts only closed items.
// So runs far apart see everything before them, and two runs at one
// instant on two outputs do not see each other, as in the daemon.
//
// The forecast does not hash stored files (the daemon does, before air):
// a script whose audio turns out altered is the one way the daemon airs
// other than forecast, given the same queue.
//
// API:
//
//	Load(ctx, q Queue, log Log, at, loc) (Start, error)  // the station at an instant
//	(Start).Input(at) assembly.Input                     // what one run is assembled from
//	Runs(ctx, opt Options, st Start, to, limit) ([]Run, error)  // runs from st.At
//	Between(ctx, opt, st, from, to, limit) ([]Run, error) // calendar: runs in [from, to), state carried from st.At
package forecast
