package assembly

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"loa/internal/database"
	"loa/internal/queue"
	"loa/internal/schedule"
)

// Vietnamese titles of the clips, as logged and reported.
const (
	TitleIntro  = "Nhạc hiệu mở đầu"
	TitleOutro  = "Nhạc hiệu kết thúc"
	TitleFiller = "Nhạc hiệu của đài"
)

// Seconds is a script's exact length: frames over the sample rate, or the
// stored duration for a script measured otherwise.
func Seconds(s *Script) float64 {
	if s.SampleRate > 0 && s.Frames > 0 {
		return float64(s.Frames) / float64(s.SampleRate)
	}
	return s.DurationS
}

// HalfYear returns the half-year (1 January–30 June, 1 July–31 December)
// containing t, in t's zone: the period over which topic airtime is
// balanced, the same as the six-month report.
func HalfYear(t time.Time) (from, to time.Time) {
	m := time.January
	if t.Month() > time.June {
		m = time.July
	}
	from = time.Date(t.Year(), m, 1, 0, 0, 0, 0, t.Location())
	return from, from.AddDate(0, 6, 0)
}

// Why a script may not air in a run (Cause.Code): the causes an
// empty run's reason names.
const (
	HeldNotApproved = "not-approved" // defence in depth: the queue passes only approved scripts
	HeldNoAudio     = "no-audio"     // no audio file
	HeldNotYet      = "window-ahead" // its air window has not begun
	HeldExpired     = "window-over"  // its air window is over
	HeldMaxPlays    = "max-plays"    // it reached its max plays
	HeldTopic       = "topic"        // its topic is not among the programme's
	HeldAudience    = "audience"     // its audience is not among the programme's
	HeldNoLength    = "no-length"    // its audio has no measured length
	HeldSpacing     = "spacing"      // it aired less than the programme's repeat_days ago
)

// heldOrder is the order an empty run's causes are listed in. Spacing is
// never among them: it yields (see Assemble).
var heldOrder = [...]string{HeldNotApproved, HeldNoAudio, HeldNoLength, HeldNotYet, HeldExpired, HeldMaxPlays,
	HeldTopic, HeldAudience}

// held says why s may not air in a run of prog at at (a Held code; "" when
// it may); station is the zone of the script's air window dates.
func held(prog *schedule.Programme, s *Script, at time.Time, station *time.Location) string {
	day := at.In(station).Format(database.DateFormat)
	switch {
	case s.Status != queue.Approved:
		return HeldNotApproved
	case s.AudioSHA256 == "":
		return HeldNoAudio
	case Seconds(s) <= 0:
		return HeldNoLength
	case !s.InWindow(day):
		if s.From != "" && day < s.From {
			return HeldNotYet
		}
		return HeldExpired
	case !s.UnderMaxPlays():
		return HeldMaxPlays
	case len(prog.Topics) > 0 && !slices.Contains(prog.Topics, s.Topic):
		return HeldTopic
	case len(prog.Audiences) > 0 && !slices.Contains(prog.Audiences, s.Audience):
		return HeldAudience
	case prog.RepeatDays > 0 && !s.LastPlayed.IsZero() && daysBetween(s.LastPlayed.Time, at, prog.Location) < prog.RepeatDays:
		return HeldSpacing
	}
	return ""
}

// daysBetween counts local calendar days from a to b.
func daysBetween(a, b time.Time, loc *time.Location) int {
	ay, am, ad := a.In(loc).Date()
	by, bm, bd := b.In(loc).Date()
	da := time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC)
	return int(math.Round(db.Sub(da).Hours() / 24))
}

func priorityRank(p string) int {
	switch p {
	case "emergency":
		return 0
	case "priority":
		return 1
	}
	return 2
}

// eps absorbs float rounding when sums of exact lengths meet the slot.
const eps = 1e-6

