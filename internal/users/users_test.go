package users

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"loa/internal/database"
	"loa/internal/inputerr"
)

func open(t *testing.T, opts ...Option) *Store {
	t.Helper()
	db, err := database.Open(context.Background(), filepath.Join(t.TempDir(), "loa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db, append([]Option{WithCost(bcrypt.MinCost)}, opts...)...)
}

func TestRolePermissions(t *testing.T) {
	want := map[Role]string{Admin: "view edit-scripts approve manage-users", Editor: "view edit-scripts", Approver: "view approve", Viewer: "view"}
	for _, r := range Roles() {
		var got []string
		for _, p := range []Permission{View, EditScripts, Approve, ManageUsers} {
			if r.Can(p) {
				got = append(got, string(p))
			}
		}
		if strings.Join(got, " ") != want[r] {
			t.Errorf("%s can %v, want %s", r, got, want[r])
		}
	}
	if Role("root").Valid() || Role("root").Can(View) {
		t.Error("unknown role is valid or grants view")
	}
}

func TestAddInvalid(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	if _, err := s.Add(ctx, "an", Admin, "mật khẩu dài"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, role, pw, field, code string
	}{
		{"An Nguyen", "xem", "12345678", "username", "invalid"},
		{"", "xem", "12345678", "username", "invalid"},
		{"binh", "root", "12345678", "role", "invalid"},
		{"binh", "xem", "1234567", "password", "too_short"},
		{"binh", "xem", strings.Repeat("x", 73), "password", "too_long"},
		{"an", "xem", "12345678", "username", "exists"},
	} {
		_, err := s.Add(ctx, c.name, Role(c.role), c.pw)
		f, code := inputerr.FieldOf(err)
		if !inputerr.Is(err) || f != c.field || code != c.code {
			t.Errorf("Add(%q, %q, %q) = %v (%s/%s), want input error %s/%s", c.name, c.role, c.pw, err, f, code, c.field, c.code)
		}
	}
}

func TestCredentials(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	s := open(t, WithClock(func() time.Time { return now }))
	ctx := context.Background()
	u, err := s.Add(ctx, "chutich", Approver, "bình-lương-2026")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "chutich", "sai mật khẩu"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := s.Authenticate(ctx, "ai-do", "bình-lương-2026"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("unknown user: %v", err)
	}
	if got, err := s.Authenticate(ctx, "chutich", "bình-lương-2026"); err != nil || got.ID != u.ID || got.Role != Approver {
		t.Fatalf("Authenticate = %+v, %v", got, err)
	}

	tok, err := s.NewToken(ctx, "chutich")
	if err != nil || !strings.HasPrefix(tok, "loa_") {
		t.Fatalf("NewToken = %q, %v", tok, err)
	}
	var stored string
	s.db.QueryRow(`SELECT hash FROM user_tokens`).Scan(&stored)
	if stored == tok || strings.Contains(stored, tok[4:]) {
		t.Error("token stored in clear")
	}
	if got, err := s.ByToken(ctx, tok); err != nil || got.Name != "chutich" {
		t.Errorf("ByToken = %+v, %v", got, err)
	}
	if _, err := s.ByToken(ctx, tok+"x"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("bad token: %v", err)
	}

	sid, err := s.NewSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.BySession(ctx, sid); err != nil {
		t.Errorf("fresh session: %v", err)
	}
	now = now.Add(2 * time.Hour)
	if _, err := s.BySession(ctx, sid); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("expired session: %v", err)
	}
	sid, _ = s.NewSession(ctx, u.ID, time.Hour)
	if err := s.EndSession(ctx, sid); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BySession(ctx, sid); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("ended session: %v", err)
	}

	sid, _ = s.NewSession(ctx, u.ID, time.Hour)
	if err := s.SetPassword(ctx, "chutich", "mật-khẩu-mới-2026"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BySession(ctx, sid); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("session survives a password change: %v", err)
	}
	if _, err := s.ByToken(ctx, tok); err != nil {
		t.Errorf("token revoked by a password change: %v", err)
	}
	sid, _ = s.NewSession(ctx, u.ID, time.Hour)
	if err := s.SetDisabled(ctx, "chutich", true); err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{
		"password": func() error { _, err := s.Authenticate(ctx, "chutich", "mật-khẩu-mới-2026"); return err }(),
		"token":    func() error { _, err := s.ByToken(ctx, tok); return err }(),
		"session":  func() error { _, err := s.BySession(ctx, sid); return err }(),
	} {
		if !errors.Is(err, ErrBadCredentials) {
			t.Errorf("disabled user's %s still works: %v", what, err)
		}
	}
	if err := s.SetDisabled(ctx, "nobody", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("disable unknown: %v", err)
	}
}

// TestLastAdmin: the last active administrator can be neither disabled nor
// given another role (the console would be left without anyone to manage
// it); with a second administrator both work.
func TestLastAdmin(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for _, u := range []struct {
		name string
		role Role
	}{{"quantri", Admin}, {"bientap", Editor}} {
		if _, err := s.Add(ctx, u.name, u.role, "mật-khẩu-đủ-dài"); err != nil {
			t.Fatal(err)
		}
	}
	lastAdmin := func(what string, err error) {
		t.Helper()
		if _, code := inputerr.FieldOf(err); code != "last_admin" {
			t.Errorf("%s: %v, want a last_admin input error", what, err)
		}
	}
	lastAdmin("disable the last admin", s.SetDisabled(ctx, "quantri", true))
	lastAdmin("demote the last admin", s.SetRole(ctx, "quantri", Editor))
	if u, _ := s.Get(ctx, "quantri"); u.Disabled || u.Role != Admin {
		t.Errorf("the last admin was changed: %+v", u)
	}
	// Others are not affected; an admin stays one.
	if err := s.SetDisabled(ctx, "bientap", true); err != nil {
		t.Errorf("disable an editor: %v", err)
	}
	if err := s.SetRole(ctx, "quantri", Admin); err != nil {
		t.Errorf("admin to admin: %v", err)
	}
	// With a second admin, the first may go.
	if _, err := s.Add(ctx, "quantri2", Admin, "mật-khẩu-đủ-dài"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRole(ctx, "quantri", Viewer); err != nil {
		t.Errorf("demote with another admin: %v", err)
	}
	lastAdmin("disable the new last admin", s.SetDisabled(ctx, "quantri2", true))
}
