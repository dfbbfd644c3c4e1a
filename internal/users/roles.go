package users

import "slices"

// Role is what a user may do. The codes are Vietnamese because officers type
// them ("loa user add an --role phe-duyet").
type Role string

// The four roles.
const (
	Admin    Role = "quan-tri"  // users and settings, and everything below
	Editor   Role = "bien-tap"  // add, edit, retire scripts; schedules; reports
	Approver Role = "phe-duyet" // listen, approve or reject; reports
	Viewer   Role = "xem"       // status, log, reports
)

// Roles lists the roles from most to least powerful.
func Roles() []Role { return []Role{Admin, Editor, Approver, Viewer} }

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Label is the role's Vietnamese name.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "Quản trị"
	case Editor:
		return "Biên tập"
	case Approver:
		return "Phê duyệt"
	case Viewer:
		return "Xem"
	}
	return string(r)
}

// Permission is one kind of action checked by the service layer.
type Permission string

// The permissions.
const (
	View        Permission = "view"         // status, log, scripts, calendar, reports
	EditScripts Permission = "edit-scripts" // add, edit, retire
	Approve     Permission = "approve"      // approve, reject
	ManageUsers Permission = "manage-users" // users and settings
)

var grants = map[Role][]Permission{
	Admin:    {View, EditScripts, Approve, ManageUsers},
	Editor:   {View, EditScripts},
	Approver: {View, Approve},
	Viewer:   {View},
}

// Can reports whether the role grants p.
func (r Role) Can(p Permission) bool { return slices.Contains(grants[r], p) }
