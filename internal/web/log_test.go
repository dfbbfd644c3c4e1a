package web

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"loa/internal/airlog"
	"loa/internal/users"
)

// TestLogPagesBackInTime: the log page shows the newest items first and
// "Cũ hơn" continues from the last item shown, by time, until the oldest.
func TestLogPagesBackInTime(t *testing.T) {
	f := newFixture(t)
	start := time.Date(2026, 11, 1, 23, 30, 0, 0, time.UTC)
	var runs []airlog.RunRecord
	for d := 0; d < 3; d++ {
		at := start.AddDate(0, 0, d)
		r := airlog.RunRecord{RunSpec: airlog.RunSpec{Programme: "sang", Title: "Bản tin sáng", ScheduledAt: at},
			StartedAt: at, EndedAt: at.Add(30 * time.Minute), Status: airlog.RunCompleted}
		for i := 0; i < 25; i++ {
			r.Items = append(r.Items, airlog.ItemRecord{ItemSpec: airlog.ItemSpec{Position: i, Kind: airlog.KindJingle,
				Title: fmt.Sprintf("Mục %d-%02d", d, i), ScheduledAt: at.Add(time.Duration(i) * time.Minute),
				StartedAt: at.Add(time.Duration(i) * time.Minute)}, Seconds: 30, Status: airlog.ItemAired})
		}
		runs = append(runs, r)
	}
	if _, err := f.st.Log.RecordRuns(context.Background(), runs); err != nil {
		t.Fatal(err)
	}
	b := f.signedIn(users.Viewer)
	older := regexp.MustCompile(`<a href="([^"]+)">Cũ hơn →</a>`)
	title := regexp.MustCompile(`Mục \d-\d\d`)
	path := "/nhat-ky"
	var seen []string
	for page := 0; page < 5 && path != ""; page++ {
		_, body := b.get(path)
		seen = append(seen, title.FindAllString(body, -1)...)
		path = ""
		if m := older.FindStringSubmatch(body); m != nil {
			path = "/nhat-ky" + strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != 75 || seen[0] != "Mục 2-24" || seen[74] != "Mục 0-00" {
		t.Errorf("pages showed %d items, %v … %v", len(seen), seen[:min(3, len(seen))], seen[max(0, len(seen)-3):])
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("item %d (%s) not older than %s", i, seen[i], seen[i-1])
		}
	}
}
