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
