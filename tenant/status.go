package tenant

// Status is where a tenant is in its lifecycle. Offboarding is two-phase so
// that no config edit deletes a tenant's data in one step.
type Status string

// The lifecycle states of a tenant.
const (
	// StatusActive: the site builds and serves.
	StatusActive Status = "active"
	// StatusSuspended: everything is kept, auto build is off and the site is
	// behind basic auth.
	StatusSuspended Status = "suspended"
	// StatusOffboarded: the app and branch are deleted; the key, database,
	// secret and backups stay, protected and retained, until deleted by hand.
	StatusOffboarded Status = "offboarded"
)
