package assembly

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"loa/internal/golden"
	"loa/internal/queue"
	"loa/internal/schedule"
)

var loc = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return l
}()

// at is the run of every case: Tuesday 1 December 2026, 17:00 local.
var at = time.Date(2026, 12, 1, 17, 0, 0, 0, loc)

type opt func(*Script)

func prio(p string) opt             { return func(s *Script) { s.Priority = p } }
func plays(n int) opt               { return func(s *Script) { s.Plays = n } }
func maxPlays(n int) opt            { return func(s *Script) { s.MaxPlays = &n } }
func window(from, until string) opt { return func(s *Script) { s.From, s.Until = from, until } }
func audience(a string) opt         { return func(s *Script) { s.Audience = a } }
func approved(day int) opt {
	return func(s *Script) { s.ApprovedAt = queue.JSONTime{Time: time.Date(2026, 11, day, 9, 0, 0, 0, loc)} }
}
func lastPlayed(daysAgo int) opt {
	return func(s *Script) { s.LastPlayed = queue.JSONTime{Time: at.AddDate(0, 0, -daysAgo).Add(-time.Hour)} }
}

// script makes an approved script of secs seconds (exact frames at 44.1 kHz).
func script(id int64, topic string, secs float64, opts ...opt) Script {
	s := Script{ID: id, Title: fmt.Sprintf("Bài %d", id), Topic: topic, Audience: "nguoi-dan", Priority: "normal",
		SampleRate: 44100, Frames: int64(secs * 44100), DurationS: secs + 0.3, Status: "approved",
		AudioSHA256: fmt.Sprintf("%064d", id), ApprovedAt: queue.JSONTime{Time: time.Date(2026, 11, 1, 9, 0, 0, 0, loc).Add(time.Duration(id) * time.Minute)}}
	for _, o := range opts {
		o(&s)
	}
	return s
}

func prog(length time.Duration, mods ...func(*schedule.Programme)) *schedule.Programme {
	p := &schedule.Programme{Name: "p", Title: "Chương trình", Location: loc, Length: length, Fill: schedule.FillEnd}
	for _, m := range mods {
		m(p)
	}
	return p
}

func jingles(p *schedule.Programme) {
	p.Intro = &schedule.Clip{Path: "intro.mp3", Abs: "/j/intro.mp3", Seconds: 10}
	p.Outro = &schedule.Clip{Path: "outro.mp3", Abs: "/j/outro.mp3", Seconds: 5}
	p.Gap = 2 * time.Second
}

func filler(p *schedule.Programme) {
	p.Fill = schedule.FillFiller
	p.Filler = &schedule.Clip{Path: "ident.mp3", Abs: "/j/ident.mp3", Seconds: 20}
}

func render(p Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s %s length %.0fs fill %.3fs scripts %.3fs\n", p.Programme, p.At.Format(time.RFC3339), p.LengthS, p.FillS, p.ScriptS)
	for _, it := range p.Items {
		fmt.Fprintf(&b, "  %8.3f %-6s %3d %-14s %-9s %8.3fs %s\n", it.OffsetS, it.Kind, it.ScriptID, it.Topic, it.Priority, it.Seconds, it.Title)
	}
	for _, pr := range p.Problems {
		fmt.Fprintf(&b, "  problem %s %d: %s\n    vi: %s\n", pr.Code, pr.ScriptID, pr.Msg, pr.Vietnamese())
	}
	return b.String()
}

// checkPlan asserts what must hold for every plan.
func checkPlan(t *testing.T, prog *schedule.Programme, p Plan) {
	t.Helper()
	if p.FillS > p.LengthS+1e-6 {
		t.Errorf("fill %.3f exceeds slot %.3f", p.FillS, p.LengthS)
	}
	var off, scripts float64
	seen := map[int64]bool{}
	for i, it := range p.Items {
		if i > 0 {
			off += prog.Gap.Seconds()
		}
		if d := it.OffsetS - off; d > 1e-9 || d < -1e-9 {
			t.Errorf("item %d offset %.3f, want %.3f", i, it.OffsetS, off)
		}
		off += it.Seconds
		if it.Kind == KindScript {
			scripts += it.Seconds
			if seen[it.ScriptID] {
				t.Errorf("script %d twice", it.ScriptID)
			}
			seen[it.ScriptID] = true
		}
	}
	if d := off - p.FillS; d > 1e-9 || d < -1e-9 {
		t.Errorf("FillS %.3f, items end at %.3f", p.FillS, off)
	}
	if prog.MaxItems > 0 && len(seen) > prog.MaxItems {
		t.Errorf("%d scripts > max_items %d", len(seen), prog.MaxItems)
	}
}

