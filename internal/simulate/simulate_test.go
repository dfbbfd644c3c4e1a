package simulate

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"loa/internal/queue"
	"loa/internal/schedule"
)

// TestSeedAirtime: airtime already aired in the half-year steers the first
// choice, but the buckets report only what the simulation aired.
func TestSeedAirtime(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	path := filepath.Join(t.TempDir(), "p.toml")
	if err := os.WriteFile(path, []byte("name = \"p\"\ntitle = \"P\"\ncron = \"0 17 * * *\"\nlength = \"1m\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, probs := schedule.LoadFile(context.Background(), path, schedule.Options{Location: loc})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	mk := func(id int64, topic string) queue.Script {
		return queue.Script{ID: id, Title: topic, Topic: topic, Status: queue.Approved, Priority: "normal",
			AudioSHA256: "x", SampleRate: 8000, Frames: 50 * 8000}
	}
	for _, tc := range []struct {
		seed            map[string]float64
		first           int64
		keHoach, moHinh float64 // reported seconds: the seed is not among them
	}{
		{nil, 1, 50, 50},
		{map[string]float64{"ke-hoach": 600}, 2, 0, 100}, // mo-hinh stays behind ke-hoach's 600 s
	} {
		res, err := Simulate(context.Background(), Options{Programmes: []*schedule.Programme{p},
			Scripts: []queue.Script{mk(1, "ke-hoach"), mk(2, "mo-hinh")}, Location: loc, TopicAirtime: tc.seed,
			From: time.Date(2027, 3, 1, 0, 0, 0, 0, loc), To: time.Date(2027, 3, 3, 0, 0, 0, 0, loc)})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Runs) != 2 || res.Runs[0].Plan.Items[0].ScriptID != tc.first {
			t.Fatalf("seed %v: runs %+v", tc.seed, res.Runs)
		}
		h := res.Halves[0]
		if h.ByTopic["ke-hoach"] != tc.keHoach || h.ByTopic["mo-hinh"] != tc.moHinh || h.Seconds != 100 || h.Scripts != 2 {
			t.Errorf("seed %v: half-year %+v", tc.seed, h)
		}
	}
	if _, err := Simulate(context.Background(), Options{From: time.Now(), To: time.Now().Add(-time.Hour)}); err == nil {
		t.Error("to before from: no error")
	}
}

// TestItemsBucketedByStart: a run crossing midnight into a new half-year
// counts each script in the month and half-year it starts in, as the
// report (and the daemon's topic balance) count the airtime log.
func TestItemsBucketedByStart(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	path := filepath.Join(t.TempDir(), "p.toml")
	if err := os.WriteFile(path, []byte("name = \"p\"\ntitle = \"P\"\ncron = \"59 23 30 6 *\"\nlength = \"5m\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, probs := schedule.LoadFile(context.Background(), path, schedule.Options{Location: loc})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	var scripts []queue.Script
	for i, topic := range []string{"ke-hoach", "mo-hinh", "ket-qua"} {
		scripts = append(scripts, queue.Script{ID: int64(i + 1), Title: topic, Topic: topic, Status: queue.Approved,
			Priority: "normal", AudioSHA256: "x", SampleRate: 8000, Frames: 40 * 8000})
	}
	res, err := Simulate(context.Background(), Options{Programmes: []*schedule.Programme{p}, Scripts: scripts, Location: loc,
		From: time.Date(2027, 6, 30, 0, 0, 0, 0, loc), To: time.Date(2027, 7, 2, 0, 0, 0, 0, loc)})
	if err != nil {
		t.Fatal(err)
	}
	// 40 s scripts from 23:59:00: two start on 30 June, the third at 00:00:20.
	got := map[string][2]float64{}
	for _, b := range append(res.Months, res.Halves...) {
		got[b.Key] = [2]float64{float64(b.Scripts), b.Seconds}
	}
	want := map[string][2]float64{"2027-06": {2, 80}, "2027-07": {1, 40}, "2027-H1": {2, 80}, "2027-H2": {1, 40}}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %v scripts/seconds, want %v (all: %v)", k, got[k], w, got)
		}
	}
	if res.Halves[0].Runs != 1 || res.Halves[0].Key != "2027-H1" {
		t.Errorf("the run counts in the half-year it was scheduled in: %+v", res.Halves[0])
	}
}
