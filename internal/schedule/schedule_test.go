package schedule

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"loa/internal/golden"
)

func hcm(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// jingles makes fake clip files in a temp dir and a Measure that knows
// their lengths (no audio decoding in these tests).
func jingles(t *testing.T) (dir string, m Measure) {
	t.Helper()
	dir = t.TempDir()
	lengths := map[string]float64{"intro.mp3": 6.5, "outro.mp3": 4.25, "ident.mp3": 3}
	if err := os.Mkdir(filepath.Join(dir, "jingles"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name := range lengths {
		if err := os.WriteFile(filepath.Join(dir, "jingles", name), []byte("fake"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, func(_ context.Context, path string) (float64, error) {
		return lengths[filepath.Base(path)], nil
	}
}

func TestMonthlyNext(t *testing.T) {
	loc := hcm(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(l *time.Location, s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, l)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	utc := func(s string) time.Time { return at(time.UTC, s) }
	tests := []struct {
		rule  string
		loc   *time.Location
		after time.Time
		want  []string // successive runs, RFC 3339
	}{
		{"first sunday 06:30", loc, at(loc, "2026-11-26 12:00:00"),
			[]string{"2026-12-06T06:30:00+07:00", "2027-01-03T06:30:00+07:00", "2027-02-07T06:30:00+07:00"}},
		// exactly at a run: strictly after it
		{"first sunday 06:30", loc, at(loc, "2026-12-06 06:30:00"), []string{"2027-01-03T06:30:00+07:00"}},
		{"first sunday 06:30", loc, at(loc, "2026-12-06 06:29:59"), []string{"2026-12-06T06:30:00+07:00"}},
		// given in UTC: the rule still counts local days (06:30 +07 is 23:30 UTC the day before)
		{"first sunday 06:30", loc, utc("2026-12-05 23:29:00"), []string{"2026-12-06T06:30:00+07:00"}},
		{"first sunday 06:30", loc, utc("2026-12-05 23:30:00"), []string{"2027-01-03T06:30:00+07:00"}},
		// November 2026 has five Mondays, December four: last is the 5th, then the 4th
		{"last monday 07:00", loc, at(loc, "2026-11-26 00:00:00"), []string{"2026-11-30T07:00:00+07:00", "2026-12-28T07:00:00+07:00"}},
		{"fourth monday 07:00", loc, at(loc, "2026-11-01 00:00:00"), []string{"2026-11-23T07:00:00+07:00", "2026-12-28T07:00:00+07:00"}},
		// January 2027 has five Fridays (1..29): last is the 29th, fourth the 22nd
		{"LAST Friday 17:00", loc, at(loc, "2026-12-26 00:00:00"), []string{"2027-01-29T17:00:00+07:00", "2027-02-26T17:00:00+07:00"}},
		{"fourth friday 17:00", loc, at(loc, "2027-01-01 00:00:00"), []string{"2027-01-22T17:00:00+07:00"}},
		// the month starts on the weekday itself
		{"first friday 17:00", loc, at(loc, "2026-12-31 00:00:00"), []string{"2027-01-01T17:00:00+07:00"}},
		{"third wednesday 18:00", loc, at(loc, "2026-12-16 18:00:00"), []string{"2027-01-20T18:00:00+07:00"}},
		// leap February: five Tuesdays
		{"last tuesday 05:30", loc, at(loc, "2028-02-01 00:00:00"), []string{"2028-02-29T05:30:00+07:00"}},
		{"2nd sun 06:30:15", loc, at(loc, "2027-05-01 00:00:00"), []string{"2027-05-09T06:30:15+07:00"}},
		{"first sunday of the month at 06:30", loc, at(loc, "2026-11-26 12:00:00"), []string{"2026-12-06T06:30:00+07:00"}},
		// Vietnamese
		{"Chủ nhật đầu tiên 06:30", loc, at(loc, "2026-11-26 12:00:00"), []string{"2026-12-06T06:30:00+07:00"}},
		{"thứ Sáu cuối cùng của tháng 17:00", loc, at(loc, "2026-12-26 00:00:00"), []string{"2027-01-29T17:00:00+07:00"}},
		{"Thứ Hai thứ hai 07:00", loc, at(loc, "2026-12-01 00:00:00"), []string{"2026-12-14T07:00:00+07:00"}},
		{"thứ 7 thứ 3 lúc 08:00", loc, at(loc, "2026-12-01 00:00:00"), []string{"2026-12-19T08:00:00+07:00"}},
		// another zone, across the end of summer time (31 October 2027)
		{"last sunday 06:30", berlin, at(berlin, "2027-10-01 00:00:00"), []string{"2027-10-31T06:30:00+01:00", "2027-11-28T06:30:00+01:00"}},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			r, err := ParseMonthly(tc.rule, tc.loc)
			if err != nil {
				t.Fatal(err)
			}
			var s cron.Schedule = r // what robfig/cron and the daemon call
			cur := tc.after
			for _, w := range tc.want {
				cur = s.Next(cur)
				if got := cur.Format(time.RFC3339); got != w {
					t.Fatalf("Next after %s = %s, want %s", tc.after, got, w)
				}
			}
		})
	}
}

func TestMonthlyParseErrors(t *testing.T) {
	for _, rule := range []string{"", "first sunday", "fifth sunday 06:30", "first funday 06:30", "first sunday 25:00",
		"first sunday 6:3x", "sunday 06:30", "chủ nhật thứ năm 06:30"} {
		if _, err := ParseMonthly(rule, time.UTC); err == nil {
			t.Errorf("ParseMonthly(%q): no error", rule)
		}
	}
}

func TestLoadGood(t *testing.T) {
	base, measure := jingles(t)
	loc := hcm(t)
	progs, probs, err := Load(context.Background(), "testdata/good", Options{Location: loc, Output: "alsa", BaseDir: base, Measure: measure})
	if err != nil {
		t.Fatal(err)
	}
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	if len(progs) != 2 {
		t.Fatalf("got %d programmes", len(progs))
	}
	c, r := progs[0], progs[1]
	if c.Name != "cchc-hang-tuan" || c.Length != 15*time.Minute || c.Gap != 2*time.Second || c.Fill != FillFiller ||
		c.Filler.Seconds != 3 || c.Intro.Seconds != 6.5 || c.Output != "alsa" || c.RepeatDays != 7 {
		t.Errorf("cchc = %+v", c)
	}
	if c.Intro.Abs != filepath.Join(base, "jingles/intro.mp3") {
		t.Errorf("intro resolved to %s", c.Intro.Abs)
	}
	if r.Fill != FillEnd || r.MaxItems != 8 || strings.Join(r.Topics, ",") != "ket-qua,mo-hinh,ke-hoach" {
		t.Errorf("review = %+v", r)
	}
	// Tuesday and Friday 17:00 local, from Thursday 26 November 2026
	var got []string
	for _, at := range c.Runs(time.Date(2026, 11, 26, 0, 0, 0, 0, loc), time.Date(2026, 12, 5, 0, 0, 0, 0, loc), 0) {
		got = append(got, at.In(loc).Format("Mon 2006-01-02 15:04"))
	}
	if want := "Fri 2026-11-27 17:00,Tue 2026-12-01 17:00,Fri 2026-12-04 17:00"; strings.Join(got, ",") != want {
		t.Errorf("cchc runs = %v, want %s", got, want)
	}
	// the active range (first half of 2027) bounds the monthly programme
	runs := r.Runs(time.Date(2026, 1, 1, 0, 0, 0, 0, loc), time.Date(2029, 1, 1, 0, 0, 0, 0, loc), 0)
	if len(runs) != 6 || runs[0].Format(time.RFC3339) != "2027-01-03T06:30:00+07:00" || runs[5].Format(time.RFC3339) != "2027-06-06T06:30:00+07:00" {
		t.Errorf("review runs = %v", runs)
	}
	if n := r.Schedule.Next(time.Date(2027, 6, 6, 7, 0, 0, 0, loc)); !n.IsZero() {
		t.Errorf("after active_until Next = %v, want zero", n)
	}
	// a cron programme in another zone
	c2, ps := LoadFile(context.Background(), "testdata/good/cchc.toml", Options{Location: time.UTC, BaseDir: base})
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if n := c2.Schedule.Next(time.Date(2026, 11, 27, 0, 0, 0, 0, loc)); n.UTC().Format(time.RFC3339) != "2026-11-27T17:00:00Z" {
		t.Errorf("UTC programme Next = %s", n.Format(time.RFC3339))
	}
}

// TestLoadProblems checks that every problem of every bad file is reported
// with its file and field.
func TestLoadProblems(t *testing.T) {
	base, measure := jingles(t)
	_, probs, err := Load(context.Background(), "testdata/bad", Options{Location: hcm(t), Output: "alsa", BaseDir: base, Measure: measure})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range probs {
		b.WriteString(p.Error() + "\n")
	}
	checkGolden(t, "bad.golden", b.String())
}

func TestCheckOverlaps(t *testing.T) {
	loc := hcm(t)
	progs, probs, err := Load(context.Background(), "testdata/overlap", Options{Location: loc, Output: "alsa"})
	if err != nil || len(probs) > 0 {
		t.Fatal(err, probs)
	}
	probs = Check(progs, time.Date(2026, 11, 26, 12, 0, 0, 0, loc), Horizon)
	var b strings.Builder
	for _, p := range probs {
		b.WriteString(p.Error() + "\n")
	}
	checkGolden(t, "overlap.golden", b.String())

	// LoadValid: one error naming the first problem and the count
	_, err = LoadValid(context.Background(), "testdata/overlap", Options{Location: loc, Output: "alsa"}, time.Date(2026, 11, 26, 12, 0, 0, 0, loc))
	if err == nil || !strings.Contains(err.Error(), "and 2 more") {
		t.Errorf("LoadValid = %v", err)
	}
	base, measure := jingles(t)
	if _, err := LoadValid(context.Background(), "testdata/good", Options{Location: loc, Output: "alsa", BaseDir: base, Measure: measure}, time.Now()); err != nil {
		t.Errorf("LoadValid(good) = %v", err)
	}
}

func TestLoadDirErrors(t *testing.T) {
	if _, _, err := Load(context.Background(), "testdata/nonexistent", Options{}); err == nil {
		t.Error("missing dir: no error")
	}
	_, probs, err := Load(context.Background(), t.TempDir(), Options{})
	if err != nil || len(probs) != 1 || !strings.Contains(probs[0].Msg, "no programme files") {
		t.Errorf("empty dir: %v %v", probs, err)
	}
}

func TestUpcoming(t *testing.T) {
	loc := hcm(t)
	base, measure := jingles(t)
	progs, probs, err := Load(context.Background(), "testdata/good", Options{Location: loc, BaseDir: base, Measure: measure})
	if err != nil || len(probs) > 0 {
		t.Fatal(err, probs)
	}
	var got []string
	for _, r := range Upcoming(progs, time.Date(2027, 1, 1, 17, 0, 0, 0, loc), time.Time{}, 4) {
		got = append(got, r.Prog.Name+" "+r.At.In(loc).Format("01-02 15:04"))
	}
	// from is inclusive: the Friday 1 January run is the first
	want := "cchc-hang-tuan 01-01 17:00,tong-ket-thang 01-03 06:30,cchc-hang-tuan 01-05 17:00,cchc-hang-tuan 01-08 17:00"
	if strings.Join(got, ",") != want {
		t.Errorf("Upcoming = %v", got)
	}
	if n := len(Upcoming(progs, time.Date(2027, 1, 1, 0, 0, 0, 0, loc), time.Date(2027, 7, 1, 0, 0, 0, 0, loc), 0)); n != 52+6 {
		t.Errorf("first half of 2027: %d runs, want 58", n) // 26 Tuesdays + 26 Fridays, 6 first Sundays
	}
}

// TestCronForms goes through Programme.Schedule.Next for each way of
// writing when.
func TestCronForms(t *testing.T) {
	loc := hcm(t)
	after := time.Date(2026, 11, 26, 12, 0, 0, 0, loc) // Thursday
	tests := []struct {
		when string // TOML lines
		want []string
	}{
		{`cron = "0 17 * * 2,5"`, []string{"2026-11-27T17:00:00+07:00", "2026-12-01T17:00:00+07:00"}},
		{`cron = "30 */10 * * * *"`, []string{"2026-11-26T12:00:30+07:00", "2026-11-26T12:10:30+07:00"}},
		{`cron = "@daily"`, []string{"2026-11-27T00:00:00+07:00"}},
		{"cron = \"0 17 * * 2,5\"\ntimezone = \"UTC\"", []string{"2026-11-28T00:00:00+07:00"}},
		{"monthly = \"first sunday 06:30\"\nactive_from = \"2027-03-01\"", []string{"2027-03-07T06:30:00+07:00", "2027-04-04T06:30:00+07:00"}},
		{"cron = \"0 17 * * 2,5\"\nactive_until = \"2026-11-27\"", []string{"2026-11-27T17:00:00+07:00", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.when, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.toml")
			body := "name = \"p\"\ntitle = \"P\"\nlength = \"5s\"\n" + tc.when + "\n"
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			p, probs := LoadFile(context.Background(), path, Options{Location: loc})
			if len(probs) > 0 {
				t.Fatal(probs)
			}
			cur := after
			for _, w := range tc.want {
				cur = p.Schedule.Next(cur)
				got := ""
				if !cur.IsZero() {
					got = cur.In(loc).Format(time.RFC3339)
				}
				if got != w {
					t.Fatalf("Next = %q, want %q", got, w)
				}
			}
		})
	}
	if _, probs := LoadFile(context.Background(), "testdata/good/cchc.toml", Options{}); len(probs) == 0 {
		t.Error("missing jingles not reported")
	}
}

// TestCheckOverlapsSharedSink: the daemon plays one programme at a time
// per sink, so "alsa" and "alsa+wav:DIR" overlap on the sound card; two
// programmes sharing two sinks are reported once.
func TestCheckOverlapsSharedSink(t *testing.T) {
	loc := hcm(t)
	dir := t.TempDir()
	for name, body := range map[string]string{
		"a.toml": "name = \"a\"\ntitle = \"A\"\ncron = \"0 17 * * *\"\nlength = \"15m\"\n",
		"b.toml": "name = \"b\"\ntitle = \"B\"\ncron = \"10 17 * * *\"\nlength = \"15m\"\noutput = \"alsa+wav:/srv/air\"\n",
		"c.toml": "name = \"c\"\ntitle = \"C\"\ncron = \"0 6 * * *\"\nlength = \"15m\"\noutput = \"null + wav:/srv/air\"\n",
		"d.toml": "name = \"d\"\ntitle = \"D\"\ncron = \"5 6 * * *\"\nlength = \"15m\"\noutput = \"wav:/srv/air+null\"\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	progs, probs, err := Load(context.Background(), dir, Options{Location: loc, Output: "alsa"})
	if err != nil || len(probs) > 0 {
		t.Fatal(err, probs)
	}
	probs = Check(progs, time.Date(2026, 11, 26, 12, 0, 0, 0, loc), Horizon)
	var got []string
	for _, p := range probs {
		got = append(got, filepath.Base(p.File)+": "+p.Msg)
	}
	want := []string{
		`b.toml: run at 2026-11-26 17:10:00 +07:00 overlaps "a" (` + filepath.Join(dir, "a.toml") + `, 15m0s from 2026-11-26 17:00:00) on output "alsa"`,
		`d.toml: run at 2026-11-27 06:05:00 +07:00 overlaps "c" (` + filepath.Join(dir, "c.toml") + `, 15m0s from 2026-11-27 06:00:00) on output "wav:/srv/air"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func checkGolden(t *testing.T, name, got string) { t.Helper(); golden.Check(t, name, []byte(got)) }

// TestWrongTypeReportedOnce: a key of the wrong type is one problem, not
// also "missing".
func TestWrongTypeReportedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.toml")
	if err := os.WriteFile(path, []byte("name = 5\ntitle = [\"P\"]\ncron = \"0 17 * * *\"\nlength = \"5m\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, probs := LoadFile(context.Background(), path, Options{Location: time.UTC})
	var got []string
	for _, p := range probs {
		got = append(got, p.Field+": "+p.Msg)
	}
	want := "name: must be a string, not int64|title: must be a string, not []interface {}"
	if strings.Join(got, "|") != want {
		t.Errorf("problems %q, want %q", got, want)
	}
}
