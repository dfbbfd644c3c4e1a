package report

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"loa/internal/assembly"
	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/report/reporttest"
)

func TestParsePeriod(t *testing.T) {
	loc := config.Default().Location()
	tests := []struct {
		spec, from, to, start, end, words string
	}{
		{"2023-H1", "2023-01-01", "2023-06-30", "2022-12-31T17:00:00.000Z", "2023-06-30T17:00:00.000Z", "6 tháng đầu năm 2023"},
		{"2023-h2", "2023-07-01", "2023-12-31", "2023-06-30T17:00:00.000Z", "2023-12-31T17:00:00.000Z", "6 tháng cuối năm 2023"},
		{"2023", "2023-01-01", "2023-12-31", "2022-12-31T17:00:00.000Z", "2023-12-31T17:00:00.000Z", "năm 2023"},
		{"2023-Q1", "2023-01-01", "2023-03-31", "2022-12-31T17:00:00.000Z", "2023-03-31T17:00:00.000Z", "quý I năm 2023"},
		{"2023-Q4", "2023-10-01", "2023-12-31", "2023-09-30T17:00:00.000Z", "2023-12-31T17:00:00.000Z", "quý IV năm 2023"},
		{"2024-02", "2024-02-01", "2024-02-29", "2024-01-31T17:00:00.000Z", "2024-02-29T17:00:00.000Z", "tháng 2 năm 2024"},
		{"2023-12", "2023-12-01", "2023-12-31", "2023-11-30T17:00:00.000Z", "2023-12-31T17:00:00.000Z", "tháng 12 năm 2023"},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.spec, loc)
		if err != nil {
			t.Fatalf("%s: %v", tt.spec, err)
		}
		got := []string{p.From, p.To, database.FormatTime(p.Start), database.FormatTime(p.End), PeriodWords(p)}
		want := []string{tt.from, tt.to, tt.start, tt.end, tt.words}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %q, want %q", tt.spec, got, want)
		}
	}
	for _, bad := range []string{"", "2023-H3", "2023-Q5", "2023-13", "2023-00", "23", "2023-1", "1999", "H1-2023", "2023-06-01"} {
		if _, err := ParsePeriod(bad, loc); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	p, err := ParseRange("2023-03-01", "2023-03-15", loc)
	if err != nil {
		t.Fatal(err)
	}
	if got := PeriodWords(p); got != "từ ngày 01/03/2023 đến ngày 15/03/2023" {
		t.Errorf("range words %q", got)
	}
	if got := database.FormatTime(p.End); got != "2023-03-15T17:00:00.000Z" {
		t.Errorf("range end %s", got)
	}
	for _, bad := range [][2]string{{"2023-03-15", "2023-03-01"}, {"2023-3-1", "2023-03-02"}, {"2023-03-01", "x"}, {"2023-02-30", "2023-03-01"}} {
		if _, err := ParseRange(bad[0], bad[1], loc); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestHalfYearAgrees checks that a report's H1/H2 is the half-year over
// which assembly balances topic airtime (assembly.HalfYear), to the instant.
func TestHalfYearAgrees(t *testing.T) {
	loc := config.Default().Location()
	for _, at := range []string{"2023-01-01 00:00:00", "2023-06-30 23:59:59", "2023-07-01 00:00:00", "2023-12-31 23:59:59"} {
		lt := local(t, at)
		from, to := assembly.HalfYear(lt)
		p, err := ParsePeriod(fmt.Sprintf("%d-H%d", from.Year(), from.Month()/time.July+1), loc)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Start.Equal(from) || !p.End.Equal(to) {
			t.Errorf("%s: report half-year %s–%s, assembly %s–%s", at, p.Start, p.End, from, to)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ got, want string }{
		{CommuneHeading("Bình Lương"), "XÃ BÌNH LƯƠNG"},
		{CommuneHeading("xã Ỷ La"), "XÃ Ỷ LA"},
		{CommuneHeading("phường Đống Đa"), "PHƯỜNG ĐỐNG ĐA"},
		{CommuneHeading("Thị trấn Phước Bửu"), "THỊ TRẤN PHƯỚC BỬU"},
		{CommuneHeading("Quảng Ngãi"), "XÃ QUẢNG NGÃI"},
		{DateLine("Bình Lương", testNow), "Bình Lương, ngày 26 tháng 11 năm 2026"},
		{DateLine("Bình Lương", local(t, "2027-01-05 08:00:00")), "Bình Lương, ngày 05 tháng 01 năm 2027"},
		{DateLine("Bình Lương", local(t, "2027-03-09 08:00:00")), "Bình Lương, ngày 09 tháng 3 năm 2027"},
		{Minutes(2617), "43 phút 37 giây"},
		{Minutes(125.5), "2 phút 6 giây"},
		{Clock(3725), "1:02:05"},
		{Thousands(1234567), "1.234.567"},
		{Thousands(999), "999"},
		{Decimal(43.61666), "43,6"},
		{Decimal(138930.46), "138.930,5"},
		{Decimal(0.04), "0,0"},
		{Decimal(-1234.56), "-1.234,6"},
		{MonthLabel("2023-06"), "Tháng 06/2023"},
		{lowerFirst("Kết quả"), "kết quả"},
		{lowerFirst("Đợt"), "đợt"},
		{lowerFirst(""), ""},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

type figures struct {
	Items, Scripts, Failed, SimItems, SimRuns, OpenItems, OpenRuns int64
	Airtime                                                        float64
	Runs                                                           Runs
	Jingles, Fillers                                               [2]float64
	Simulated                                                      bool
	Topics                                                         map[string][2]float64
	Months                                                         map[string][2]float64
	Uncovered                                                      []string
}

func figuresOf(r *Report) figures {
	f := figures{Items: r.Items, Scripts: r.Scripts, Failed: r.FailedItems, SimItems: r.SimulatedItems, SimRuns: r.SimulatedRuns,
		OpenItems: r.OpenItems, OpenRuns: r.OpenRuns, Airtime: r.AirtimeS, Runs: r.Runs,
		Jingles: [2]float64{float64(r.Jingles.Items), r.Jingles.AirtimeS}, Fillers: [2]float64{float64(r.Fillers.Items), r.Fillers.AirtimeS},
		Simulated: r.Simulated, Topics: map[string][2]float64{}, Months: map[string][2]float64{}, Uncovered: r.UncoveredTopics}
	for _, b := range r.ByTopic {
		if b.Items > 0 {
			f.Topics[b.Code] = [2]float64{float64(b.Items), b.AirtimeS}
		}
	}
	for _, m := range r.ByMonth {
		if m.Items > 0 {
			f.Months[m.Month] = [2]float64{float64(m.Items), m.AirtimeS}
		}
	}
	return f
}

// TestFigures checks every figure of the fixture log over periods whose
// boundaries fall on the fixture's items to the second.
func TestFigures(t *testing.T) {
	db := fixture(t)
	cfg := config.Default()
	h1 := figures{
		Items: 7, Scripts: 4, Failed: 1, SimItems: 1, SimRuns: 1, OpenItems: 1, OpenRuns: 1, Airtime: 2617,
		Runs: Runs{Completed: 3, Partial: 1, Missed: 1, Empty: 1}, Jingles: [2]float64{1, 15}, Fillers: [2]float64{1, 60},
		Simulated: true,
		Topics:    map[string][2]float64{"chu-truong": {2, 320.75}, "ke-hoach": {3, 406.5}, "mot-cua-dvc": {1, 90.75}, "mo-hinh": {1, 1799}},
		Months:    map[string][2]float64{"2023-01": {1, 120.5}, "2023-03": {2, 500.25}, "2023-04": {1, 45.5}, "2023-05": {1, 90.75}, "2023-06": {2, 1860}},
		Uncovered: []string{"ket-qua", "quyen-nghia-vu", "dan-chu-ntm"},
	}
	h2 := figures{
		Items: 2, Scripts: 2, Airtime: 250, Runs: Runs{Completed: 1},
		Topics:    map[string][2]float64{"quyen-nghia-vu": {1, 100}, "chu-truong": {1, 150}},
		Months:    map[string][2]float64{"2023-07": {2, 250}},
		Uncovered: []string{"ke-hoach", "ket-qua", "mo-hinh", "dan-chu-ntm", "mot-cua-dvc"},
	}
	tests := []struct {
		spec string
		want figures
	}{
		{"2023-H1", h1},
		{"2023-H2", h2},
		{"2023-Q3", h2},
		{"2023-07", h2},
		{"2022-H2", figures{Items: 1, Scripts: 1, Airtime: 1, Runs: Runs{Completed: 1}, Jingles: [2]float64{1, 30},
			Topics: map[string][2]float64{"chu-truong": {1, 1}}, Months: map[string][2]float64{"2022-12": {1, 1}},
			Uncovered: []string{"ke-hoach", "ket-qua", "mo-hinh", "quyen-nghia-vu", "dan-chu-ntm", "mot-cua-dvc"}}},
		{"2023-06", figures{Items: 2, Scripts: 2, Airtime: 1860, Runs: Runs{Completed: 1}, OpenItems: 1, OpenRuns: 1,
			Topics: map[string][2]float64{"mo-hinh": {1, 1799}, "ke-hoach": {1, 61}}, Months: map[string][2]float64{"2023-06": {2, 1860}},
			Uncovered: []string{"chu-truong", "ket-qua", "quyen-nghia-vu", "dan-chu-ntm", "mot-cua-dvc"}}},
		{"2023", figures{
			Items: 9, Scripts: 5, Failed: 1, SimItems: 1, SimRuns: 1, OpenItems: 1, OpenRuns: 1, Airtime: 2867,
			Runs: Runs{Completed: 4, Partial: 1, Missed: 1, Empty: 1}, Jingles: [2]float64{1, 15}, Fillers: [2]float64{1, 60}, Simulated: true,
			Topics:    map[string][2]float64{"chu-truong": {3, 470.75}, "ke-hoach": {3, 406.5}, "mot-cua-dvc": {1, 90.75}, "mo-hinh": {1, 1799}, "quyen-nghia-vu": {1, 100}},
			Months:    map[string][2]float64{"2023-01": {1, 120.5}, "2023-03": {2, 500.25}, "2023-04": {1, 45.5}, "2023-05": {1, 90.75}, "2023-06": {2, 1860}, "2023-07": {2, 250}},
			Uncovered: []string{"ket-qua", "dan-chu-ntm"}}},
		{"2024", figures{Topics: map[string][2]float64{}, Months: map[string][2]float64{},
			Uncovered: []string{"chu-truong", "ke-hoach", "ket-qua", "mo-hinh", "quyen-nghia-vu", "dan-chu-ntm", "mot-cua-dvc"}}},
	}
	for _, tt := range tests {
		r := build(t, db, cfg, tt.spec)
		if got := figuresOf(r); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.spec, got, tt.want)
		}
		if len(r.ByTopic) != 7 {
			t.Errorf("%s: %d topics listed, want all 7", tt.spec, len(r.ByTopic))
		}
		checkSums(t, tt.spec, r)
	}

	// A one-day range on each side of the half-year boundary.
	loc := cfg.Location()
	for _, tt := range []struct {
		from, to string
		items    int64
		airtime  float64
	}{
		{"2023-06-30", "2023-06-30", 2, 1860},
		{"2023-07-01", "2023-07-01", 2, 250},
		{"2022-12-31", "2023-01-01", 2, 121.5},
	} {
		p, err := ParseRange(tt.from, tt.to, loc)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Build(t.Context(), db, cfg, p, testNow)
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		if r.Items != tt.items || r.AirtimeS != tt.airtime {
			t.Errorf("%s..%s: %d items %.3f s, want %d %.3f", tt.from, tt.to, r.Items, r.AirtimeS, tt.items, tt.airtime)
		}
	}
}

// checkSums checks that every breakdown adds up to the totals.
func checkSums(t *testing.T, name string, r *Report) {
	t.Helper()
	for what, bs := range map[string][]Bucket{"topic": r.ByTopic, "area": r.ByArea, "audience": r.ByAudience} {
		var n int64
		var s float64
		for _, b := range bs {
			n += b.Items
			s += b.AirtimeS
		}
		if n != r.Items || database.Round3(s) != r.AirtimeS {
			t.Errorf("%s: by %s adds up to %d, %.3f s; totals %d, %.3f s", name, what, n, s, r.Items, r.AirtimeS)
		}
	}
	var n int64
	var s float64
	for _, m := range r.ByMonth {
		n += m.Items
		s += m.AirtimeS
	}
	if n != r.Items || database.Round3(s) != r.AirtimeS {
		t.Errorf("%s: by month adds up to %d, %.3f s; totals %d, %.3f s", name, n, s, r.Items, r.AirtimeS)
	}
}

func TestParseStamp(t *testing.T) {
	for _, s := range []string{"2023-06-30T23:00:00.000Z", "2023-01-01T00:00:00.999Z", "1999-12-31T23:59:59.001Z"} {
		got, err := parseStamp(s)
		want, werr := database.ParseTime(s)
		if err != nil || werr != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v, want %v", s, got, err, want)
		}
	}
	if _, err := parseStamp("2023-02-30T00:00:00.000Z"); err == nil {
		t.Error("30 February accepted")
	}
}

// TestSnapshot checks that the list of broadcasts comes from the same
// snapshot as the figures, though the daemon logs more in between.
func TestSnapshot(t *testing.T) {
	db := fixture(t)
	r := build(t, db, config.Default(), "2023-H1")
	if _, err := reporttest.AddRun(t.Context(), db, reporttest.Run{Programme: "late", Scheduled: local(t, "2023-02-01 17:00:00"), Status: "completed"},
		item(t, s1, "2023-02-01 17:00:00", 10, "aired")); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := r.EachBroadcast(t.Context(), 0, func(Broadcast) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if int64(n) != r.Items || n != 7 {
		t.Errorf("list has %d broadcasts, figures %d: not one snapshot", n, r.Items)
	}
	if r2 := build(t, db, config.Default(), "2023-H1"); r2.Items != 8 {
		t.Errorf("a new report sees %d broadcasts, want 8", r2.Items)
	}
}

// TestUnknownCodes checks that rows with codes outside the taxonomy (an old
// or hand-made log) still add up, under labels that say so.
func TestUnknownCodes(t *testing.T) {
	db := fixture(t)
	odd := reporttest.Item{Kind: "script", Title: "Bài cũ", Topic: "cu", Area: "khac", Audience: "",
		Started: local(t, "2023-02-01 17:00:00"), Seconds: 10, Status: "aired"}
	if _, err := reporttest.AddRun(t.Context(), db, reporttest.Run{Programme: "cu", Scheduled: local(t, "2023-02-01 17:00:00"), Status: "completed"}, odd); err != nil {
		t.Fatal(err)
	}
	r := build(t, db, config.Default(), "2023-H1")
	checkSums(t, "unknown codes", r)
	last := func(bs []Bucket) Bucket { return bs[len(bs)-1] }
	if len(r.ByTopic) != 8 || last(r.ByTopic).Label != "Chủ đề khác (cu)" || last(r.ByArea).Label != "Khác (khac)" ||
		last(r.ByAudience).Label != "Không xác định" || r.Items != 8 || r.Scripts != 4 {
		t.Errorf("topics %+v\nareas %+v\naudiences %+v", r.ByTopic, r.ByArea, r.ByAudience)
	}
	for _, c := range r.UncoveredTopics {
		if c == "cu" {
			t.Error("unknown topic listed as a gap of the plan")
		}
	}
}

// TestAnnouncementsApart: urgent announcements without a topic are counted
// in their own figure, not as broadcasts; one given a topic is a broadcast
// of it; an item skipped at the instant of air is not counted; a run the
// output could not play is failed; an announcement's own run is not a
// scheduled programme.
func TestAnnouncementsApart(t *testing.T) {
	db := fixture(t)
	before := build(t, db, config.Default(), "2023-H1")
	at := local(t, "2023-03-01 17:00:00")
	items := []reporttest.Item{
		{Kind: "announcement", Title: "Bão số 3", Started: at, Seconds: 20, Status: "aired"},
		{Kind: "announcement", Title: "Bão số 3", Started: at.Add(30 * time.Second), Seconds: 7.5, Status: "partial"},
		{Kind: "announcement", Title: "Một cửa", Topic: "mot-cua-dvc", Started: at.Add(time.Minute), Seconds: 10, Status: "aired"},
		{Kind: "script", ScriptID: 1, Title: "Rút", Topic: "ke-hoach", Started: at.Add(2 * time.Minute), Seconds: 0, Status: "skipped"},
	}
	if _, err := reporttest.AddRun(t.Context(), db, reporttest.Run{Programme: "cchc", Scheduled: at, Status: "partial"}, items...); err != nil {
		t.Fatal(err)
	}
	if _, err := reporttest.AddRun(t.Context(), db, reporttest.Run{Programme: "khan-cap", Scheduled: at.Add(time.Hour), Status: "completed"},
		reporttest.Item{Kind: "announcement", Title: "Cháy", Started: at.Add(time.Hour), Seconds: 5, Status: "aired"}); err != nil {
		t.Fatal(err)
	}
	if _, err := reporttest.AddRun(t.Context(), db, reporttest.Run{Programme: "cchc", Scheduled: at.Add(24 * time.Hour), Status: "failed"}); err != nil {
		t.Fatal(err)
	}
	r := build(t, db, config.Default(), "2023-H1")
	if r.Announcements.Items != 3 || r.Announcements.AirtimeS != 32.5 {
		t.Errorf("announcements %+v, want 3 for 32.5 s", r.Announcements)
	}
	if r.Items != before.Items+1 || r.AirtimeS != before.AirtimeS+10 {
		t.Errorf("broadcasts %d (%.3f s), want %d (%.3f s): only the announcement with a topic", r.Items, r.AirtimeS, before.Items+1, before.AirtimeS+10)
	}
	if r.Runs.Total() != before.Runs.Total()+2 || r.Runs.Failed != before.Runs.Failed+1 || r.Runs.Partial != before.Runs.Partial+1 {
		t.Errorf("runs %+v, before %+v", r.Runs, before.Runs)
	}
}