func TestAssemble(t *testing.T) {
	topics := []string{"chu-truong", "ke-hoach", "ket-qua", "mo-hinh", "quyen-nghia-vu", "dan-chu-ntm", "mot-cua-dvc"}
	var seven []Script
	for i, tp := range topics {
		seven = append(seven, script(int64(i+1), tp, 100))
	}
	tests := []struct {
		name    string
		prog    *schedule.Programme
		cands   []Script
		airtime map[string]float64
	}{
		{"priority first, then least-aired topic", prog(10 * time.Minute), []Script{
			script(1, "ke-hoach", 60), script(2, "ket-qua", 60), script(3, "mo-hinh", 60, prio("priority")),
			script(4, "ket-qua", 60, prio("emergency")), script(5, "chu-truong", 60),
		}, map[string]float64{"ke-hoach": 500, "ket-qua": 100, "chu-truong": 300}},
		{"topics rotate within a run", prog(10 * time.Minute), []Script{
			script(1, "ke-hoach", 100), script(2, "ke-hoach", 100), script(3, "ke-hoach", 100),
			script(4, "mo-hinh", 100), script(5, "mo-hinh", 100), script(6, "mot-cua-dvc", 100),
		}, nil},
		{"fewest plays, then oldest approval, then id", prog(4 * time.Minute), []Script{
			script(1, "ke-hoach", 60, plays(2)), script(2, "ke-hoach", 60, plays(1), approved(20)),
			script(3, "ke-hoach", 60, plays(1), approved(10)), script(4, "ke-hoach", 60, plays(1), approved(10)),
		}, nil},
		{"windows, max plays, repeat spacing, filters", prog(30*time.Minute, func(p *schedule.Programme) {
			p.RepeatDays = 7
			p.Topics = []string{"ke-hoach", "mo-hinh"}
			p.Audiences = []string{"nguoi-dan"}
		}), []Script{
			script(1, "ke-hoach", 60, window("2026-12-02", "")),           // starts tomorrow
			script(2, "ke-hoach", 60, window("", "2026-11-30")),           // ended yesterday
			script(3, "ke-hoach", 60, window("2026-12-01", "2026-12-01")), // today only: in
			script(4, "mo-hinh", 60, maxPlays(3), plays(3)),               // used up
			script(5, "mo-hinh", 60, maxPlays(3), plays(2)),               // one left: in
			script(6, "mo-hinh", 60, lastPlayed(6)),                       // too recent
			script(7, "mo-hinh", 60, lastPlayed(7)),                       // a week ago: in
			script(8, "ket-qua", 60),                                      // topic not in programme
			script(9, "ke-hoach", 60, audience("lanh-dao")),               // audience not in programme
		}, nil},
		{"fill: skip what does not fit, take a shorter one", prog(5*time.Minute, jingles), []Script{
			script(1, "ke-hoach", 120), script(2, "mo-hinh", 200), script(3, "ket-qua", 90.5), script(4, "chu-truong", 30),
		}, nil},
		{"a longer script of the same topic uses the time left", prog(5 * time.Minute), []Script{
			// greedy: 1 (150) + 2 (100) = 250; 3 does not fit; 4 (140, played
			// more) takes the place of 2: 290
			script(1, "ke-hoach", 150), script(2, "mo-hinh", 100), script(3, "ket-qua", 60, plays(1)),
			script(4, "mo-hinh", 140, plays(2)), script(5, "mo-hinh", 160, plays(3)),
		}, nil},
		{"exactly full", prog(5*time.Minute, jingles), []Script{
			// 10 + 2 + 141 + 2 + 140 + 2 + 5 = 302 > 300; 10+2+139+2+140+2+5 = 300
			script(1, "ke-hoach", 139), script(2, "mo-hinh", 140), script(3, "ket-qua", 1),
		}, nil},
		{"max items", prog(30*time.Minute, func(p *schedule.Programme) { p.MaxItems = 3 }), seven, nil},
		{"filler fills the rest", prog(5*time.Minute, jingles, filler), []Script{script(1, "ke-hoach", 150)}, nil},
		{"no candidates, fill end: nothing airs", prog(5*time.Minute, jingles), []Script{script(1, "ke-hoach", 60, window("2027-01-01", ""))}, nil},
		{"no candidates: every cause counted", prog(5*time.Minute, func(p *schedule.Programme) {
			p.RepeatDays = 3
			p.Topics = []string{"ke-hoach", "mo-hinh"}
		}), []Script{
			script(1, "ke-hoach", 60, window("2027-01-01", "")), script(2, "ke-hoach", 60, window("", "2026-11-30")),
			script(3, "mo-hinh", 60, window("", "2026-11-01")), script(4, "mo-hinh", 60, maxPlays(2), plays(2)),
			script(5, "ket-qua", 60),
		}, nil},
		{"nothing approved", prog(5 * time.Minute), nil, nil},
		{"spacing yields when it alone would leave the run empty", prog(5*time.Minute, func(p *schedule.Programme) { p.RepeatDays = 3 }), []Script{
			script(1, "ke-hoach", 60, lastPlayed(2)), script(2, "mo-hinh", 60, lastPlayed(1)),
			script(3, "ket-qua", 60, window("", "2026-11-30")), // expired: never yields
		}, nil},
		{"spacing holds while another script can air", prog(5*time.Minute, func(p *schedule.Programme) { p.RepeatDays = 3 }), []Script{
			script(1, "ke-hoach", 60, lastPlayed(2)), script(2, "mo-hinh", 60, lastPlayed(1)), script(3, "ket-qua", 60, lastPlayed(3)),
		}, nil},
		{"no candidates, filler: ident with jingles", prog(2*time.Minute, jingles, filler), nil, nil},
		{"nothing fits", prog(2*time.Minute, jingles), []Script{script(1, "ke-hoach", 110)}, nil},
		{"slot too short for the jingles", prog(15*time.Second, jingles), []Script{script(1, "ke-hoach", 1)}, nil},
		{"exact length from frames", prog(time.Minute), []Script{script(1, "ke-hoach", 59.99)}, nil},
	}
	var b strings.Builder
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Assemble(tc.prog, Input{At: at, Candidates: tc.cands, TopicAirtime: tc.airtime})
			checkPlan(t, tc.prog, p)
			fmt.Fprintf(&b, "%s\n%s\n", tc.name, render(p))

			// deterministic whatever the order of the candidates
			shuffled := append([]Script(nil), tc.cands...)
			rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			if q := Assemble(tc.prog, Input{At: at, Candidates: shuffled, TopicAirtime: tc.airtime}); !reflect.DeepEqual(q, p) {
				t.Errorf("order of candidates changed the plan:\n%s\nvs\n%s", render(p), render(q))
			}
		})
	}
	checkGolden(t, "plans.golden", b.String())
}

