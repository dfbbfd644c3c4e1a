package station

import (
	"errors"
	"fmt"

	"loa/internal/users"
)

// ErrForbidden is returned when the actor's role does not allow the action.
var ErrForbidden = errors.New("not allowed for this role")

// ErrConflict is returned when the thing acted on changed since the actor
// looked at it (a recording replaced before it was approved).
var ErrConflict = errors.New("changed meanwhile")

// Actor is who asks for an operation: a console or API user, or the local
// administrator at the command line. Name is what the script history
// records.
type Actor struct {
	Name string
	Role users.Role
}

// Local is the command line's actor: whoever can read the data directory
// is the station's administrator, recorded under the name they give.
func Local(name string) Actor { return Actor{Name: name, Role: users.Admin} }

// UserActor is the actor of a signed-in user.
func UserActor(u users.User) Actor { return Actor{Name: u.Name, Role: u.Role} }

// can fails with ErrForbidden unless the actor's role grants p.
func (a Actor) can(p users.Permission, what string) error {
	if !a.Role.Can(p) {
		return fmt.Errorf("%s: role %q: %w", what, a.Role, ErrForbidden)
	}
	return nil
}
