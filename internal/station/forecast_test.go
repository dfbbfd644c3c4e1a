package station

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"loa/internal/config"
	"loa/internal/users"
)

// TestForecastWindowCarriesState: next week's calendar is the forecast
// from now, not a forecast restarted at the window against today's queue:
// the runs before the window count (plays, spacing, topic airtime).
func TestForecastWindowCarriesState(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	loc := cfg.Location()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, loc)
	sched := t.TempDir()
	if err := os.WriteFile(filepath.Join(sched, "d.toml"),
		[]byte("name = \"d\"\ntitle = \"Hằng ngày\"\ncron = \"0 17 * * *\"\nlength = \"5s\"\nrepeat_days = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := Open(ctx, filepath.Join(t.TempDir(), "var"), cfg, Options{Create: true, Now: func() time.Time { return now },
		Schedules: sched, UserOptions: []users.Option{users.WithCost(bcrypt.MinCost)}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin := Local("quản trị")
	for i, topic := range []string{"ke-hoach", "mo-hinh", "ket-qua", "chu-truong"} {
		f := input("Bài", tone(t, 2, 300+100*float64(i)))
		f.Topic = &topic
		s, _, err := st.AddScript(ctx, admin, f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Approve(ctx, admin, s.ID, s.AudioSHA256, ""); err != nil {
			t.Fatal(err)
		}
	}
	from := time.Date(2027, 3, 4, 0, 0, 0, 0, loc)
	to := from.AddDate(0, 0, 2)
	window, err := st.Forecast(ctx, admin, from, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.Forecast(ctx, admin, now, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 || len(window) != 2 || !reflect.DeepEqual(window, all[3:]) {
		t.Fatalf("window %+v\nall %+v", window, all)
	}
	next, err := st.Forecast(ctx, admin, from, time.Time{}, 1)
	if err != nil || !reflect.DeepEqual(next, all[3:4]) {
		t.Errorf("next run after from: %+v, %v", next, err)
	}
}
