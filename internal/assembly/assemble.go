package assembly

import (
	"context"
	"fmt"
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

// Eligible reports whether s may air in a run of prog at at, and if not
// why (for listings and tests).
func Eligible(prog *schedule.Programme, s *Script, at time.Time) (bool, string) {
	day := at.In(prog.Location).Format(database.DateFormat)
	switch {
	case s.Status != queue.Approved: // defence in depth: the queue passes only approved scripts
		return false, "not approved"
	case s.AudioSHA256 == "":
		return false, "no audio"
	case !s.InWindow(day):
		return false, "outside its air window"
	case !s.UnderMaxPlays():
		return false, "reached its max plays"
	case len(prog.Topics) > 0 && !slices.Contains(prog.Topics, s.Topic):
		return false, "topic not in the programme"
	case len(prog.Audiences) > 0 && !slices.Contains(prog.Audiences, s.Audience):
		return false, "audience not in the programme"
	case Seconds(s) <= 0:
		return false, "no audio length"
	case prog.RepeatDays > 0 && !s.LastPlayed.IsZero() && daysBetween(s.LastPlayed.Time, at, prog.Location) < prog.RepeatDays:
		return false, fmt.Sprintf("aired less than %d days ago", prog.RepeatDays)
	}
	return true, ""
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
func Assemble(prog *schedule.Programme, in Input) Plan {
	plan := Plan{Programme: prog.Name, Title: prog.Title, At: in.At.In(prog.Location), LengthS: prog.Length.Seconds()}
	gap := prog.Gap.Seconds()

	var cands []*Script
	for i := range in.Candidates {
		if ok, _ := Eligible(prog, &in.Candidates[i], in.At); ok {
			cands = append(cands, &in.Candidates[i])
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
	// cost of adding one more item between the fixed clips: its length
	// plus one gap (none for the very first item when there are no clips).
	used := fixed
	count := nFixed
	cost := func(sec float64) float64 {
		if count == 0 {
			return sec
		}
		return sec + gap
	}

	airtime := map[string]float64{}
	for k, v := range in.TopicAirtime {
		airtime[k] = v
	}
	taken := make([]bool, len(cands))
	var chosen []*Script
	for prog.MaxItems == 0 || len(chosen) < prog.MaxItems {
		best := -1
		for i, s := range cands {
			if taken[i] || used+cost(Seconds(s)) > plan.LengthS+eps {
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
		used += cost(Seconds(s))
		count++
		airtime[s.Topic] += Seconds(s)
	}
	used = improveFill(cands, taken, chosen, used, plan.LengthS)
	switch {
	case len(cands) == 0:
		plan.Problems = append(plan.Problems, Problem{Code: NoCandidates, Msg: "no approved script may air in this programme now"})
	case len(chosen) == 0:
		plan.Problems = append(plan.Problems, Problem{Code: NothingFits,
			Msg: fmt.Sprintf("%d eligible script(s), none fits the slot", len(cands))})
	}

	var fillers int
	if prog.Fill == schedule.FillFiller && prog.Filler != nil && prog.Filler.Seconds > 0 {
		for used+cost(prog.Filler.Seconds) <= plan.LengthS+eps {
			used += cost(prog.Filler.Seconds)
			count++
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
				IntegratedLUFS: *s.LoudnessLUFS, TruePeakDBTP: *s.TruePeakDBTP}
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
	case NoCandidates:
		return "không có bài đã duyệt nào được phát trong chương trình này"
	case NothingFits:
		return "có bài được phát nhưng không bài nào vừa thời lượng"
	case SlotTooShort:
		return "nhạc hiệu mở đầu và kết thúc dài hơn thời lượng chương trình"
	case AudioFailed:
		return fmt.Sprintf("tệp âm thanh của bài %d bị thiếu hoặc đã thay đổi: %s", p.ScriptID, p.Msg)
	}
	return p.Msg
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
