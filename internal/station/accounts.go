package station

import (
	"context"
	"errors"
	"time"

	"loa/internal/inputerr"
	"loa/internal/users"
)

// SessionTTL is how long a console sign-in lasts.
const SessionTTL = 12 * time.Hour

// AddUser creates an account (administrators only).
func (s *Station) AddUser(ctx context.Context, a Actor, name string, role users.Role, password string) (users.User, error) {
	if err := a.can(users.ManageUsers, "add user"); err != nil {
		return users.User{}, err
	}
	return s.Users.Add(ctx, name, role, password)
}

// ListUsers lists every account.
func (s *Station) ListUsers(ctx context.Context, a Actor) ([]users.User, error) {
	if err := a.can(users.ManageUsers, "list users"); err != nil {
		return nil, err
	}
	return s.Users.List(ctx)
}

// SetPassword sets a user's password; anyone may change their own.
func (s *Station) SetPassword(ctx context.Context, a Actor, name, password string) error {
	if a.Name != name {
		if err := a.can(users.ManageUsers, "set password"); err != nil {
			return err
		}
	}
	return s.Users.SetPassword(ctx, name, password)
}

// ChangePassword sets a's own password given the current one (a session
// left open on a shared PC is not enough to take the account); it ends a's
// sessions. A wrong current password is an input error on "current".
func (s *Station) ChangePassword(ctx context.Context, a Actor, current, password string) error {
	if _, err := s.Users.Authenticate(ctx, a.Name, current); err != nil {
		if errors.Is(err, users.ErrBadCredentials) {
			return inputerr.Field("current", "wrong", "current password of %s is wrong", a.Name)
		}
		return err
	}
	return s.Users.SetPassword(ctx, a.Name, password)
}

// SetRole changes a user's role.
func (s *Station) SetRole(ctx context.Context, a Actor, name string, role users.Role) error {
	if err := a.can(users.ManageUsers, "set role"); err != nil {
		return err
	}
	return s.Users.SetRole(ctx, name, role)
}

// SetDisabled disables or re-enables a user; disabling ends their sessions
// and tokens.
func (s *Station) SetDisabled(ctx context.Context, a Actor, name string, disabled bool) error {
	if err := a.can(users.ManageUsers, "disable user"); err != nil {
		return err
	}
	return s.Users.SetDisabled(ctx, name, disabled)
}

// NewToken makes an API token for name; it is shown once.
func (s *Station) NewToken(ctx context.Context, a Actor, name string) (string, error) {
	if err := a.can(users.ManageUsers, "make token"); err != nil {
		return "", err
	}
	return s.Users.NewToken(ctx, name)
}

// Login checks a name and password and starts a session; it returns the
// session id for the cookie.
func (s *Station) Login(ctx context.Context, name, password string) (users.User, string, error) {
	u, err := s.Users.Authenticate(ctx, name, password)
	if err != nil {
		return u, "", err
	}
	sid, err := s.Users.NewSession(ctx, u.ID, SessionTTL)
	return u, sid, err
}
