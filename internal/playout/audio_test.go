package playout

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"loa/internal/airlog"
	"loa/internal/assembly"
	"loa/internal/audio"
	"loa/internal/config"
	"loa/internal/control"
	"loa/internal/queue"
	"loa/internal/schedule"
	"loa/internal/testenv"
)

// sineWAV writes a 16-bit mono 44.1 kHz WAV of a 440 Hz tone.
func sineWAV(t *testing.T, path string, seconds float64) {
	t.Helper()
	testenv.SineWAV(t, path, 44100, 1, seconds, 440, 0.4)
}

// TestAudioAirPlacesItemsAtPlannedOffsets: the gaps on air are the plan's,
// including none at all between two items, and the snapshot maps output
// frames back to plan items (silences are not items).
func TestAudioAirPlacesItemsAtPlannedOffsets(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.wav"), filepath.Join(dir, "b.wav")
	sineWAV(t, a, 1)
	sineWAV(t, b, 0.5)
	items := []assembly.Item{
		{Kind: assembly.KindJingle, Path: a, Seconds: 1, OffsetS: 0},
		{Kind: assembly.KindScript, Path: b, Seconds: 0.5, OffsetS: 1.5},
		{Kind: assembly.KindFiller, Path: b, Seconds: 0.5, OffsetS: 2.0},
		{Kind: assembly.KindFiller, Path: filepath.Join(dir, "missing.wav"), Seconds: 0.5, OffsetS: 3.0},
	}
	air := &AudioAir{Audio: config.Default().Audio}
	p := testProg(t, "p", "0 0 * * * *")
	prog, err := air.Prepare(context.Background(), "null:instant", p, items)
	if err != nil {
		t.Fatal(err)
	}
	defer prog.Close()
	if err := prog.Play(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := prog.Snapshot()
	if s.Started.IsZero() || time.Since(s.Started) > time.Minute {
		t.Fatalf("started %v", s.Started)
	}
	want := []ItemPos{{StartS: 0, EndS: 1}, {StartS: 1.5, EndS: 2}, {StartS: 2, EndS: 2.5}, {StartS: 3, EndS: 3}}
	if len(s.Items) != len(want) {
		t.Fatalf("%d items in the snapshot, want %d", len(s.Items), len(want))
	}
	for i, w := range want {
		g := s.Items[i]
		if math.Abs(g.StartS-w.StartS) > 1e-4 || math.Abs(g.EndS-w.EndS) > 1e-4 {
			t.Errorf("item %d at [%.4f, %.4f), want [%.4f, %.4f)", i, g.StartS, g.EndS, w.StartS, w.EndS)
		}
		if (g.Err != nil) != (i == 3) {
			t.Errorf("item %d error %v", i, g.Err)
		}
	}
	// The missing file sits between two planned gaps: only the audio
	// before it counts as played.
	if math.Abs(s.PlayedS-3.0) > 1e-4 {
		t.Errorf("played %.4f s, want 3.0", s.PlayedS)
	}
}

// TestAudioAirUsesIngestLoudness: a script's loudness measured at ingest is
// what the renderer gains by (the file is not measured again before air).
func TestAudioAirUsesIngestLoudness(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.wav")
	sineWAV(t, a, 1)
	// Deliberately not the file's real loudness (~ -11 LUFS): if the
	// renderer measured again it would gain by a different amount.
	media := &queue.Media{Format: "wav", SampleRate: 44100, Channels: 1, Frames: 44100, IntegratedLUFS: -26, TruePeakDBTP: -8}
	air := &AudioAir{Audio: config.Default().Audio}
	prog, err := air.Prepare(context.Background(), "null:instant", testProg(t, "p", "0 0 * * * *"),
		[]assembly.Item{{Kind: assembly.KindScript, Path: a, Seconds: 1, Media: media}})
	if err != nil {
		t.Fatal(err)
	}
	defer prog.Close()
	if err := prog.Play(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := prog.(*audioProgram).r.Results()
	// The gain ahead of the processing comes from the ingest loudness; the
	// chain's makeup (found by running it) only corrects what the
	// processing did, within a few dB.
	if len(res) != 1 || res[0].SourceLUFS != -26 || math.Abs(res[0].Level.GainDB-10) > 1e-9 {
		t.Fatalf("results %+v: want source -26 LUFS from ingest and +10 dB gain to -16", res)
	}
}

// fakeStore serves announcement audio by "sha256" from files.
type fakeStore map[string]string

func (f fakeStore) Stored(ctx context.Context, sha string) (string, *audio.Info, error) {
	info, err := StoreAudio{Audio: audio.OptionsFromConfig(config.Default().Audio, 0)}.File(ctx, f[sha])
	return f[sha], info, err
}

func (f fakeStore) File(ctx context.Context, path string) (*audio.Info, error) {
	return StoreAudio{Audio: audio.OptionsFromConfig(config.Default().Audio, 0)}.File(ctx, path)
}

// TestAnnouncementsQueueOrCutWithNow: on the real renderer and paced
// output, an emergency cuts the script on air; a second emergency queues
// behind the one on air; a third with Now cuts it; then the queued one
// plays, then the programme's next script — and the log says so.
func TestAnnouncementsQueueOrCutWithNow(t *testing.T) {
	if testing.Short() {
		t.Skip("plays about 8 s in real time")
	}
	dir := t.TempDir()
	long, short, tone := filepath.Join(dir, "long.wav"), filepath.Join(dir, "short.wav"), filepath.Join(dir, "tone.wav")
	sineWAV(t, long, 8)
	sineWAV(t, short, 1)
	sineWAV(t, tone, 1.5)
	l, _ := testDB(t)
	items := []assembly.Item{
		{Kind: assembly.KindScript, ScriptID: 1, Title: "một", Path: long, Seconds: 8},
		{Kind: assembly.KindScript, ScriptID: 2, Title: "hai", Path: short, Seconds: 1, OffsetS: 9},
	}
	d := New(Options{Planner: &fakePlanner{items: items}, Air: &AudioAir{Audio: config.Default().Audio}, Log: l,
		Logger: testLogger(t), Location: time.UTC, Overlap: OverlapSkip,
		Announcements: fakeStore{sum(t, tone): tone}, Announce: config.Default().Announce})
	ctx := context.Background()
	p := testProg(t, "p", "0 0 * * * *")
	done := make(chan Result, 1)
	go func() { done <- d.play(ctx, p, time.Now().Add(500*time.Millisecond), "") }()
	onAir := func(title string) bool {
		st, _ := d.Status(ctx)
		return len(st.OnAir) == 1 && st.OnAir[0].Item != nil && st.OnAir[0].Item.Title == title && st.OnAir[0].Item.ElapsedS > 0.3
	}
	waitFor := func(title string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !onAir(title); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				st, _ := d.Status(ctx)
				b, _ := json.Marshal(st)
				t.Fatalf("%q never on air: %s", title, b)
			}
		}
	}
	order := func(sha string, now bool, want string) {
		t.Helper()
		rep, err := d.Announce(ctx, control.AnnounceRequest{Level: control.LevelEmergency, SHA256: sum(t, tone), Title: sha, By: "Chủ tịch", Now: now})
		if err != nil || rep.Mode != want {
			t.Fatalf("announce %s: %+v %v, want %s", sha, rep, err, want)
		}
	}
	waitFor("một")
	order("A", false, control.ModePreempted)
	waitFor("A")
	order("B", false, control.ModeQueued)
	order("C", true, control.ModePreempted)
	res := <-done
	got, err := l.Items(ctx, airlog.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var seq []string
	for _, it := range got {
		seq = append(seq, fmt.Sprintf("%s:%s:%s:%s", it.Title, it.Status, it.Reason, it.Level))
	}
	want := "một:partial:preempted:,A:partial:preempted:emergency,C:aired::emergency,B:aired::emergency,hai:aired::"
	if strings.Join(seq, ",") != want || res.Status != airlog.RunPartial {
		t.Fatalf("run %s, log %s\nwant %s", res.Status, strings.Join(seq, ","), want)
	}
}

func sum(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestStopDuringAnnouncement: a stop (SIGTERM) while an announcement plays
// ends it partial with the seconds that went out, like any item.
func TestStopDuringAnnouncement(t *testing.T) {
	if testing.Short() {
		t.Skip("plays about 3 s in real time")
	}
	dir := t.TempDir()
	long, tone := filepath.Join(dir, "long.wav"), filepath.Join(dir, "tone.wav")
	sineWAV(t, long, 8)
	sineWAV(t, tone, 5)
	l, _ := testDB(t)
	d := New(Options{Planner: &fakePlanner{items: []assembly.Item{{Kind: assembly.KindScript, ScriptID: 1, Title: "một", Path: long, Seconds: 8}}},
		Air: &AudioAir{Audio: config.Default().Audio}, Log: l, Logger: testLogger(t), Location: time.UTC, Overlap: OverlapSkip,
		Announcements: fakeStore{sum(t, tone): tone}, Announce: config.Default().Announce})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan Result, 1)
	go func() { done <- d.play(ctx, testProg(t, "p", "0 0 * * * *"), time.Now().Add(300*time.Millisecond), "") }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if st, _ := d.Status(ctx); len(st.OnAir) == 1 && st.OnAir[0].Item != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("nothing on air")
		}
	}
	if _, err := d.Announce(ctx, control.AnnounceRequest{SHA256: sum(t, tone), Title: "bão", By: "Chủ tịch"}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if st, _ := d.Status(ctx); len(st.OnAir) == 1 && st.OnAir[0].Item != nil && st.OnAir[0].Item.Title == "bão" && st.OnAir[0].Item.ElapsedS > 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the announcement never on air")
		}
	}
	cancel()
	res := <-done
	items, _ := l.Items(context.Background(), airlog.Filter{})
	if res.Status != airlog.RunPartial || len(items) != 2 {
		t.Fatalf("run %+v, items %+v", res, items)
	}
	ann := items[1]
	runs, _ := l.Runs(context.Background(), airlog.Filter{})
	if ann.Kind != airlog.KindAnnouncement || ann.Status != airlog.ItemPartial || ann.Seconds < 1 || ann.Seconds > 4 ||
		math.Abs(runs[0].EndedAt.Sub(ann.StartedAt).Seconds()-ann.Seconds) > 0.002 {
		t.Errorf("announcement at the stop: %+v (run ended %v)", ann, runs[0].EndedAt)
	}
}