func TestAssembleVerified(t *testing.T) {
	p := prog(5 * time.Minute)
	cands := []Script{script(1, "ke-hoach", 100), script(2, "mo-hinh", 100), script(3, "ket-qua", 100), script(4, "chu-truong", 100)}
	calls := map[int64]int{}
	verify := func(_ context.Context, s Script) (string, error) {
		calls[s.ID]++
		if s.ID == 2 {
			return "", errors.New("script 2: audio altered")
		}
		return "/store/" + s.AudioSHA256[60:], nil
	}
	plan, err := AssembleVerified(context.Background(), p, Input{At: at, Candidates: cands}, verify)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range plan.Items {
		ids = append(ids, fmt.Sprintf("%d:%s", it.ScriptID, it.Path))
	}
	if got, want := strings.Join(ids, " "), "1:/store/0001 3:/store/0003 4:/store/0004"; got != want {
		t.Errorf("items %s, want %s", got, want)
	}
	if len(plan.Problems) != 1 || plan.Problems[0].Code != AudioFailed || plan.Problems[0].ScriptID != 2 {
		t.Errorf("problems %+v", plan.Problems)
	}
	if len(cands) != 4 || cands[1].ID != 2 {
		t.Error("AssembleVerified changed the caller's candidates")
	}
	for id, n := range calls {
		if n != 1 {
			t.Errorf("script %d verified %d times, want once (verifying hashes the whole file)", id, n)
		}
	}
	// every file fails: the failures are the reason, not "nothing approved"
	bad := func(_ context.Context, s Script) (string, error) { return "", fmt.Errorf("script %d: gone", s.ID) }
	plan, err = AssembleVerified(context.Background(), p, Input{At: at, Candidates: cands[:2]}, bad)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Items) != 0 || len(plan.Problems) != 2 || plan.Problems[0].Code != AudioFailed || plan.Problems[1].Code != AudioFailed {
		t.Errorf("all failed: items %d, problems %+v", len(plan.Items), plan.Problems)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := AssembleVerified(ctx, p, Input{At: at, Candidates: cands}, verify); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestHalfYear(t *testing.T) {
	for _, tc := range []struct{ in, from, to string }{
		{"2027-01-01T00:00:00+07:00", "2027-01-01T00:00:00+07:00", "2027-07-01T00:00:00+07:00"},
		{"2027-06-30T23:59:59+07:00", "2027-01-01T00:00:00+07:00", "2027-07-01T00:00:00+07:00"},
		{"2027-07-01T00:00:00+07:00", "2027-07-01T00:00:00+07:00", "2028-01-01T00:00:00+07:00"},
		{"2026-12-31T17:30:00+07:00", "2026-07-01T00:00:00+07:00", "2027-01-01T00:00:00+07:00"},
	} {
		in, _ := time.Parse(time.RFC3339, tc.in)
		f, to := HalfYear(in)
		if f.Format(time.RFC3339) != tc.from || to.Format(time.RFC3339) != tc.to {
			t.Errorf("HalfYear(%s) = %s, %s", tc.in, f.Format(time.RFC3339), to.Format(time.RFC3339))
		}
	}
}

// TestProblemVietnamese: every problem code has Vietnamese words for the
// airtime log and listings.
func TestProblemVietnamese(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{Code: NoCandidates, Msg: "no approved script may air in this programme now"}, "không có bài đã duyệt nào được phát trong chương trình này"},
		{Problem{Code: NoCandidates, Causes: []Cause{{HeldExpired, 3}, {HeldMaxPlays, 1}, {HeldTopic, 2}}},
			"không có bài đã duyệt nào được phát trong chương trình này (3 bài đã hết thời hạn phát, 1 bài đã phát đủ số lần tối đa, 2 bài có chủ đề không thuộc chương trình)"},
		{Problem{Code: NoApproved}, "chưa có bài nào được duyệt để phát"},
		{Problem{Code: SpacingRelaxed, RepeatDays: 3}, "mọi bài đủ điều kiện đều vừa phát chưa đủ 3 ngày (giãn cách phát lại): vẫn phát để chương trình không bỏ trống"},
		{Problem{Code: NothingFits, Msg: "3 eligible script(s), none fits the slot"}, "có bài được phát nhưng không bài nào vừa thời lượng"},
		{Problem{Code: SlotTooShort, Msg: "intro and outro (17.0s) exceed the slot (15s)"}, "nhạc hiệu mở đầu và kết thúc dài hơn thời lượng chương trình"},
		{Problem{Code: AudioFailed, ScriptID: 7, Msg: "sha256 differs"}, "tệp âm thanh của bài 7 bị thiếu hoặc đã thay đổi: sha256 differs"},
		{Problem{Code: "other", Msg: "something"}, "something"},
	} {
		if got := tc.p.Vietnamese(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.p.Code, got, tc.want)
		}
	}
	p := Plan{Problems: []Problem{{Code: AudioFailed, ScriptID: 7, Msg: "gone"}, {Code: NothingFits}}}
	if got, want := p.ProblemText(), "tệp âm thanh của bài 7 bị thiếu hoặc đã thay đổi: gone; có bài được phát nhưng không bài nào vừa thời lượng"; got != want {
		t.Errorf("ProblemText = %q, want %q", got, want)
	}
	if got := (&Plan{}).ProblemText(); got != "" {
		t.Errorf("ProblemText of no problems = %q", got)
	}
}

