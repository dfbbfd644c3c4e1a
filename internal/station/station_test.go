package station

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"loa/internal/config"
	"loa/internal/queue"
	"loa/internal/testenv"
	"loa/internal/users"
)

func openTest(t *testing.T) *Station {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "var"), config.Default(),
		Options{Create: true, UserOptions: []users.Option{users.WithCost(bcrypt.MinCost)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// tone returns a mono 16 kHz WAV of a sine tone.
func tone(t *testing.T, seconds, hz float64) []byte {
	t.Helper()
	b, err := os.ReadFile(testenv.SineWAV(t, filepath.Join(t.TempDir(), "tone.wav"), 16000, 1, seconds, hz, 0.3))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr[T any](v T) *T { return &v }

func input(title string, wav []byte) queue.Fields {
	return queue.Fields{Title: ptr(title), Topic: ptr("mot-cua-dvc"), Audio: &queue.Upload{Name: "bai.wav", R: bytes.NewReader(wav)}}
}

func TestPermissions(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	wav := tone(t, 2, 440)
	admin := Local("quản trị")
	base, _, err := st.AddScript(ctx, admin, input("Bài gốc", wav))
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]func(Actor) error{
		"add": func(a Actor) error { _, _, err := st.AddScript(ctx, a, input("Bài mới", wav)); return err },
		"edit": func(a Actor) error {
			_, _, err := st.EditScript(ctx, a, base.ID, queue.Fields{Author: ptr(a.Name)})
			return err
		},
		"list":     func(a Actor) error { _, err := st.Scripts(ctx, a, ScriptFilter{}); return err },
		"get":      func(a Actor) error { _, err := st.Script(ctx, a, base.ID); return err },
		"log":      func(a Actor) error { _, err := st.LogItems(ctx, a, LogFilter{}); return err },
		"users":    func(a Actor) error { _, err := st.ListUsers(ctx, a); return err },
		"token":    func(a Actor) error { _, err := st.NewToken(ctx, a, "nobody"); return err },
		"reject":   func(a Actor) error { _, err := st.Reject(ctx, a, 999, "lý do"); return err },
		"approve":  func(a Actor) error { _, err := st.Approve(ctx, a, 999, "", ""); return err },
		"retire":   func(a Actor) error { _, err := st.Retire(ctx, a, 999, ""); return err },
		"add-user": func(a Actor) error { _, err := st.AddUser(ctx, a, "x", users.Viewer, "12345678"); return err },
		"role":     func(a Actor) error { return st.SetRole(ctx, a, "nobody", users.Viewer) },
		"disable":  func(a Actor) error { return st.SetDisabled(ctx, a, "nobody", true) },
		"passwd":   func(a Actor) error { return st.SetPassword(ctx, a, "nobody", "12345678") },
		"speak": func(a Actor) error {
			_, _, err := st.AddSpokenScript(ctx, a, queue.Fields{Title: ptr("x"), Topic: ptr("ke-hoach")})
			return err
		},
	}
	allowed := map[users.Role]string{
		users.Admin:    "add edit list get log users token reject approve retire add-user role disable passwd speak",
		users.Editor:   "add edit list get log retire speak",
		users.Approver: "list get log reject approve",
		users.Viewer:   "list get log",
	}
	for _, role := range users.Roles() {
		for name, op := range ops {
			err := op(Actor{Name: "người " + string(role), Role: role})
			want := strings.Contains(" "+allowed[role]+" ", " "+name+" ")
			if got := !errors.Is(err, ErrForbidden); got != want {
				t.Errorf("%s %s: err %v; allowed %v", role, name, err, want)
			}
		}
	}
	// The acting user is in the history.
	h, err := st.History(ctx, Actor{Name: "x", Role: users.Viewer}, base.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h[0].Actor != "quản trị" {
		t.Errorf("history records %q, want the acting user", h[0].Actor)
	}
}

func TestApproveBindsToWhatWasHeard(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	ed := Actor{Name: "bientap", Role: users.Editor}
	ap := Actor{Name: "chutich", Role: users.Approver}
	s, _, err := st.AddScript(ctx, ed, input("Bài một", tone(t, 2, 440)))
	if err != nil {
		t.Fatal(err)
	}
	heard := s.AudioSHA256
	// The recording is replaced after the approver listened.
	if _, _, err := st.EditScript(ctx, ed, s.ID, queue.Fields{Audio: &queue.Upload{Name: "moi.wav", R: bytes.NewReader(tone(t, 2, 660))}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Approve(ctx, ap, s.ID, heard, ""); !errors.Is(err, ErrConflict) {
		t.Fatalf("approve with the old recording's hash: %v, want ErrConflict", err)
	}
	cur, _ := st.Script(ctx, ap, s.ID)
	got, err := st.Approve(ctx, ap, s.ID, cur.AudioSHA256, "đồng ý")
	if err != nil || got.Status != queue.Approved || got.ApprovedBy != "chutich" {
		t.Fatalf("approve = %+v, %v", got, err)
	}
}

func TestScriptsPageAndFilter(t *testing.T) {
	st := openTest(t)
	ctx := context.Background()
	ed := Actor{Name: "bientap", Role: users.Editor}
	wav := tone(t, 1.5, 440)
	for _, title := range []string{"Dịch vụ công", "Một cửa điện tử", "Dịch vụ công mức độ 4"} {
		if _, _, err := st.AddScript(ctx, ed, input(title, wav)); err != nil {
			t.Fatal(err)
		}
	}
	p, err := st.Scripts(ctx, ed, ScriptFilter{Query: "dịch vụ", Limit: 1, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 2 || len(p.Items) != 1 || p.Items[0].Title != "Dịch vụ công mức độ 4" {
		t.Errorf("page = %+v", p)
	}
}