// TestAnnouncementAloneWithIntro: with nothing on air an announcement is
// its own run (khan-cap), after the announce.intro signal.
func TestAnnouncementAloneWithIntro(t *testing.T) {
	if testing.Short() {
		t.Skip("plays about 2 s in real time")
	}
	dir := t.TempDir()
	intro, tone := filepath.Join(dir, "intro.wav"), filepath.Join(dir, "tone.wav")
	sineWAV(t, intro, 0.5)
	sineWAV(t, tone, 1)
	l, _ := testDB(t)
	ann := config.Default().Announce
	ann.Intro = intro
	d := New(Options{Load: func(context.Context) ([]*schedule.Programme, error) { return nil, nil },
		Planner: &fakePlanner{}, Air: &AudioAir{Audio: config.Default().Audio}, Log: l, Logger: testLogger(t),
		Location: time.UTC, Output: "null", Overlap: OverlapSkip,
		Announcements: fakeStore{sum(t, tone): tone}, Announce: ann})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- d.Run(ctx, nil) }()
	var rep control.AnnounceReply
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		rep, err = d.Announce(ctx, control.AnnounceRequest{SHA256: sum(t, tone), Title: "cháy", By: "Chủ tịch"})
		if err == nil || time.Now().After(deadline) {
			break // (before Run has started: "not running its schedule")
		}
	}
	if err != nil || rep.Mode != control.ModeOwnRun || rep.Programme != ProgEmergency {
		t.Fatalf("announce: %+v %v", rep, err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		runs, _ := l.Runs(ctx, airlog.Filter{})
		if len(runs) == 1 && runs[0].Status == airlog.RunCompleted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("runs %+v", runs)
		}
	}
	cancel()
	<-ran
	items, _ := l.Items(context.Background(), airlog.Filter{})
	if len(items) != 2 || items[0].Kind != airlog.KindJingle || items[1].Kind != airlog.KindAnnouncement ||
		items[1].Level != airlog.LevelEmergency || items[1].OrderedBy != "Chủ tịch" || items[0].Programme != ProgEmergency {
		t.Fatalf("items %+v", items)
	}
}