// Assemble chooses the items of a run of prog at in.At. It is pure.
//
// Repeat spacing (repeat_days) is the one rule that yields: when no script
// passes every rule but some are held back only by spacing, the run is
// chosen again with those allowed, and the plan says so (SpacingRelaxed).
// A commune's plan asks for regular broadcasts (thường xuyên, liên tục):
// repeating a script sooner than wished is a lesser harm than loudspeakers
// silent at the announced hour. Approval, air windows, max plays and the
// programme's topics and audiences never yield.
func Assemble(prog *schedule.Programme, in Input) Plan {
	plan := Plan{Programme: prog.Name, Title: prog.Title, At: in.At.In(prog.Location), LengthS: prog.Length.Seconds()}
	station := in.Location
	if station == nil {
		station = prog.Location
	}
	gap := prog.Gap.Seconds()

	var cands, spaced []*Script
	counts := map[string]int{}
	for i := range in.Candidates {
		s := &in.Candidates[i]
		switch why := held(prog, s, in.At, station); why {
		case "":
			cands = append(cands, s)
		case HeldSpacing:
			spaced = append(spaced, s)
		default:
			counts[why]++
		}
	}

	// fixed is the time taken by the jingles and their gaps; items adds one
	// gap before each further item.
	var fixed float64
	nFixed := 0
	for _, c := range []*schedule.Clip{prog.Intro, prog.Outro} {
		if c != nil {
			fixed += c.Seconds
			nFixed++
		}
	}
	if nFixed == 2 {
		fixed += gap
	}
	if fixed > plan.LengthS+eps {
		plan.Problems = append(plan.Problems, Problem{Code: SlotTooShort,
			Msg: fmt.Sprintf("intro and outro (%.1fs) exceed the slot (%.0fs)", fixed, plan.LengthS)})
		return plan
	}
	f := filling{prog: prog, length: plan.LengthS, gap: gap, used: fixed, count: nFixed}
	chosen, fill := f.choose(cands, in.TopicAirtime)
	if len(chosen) == 0 && len(spaced) > 0 {
		if again, fill2 := f.choose(append(slices.Clone(cands), spaced...), in.TopicAirtime); len(again) > 0 {
			chosen, fill = again, fill2
			plan.Problems = append(plan.Problems, Problem{Code: SpacingRelaxed, RepeatDays: prog.RepeatDays,
				Msg: fmt.Sprintf("every eligible script aired less than %d days ago: spacing relaxed", prog.RepeatDays)})
		}
	}
	switch {
	case len(in.Candidates) == 0:
		plan.Problems = append(plan.Problems, Problem{Code: NoApproved, Msg: "no script is approved for air"})
	case len(cands)+len(spaced) == 0:
		pr := Problem{Code: NoCandidates}
		var parts []string
		for _, why := range heldOrder {
			if n := counts[why]; n > 0 {
				pr.Causes = append(pr.Causes, Cause{Code: why, Scripts: n})
				parts = append(parts, fmt.Sprintf("%d %s", n, why))
			}
		}
		pr.Msg = "no approved script may air in this programme now: " + strings.Join(parts, ", ")
		plan.Problems = append(plan.Problems, pr)
	case len(chosen) == 0:
		plan.Problems = append(plan.Problems, Problem{Code: NothingFits,
			Msg: fmt.Sprintf("%d eligible script(s), none fits the slot", len(cands)+len(spaced))})
	}

	var fillers int
	if prog.Fill == schedule.FillFiller && prog.Filler != nil && prog.Filler.Seconds > 0 {
		for fill.used+fill.cost(prog.Filler.Seconds) <= plan.LengthS+eps {
			fill.used += fill.cost(prog.Filler.Seconds)
			fill.count++
			fillers++
		}
	}
	if len(chosen) == 0 && fillers == 0 {
		return plan // nothing to air: no jingles around silence
	}

	var off float64
	add := func(it Item) {
		if len(plan.Items) > 0 {
			off += gap
		}
		it.OffsetS = off
		off += it.Seconds
		plan.Items = append(plan.Items, it)
	}
	if c := prog.Intro; c != nil {
		add(Item{Kind: KindJingle, Title: TitleIntro, Path: c.Abs, Seconds: c.Seconds})
	}
	for _, s := range chosen {
		it := Item{Kind: KindScript, ScriptID: s.ID, Title: s.Title, Topic: s.Topic, Area: s.Area, Audience: s.Audience,
			Priority: s.Priority, SHA256: s.AudioSHA256, Seconds: Seconds(s), LoudnessLUFS: s.LoudnessLUFS}
		if s.LoudnessLUFS != nil && s.TruePeakDBTP != nil && s.Frames > 0 {
			it.Media = &queue.Media{Format: s.AudioFormat, SampleRate: s.SampleRate, Channels: s.Channels, Frames: s.Frames,
				IntegratedLUFS: *s.LoudnessLUFS, TruePeakDBTP: *s.TruePeakDBTP, Level: s.Level}
		}
		if in.ScriptPath != nil {
			it.Path = in.ScriptPath(*s)
		}
		add(it)
		plan.ScriptS += it.Seconds
	}
	for range fillers {
		add(Item{Kind: KindFiller, Title: TitleFiller, Path: prog.Filler.Abs, Seconds: prog.Filler.Seconds})
	}
	if c := prog.Outro; c != nil {
		add(Item{Kind: KindJingle, Title: TitleOutro, Path: c.Abs, Seconds: c.Seconds})
	}
	plan.FillS = off
	return plan
}