func checkGolden(t *testing.T, name, got string) { t.Helper(); golden.Check(t, name, []byte(got)) }

// TestWindowInStationDates: a script's air window is in the station's
// local dates, as AirCheck reads it at the instant of air. A programme
// written in another zone (the timezone key) must not air a script on a
// day the station counts as past its window: assembly and the air check
// would disagree, and the forecast would show an item the daemon skips.
func TestWindowInStationDates(t *testing.T) {
	// 06:30 on 2 December at the station is still 1 December in UTC.
	run := time.Date(2026, 12, 2, 6, 30, 0, 0, loc)
	p := prog(time.Minute, func(p *schedule.Programme) { p.Location = time.UTC })
	s := script(1, "ke-hoach", 20, window("", "2026-12-01"))
	for _, c := range []struct {
		station *time.Location
		want    int
	}{
		{loc, 0},      // past its window at the station: not chosen
		{time.UTC, 1}, // a station in UTC: still 1 December
		{nil, 1},      // no station zone given: the programme's
	} {
		plan := Assemble(p, Input{At: run, Candidates: []Script{s}, Location: c.station})
		if got := len(plan.Items); got != c.want {
			t.Errorf("station zone %v: %d items, want %d\n%s", c.station, got, c.want, render(plan))
		}
	}
}