// TestResumeItemReplaysTheCutItem: with announce.resume = "item" the item an
// emergency cut is played again after it, then the programme goes on.
func TestResumeItemReplaysTheCutItem(t *testing.T) {
	if testing.Short() {
		t.Skip("plays about 7 s in real time")
	}
	dir := t.TempDir()
	one, two, tone := filepath.Join(dir, "one.wav"), filepath.Join(dir, "two.wav"), filepath.Join(dir, "tone.wav")
	sineWAV(t, one, 3)
	sineWAV(t, two, 1)
	sineWAV(t, tone, 1)
	l, _ := testDB(t)
	ann := config.Default().Announce
	ann.Resume = "item"
	items := []assembly.Item{
		{Kind: assembly.KindScript, ScriptID: 1, Title: "một", Path: one, Seconds: 3},
		{Kind: assembly.KindScript, ScriptID: 2, Title: "hai", Path: two, Seconds: 1, OffsetS: 4},
	}
	d := New(Options{Planner: &fakePlanner{items: items}, Air: &AudioAir{Audio: config.Default().Audio}, Log: l,
		Logger: testLogger(t), Location: time.UTC, Overlap: OverlapSkip,
		Announcements: fakeStore{sum(t, tone): tone}, Announce: ann})
	ctx := context.Background()
	done := make(chan Result, 1)
	go func() { done <- d.play(ctx, testProg(t, "p", "0 0 * * * *"), time.Now().Add(300*time.Millisecond), "") }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if st, _ := d.Status(ctx); len(st.OnAir) == 1 && st.OnAir[0].Item != nil && st.OnAir[0].Item.ElapsedS > 0.5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("nothing on air")
		}
	}
	if _, err := d.Announce(ctx, control.AnnounceRequest{SHA256: sum(t, tone), Title: "A", By: "Chủ tịch"}); err != nil {
		t.Fatal(err)
	}
	<-done
	got, _ := l.Items(ctx, airlog.Filter{})
	var seq []string
	for _, it := range got {
		seq = append(seq, fmt.Sprintf("%s:%s:%s", it.Title, it.Status, it.Reason))
	}
	if want := "một:partial:preempted,A:aired:,một:aired:,hai:aired:"; strings.Join(seq, ",") != want {
		t.Fatalf("log %s, want %s", strings.Join(seq, ","), want)
	}
}