// filling is the slot being filled: what the fixed clips take, and the
// cost of one more item (its length plus a gap, none before the very first
// item when there are no clips).
type filling struct {
	prog        *schedule.Programme
	length, gap float64
	used        float64
	count       int
}

func (f filling) cost(sec float64) float64 {
	if f.count == 0 {
		return sec
	}
	return sec + f.gap
}

// choose fills f from cands greedily in rank order (better), balancing
// topics as it goes, then improves the fill; it returns the scripts in air
// order and the filling after them. cands is not changed.
func (f filling) choose(cands []*Script, topicAirtime map[string]float64) ([]*Script, filling) {
	airtime := maps.Clone(topicAirtime)
	if airtime == nil {
		airtime = map[string]float64{}
	}
	taken := make([]bool, len(cands))
	var chosen []*Script
	for f.prog.MaxItems == 0 || len(chosen) < f.prog.MaxItems {
		best := -1
		for i, s := range cands {
			if taken[i] || f.used+f.cost(Seconds(s)) > f.length+eps {
				continue
			}
			if best < 0 || better(s, cands[best], airtime) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		s := cands[best]
		taken[best] = true
		chosen = append(chosen, s)
		f.used += f.cost(Seconds(s))
		f.count++
		airtime[s.Topic] += Seconds(s)
	}
	f.used = improveFill(cands, taken, chosen, f.used, f.length)
	return chosen, f
}

// improveFill fills more of the slot after the greedy choice: from the
// lowest-ranked normal script up, each may be replaced by the longest
// unchosen script of the same topic and priority that still fits in its
// place. Topic balance and priorities stay as ranked; only the order by
// plays and approval within a topic yields, to time that would otherwise
// be lost. It returns the new used time; chosen is changed in place.
func improveFill(cands []*Script, taken []bool, chosen []*Script, used, length float64) float64 {
	for k := len(chosen) - 1; k >= 0; k-- {
		c := chosen[k]
		if priorityRank(c.Priority) < 2 {
			continue
		}
		best := -1
		for i, u := range cands {
			if taken[i] || u.Priority != c.Priority || u.Topic != c.Topic || Seconds(u) <= Seconds(c) ||
				used-Seconds(c)+Seconds(u) > length+eps {
				continue
			}
			if best < 0 || Seconds(u) > Seconds(cands[best]) || (Seconds(u) == Seconds(cands[best]) && u.ID < cands[best].ID) {
				best = i
			}
		}
		if best < 0 {
			continue
		}
		for i, x := range cands {
			if x == c {
				taken[i] = false
			}
		}
		taken[best] = true
		used += Seconds(cands[best]) - Seconds(c)
		chosen[k] = cands[best]
	}
	return used
}

// Vietnamese says the problem to people: run reasons in the airtime log
// and listings. Msg stays the English detail for logs.
func (p Problem) Vietnamese() string {
	switch p.Code {
	case NoApproved:
		return "chưa có bài nào được duyệt để phát"
	case NoCandidates:
		if len(p.Causes) == 0 {
			return "không có bài đã duyệt nào được phát trong chương trình này"
		}
		parts := make([]string, len(p.Causes))
		for i, c := range p.Causes {
			parts[i] = fmt.Sprintf("%d bài %s", c.Scripts, heldVietnamese(c.Code))
		}
		return "không có bài đã duyệt nào được phát trong chương trình này (" + strings.Join(parts, ", ") + ")"
	case NothingFits:
		return "có bài được phát nhưng không bài nào vừa thời lượng"
	case SlotTooShort:
		return "nhạc hiệu mở đầu và kết thúc dài hơn thời lượng chương trình"
	case AudioFailed:
		return fmt.Sprintf("tệp âm thanh của bài %d bị thiếu hoặc đã thay đổi: %s", p.ScriptID, p.Msg)
	case SpacingRelaxed:
		return fmt.Sprintf("mọi bài đủ điều kiện đều vừa phát chưa đủ %d ngày (giãn cách phát lại): vẫn phát để chương trình không bỏ trống", p.RepeatDays)
	}
	return p.Msg
}

// heldVietnamese says a Held code after "N bài".
func heldVietnamese(code string) string {
	switch code {
	case HeldNotApproved:
		return "chưa được duyệt"
	case HeldNoAudio:
		return "chưa có âm thanh"
	case HeldNoLength:
		return "chưa đo được thời lượng âm thanh"
	case HeldNotYet:
		return "chưa đến thời hạn phát"
	case HeldExpired:
		return "đã hết thời hạn phát"
	case HeldMaxPlays:
		return "đã phát đủ số lần tối đa"
	case HeldTopic:
		return "có chủ đề không thuộc chương trình"
	case HeldAudience:
		return "có đối tượng không thuộc chương trình"
	case HeldSpacing:
		return "vừa phát chưa đủ số ngày giãn cách"
	}
	return code
}

// ProblemText is the plan's problems in Vietnamese, joined with "; ": the
// run's reason in the airtime log, read by people.
func (p *Plan) ProblemText() string {
	out := make([]string, len(p.Problems))
	for i, pr := range p.Problems {
		out[i] = pr.Vietnamese()
	}
	return strings.Join(out, "; ")
}

// better reports whether a goes before b: emergency, priority, least-aired
// topic, fewest plays, oldest approval, lowest id.
func better(a, b *Script, airtime map[string]float64) bool {
	if pa, pb := priorityRank(a.Priority), priorityRank(b.Priority); pa != pb {
		return pa < pb
	}
	if ta, tb := airtime[a.Topic], airtime[b.Topic]; ta != tb {
		return ta < tb
	}
	if a.Plays != b.Plays {
		return a.Plays < b.Plays
	}
	if !a.ApprovedAt.Equal(b.ApprovedAt.Time) {
		return a.ApprovedAt.Before(b.ApprovedAt.Time)
	}
	return a.ID < b.ID
}

// Verify checks a chosen script's audio just before air and returns the
// file to play (queue.VerifyAudio).
type Verify func(ctx context.Context, s Script) (path string, err error)

// AssembleVerified assembles, verifies every chosen script's audio, and
// while one fails drops it from the candidates and assembles again; the
// failures are in Plan.Problems (code AudioFailed). Item.Path is the
// verified file.
func AssembleVerified(ctx context.Context, prog *schedule.Programme, in Input, verify Verify) (Plan, error) {
	in.Candidates = append([]Script(nil), in.Candidates...)
	var failed []Problem
	verified := map[int64]string{} // script id → file: a new choice does not hash a file again
	for {
		if err := ctx.Err(); err != nil {
			return Plan{}, err
		}
		plan := Assemble(prog, in)
		bad := int64(0)
		for i := range plan.Items {
			it := &plan.Items[i]
			if it.Kind != KindScript {
				continue
			}
			path, ok := verified[it.ScriptID]
			if !ok {
				var err error
				if path, err = verify(ctx, *find(in.Candidates, it.ScriptID)); err != nil {
					if ctx.Err() != nil {
						return Plan{}, ctx.Err()
					}
					failed = append(failed, Problem{Code: AudioFailed, ScriptID: it.ScriptID, Msg: err.Error()})
					bad = it.ScriptID
					break
				}
				verified[it.ScriptID] = path
			}
			it.Path = path
		}
		if bad == 0 {
			if len(failed) > 0 && len(in.Candidates) == 0 {
				// every candidate failed: that, not "nothing approved", is the cause
				plan.Problems = slices.DeleteFunc(plan.Problems, func(p Problem) bool { return p.Code == NoApproved })
			}
			plan.Problems = append(failed, plan.Problems...)
			return plan, nil
		}
		in.Candidates = remove(in.Candidates, bad)
	}
}

func find(ss []Script, id int64) *Script {
	for i := range ss {
		if ss[i].ID == id {
			return &ss[i]
		}
	}
	return nil
}

func remove(ss []Script, id int64) []Script {
	out := ss[:0]
	for _, s := range ss {
		if s.ID != id {
			out = append(out, s)
		}
	}
	return out
}
