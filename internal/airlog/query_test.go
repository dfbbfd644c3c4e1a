package airlog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// pagedLog records 3 programmes × 10 runs, each a jingle and two scripts
// (one partial in every third run); run 30 is left open.
func pagedLog(t *testing.T) *Log {
	t.Helper()
	ctx := context.Background()
	l, db := openLog(t)
	for id := 1; id <= 2; id++ {
		if _, err := db.Exec(`INSERT INTO scripts (id, title, topic, created_at, updated_at) VALUES (?, 'x', 'ke-hoach', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z')`, id); err != nil {
			t.Fatal(err)
		}
	}
	var recs []RunRecord
	for i := range 30 {
		at := t0.Add(time.Duration(i) * time.Hour)
		r := RunRecord{RunSpec: RunSpec{Programme: []string{"a", "b", "c"}[i%3], ScheduledAt: at}, StartedAt: at,
			EndedAt: at.Add(time.Minute), Status: RunCompleted}
		for pos := range 3 {
			it := ItemRecord{ItemSpec: ItemSpec{Position: pos, Kind: KindScript, ScriptID: int64(pos), Title: fmt.Sprintf("%d.%d", i, pos),
				ScheduledAt: at.Add(time.Duration(pos) * 20 * time.Second), StartedAt: at.Add(time.Duration(pos) * 20 * time.Second)},
				Seconds: 20, Status: ItemAired}
			if pos == 0 {
				it.Kind, it.ScriptID = KindJingle, 0
			}
			if pos == 2 && i%3 == 0 {
				it.Status = ItemPartial
				r.Status = RunPartial
			}
			r.Items = append(r.Items, it)
		}
		recs = append(recs, r)
	}
	if _, err := l.RecordRuns(ctx, recs[:29]); err != nil {
		t.Fatal(err)
	}
	if _, err := l.OpenRun(ctx, recs[29].RunSpec); err != nil {
		t.Fatal(err)
	}
	return l
}

func titles(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Title)
	}
	return out
}

// TestItemPage: pages are newest first, cut from the same order as the
// stream, filtered the same way, with the total of all matching rows.
func TestItemPage(t *testing.T) {
	ctx := context.Background()
	l := pagedLog(t)
	all, err := l.Items(ctx, Filter{})
	if err != nil || len(all) != 87 {
		t.Fatalf("%d items, %v", len(all), err)
	}
	slices.Reverse(all)
	for _, tc := range []struct {
		f             Filter
		limit, offset int
		total         int
		want          []string
	}{
		{Filter{}, 4, 0, 87, titles(all[:4])},
		{Filter{}, 4, 85, 87, titles(all[85:])},
		{Filter{}, 10, 90, 87, nil},
		{Filter{Programme: "b"}, 3, 0, 30, []string{"28.2", "28.1", "28.0"}},
		{Filter{Status: ItemPartial}, 2, 1, 10, []string{"24.2", "21.2"}},
		{Filter{Kind: KindJingle, From: t0.Add(10 * time.Hour), To: t0.Add(13 * time.Hour)}, 10, 0, 3, []string{"12.0", "11.0", "10.0"}},
	} {
		got, total, err := l.ItemPage(ctx, tc.f, tc.limit, tc.offset)
		if err != nil {
			t.Fatal(err)
		}
		if total != tc.total || !slices.Equal(titles(got), tc.want) {
			t.Errorf("%+v limit %d offset %d: %v of %d, want %v of %d", tc.f, tc.limit, tc.offset, titles(got), total, tc.want, tc.total)
		}
	}
	for _, bad := range [][2]int{{0, 0}, {MaxPage + 1, 0}, {10, -1}} {
		if _, _, err := l.ItemPage(ctx, Filter{}, bad[0], bad[1]); !errors.Is(err, ErrPage) {
			t.Errorf("limit %d offset %d: %v", bad[0], bad[1], err)
		}
	}
}

func TestRunPage(t *testing.T) {
	ctx := context.Background()
	l := pagedLog(t)
	for _, tc := range []struct {
		f      Filter
		total  int
		wantID []int64
	}{
		{Filter{}, 30, []int64{30, 29, 28}},
		{Filter{Status: StatusOpen}, 1, []int64{30}},
		{Filter{Status: RunPartial, Programme: "a"}, 10, []int64{28, 25, 22}},
		{Filter{To: t0.Add(2 * time.Hour)}, 2, []int64{2, 1}},
	} {
		runs, total, err := l.RunPage(ctx, tc.f, 3, 0)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range runs {
			ids = append(ids, r.ID)
		}
		if total != tc.total || !slices.Equal(ids, tc.wantID) {
			t.Errorf("%+v: %v of %d, want %v of %d", tc.f, ids, total, tc.wantID, tc.total)
		}
	}
}

// TestEachStops: a stream left early releases its rows (a later query on
// the same single-connection pool would otherwise wait forever), and a
// cancelled context ends it with the error.
func TestEachStops(t *testing.T) {
	ctx := context.Background()
	l := pagedLog(t)
	l.db.SetMaxOpenConns(1)
	n := 0
	for _, err := range l.EachItem(ctx, Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 5 {
			break
		}
	}
	if _, total, err := l.RunPage(ctx, Filter{}, 1, 0); err != nil || total != 30 {
		t.Fatalf("after an early break: %d, %v", total, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	var last error
	for _, err := range l.EachRun(cctx, Filter{}) {
		last = err
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("cancelled stream ended with %v", last)
	}
}
