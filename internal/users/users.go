package users

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"loa/internal/database"
	"loa/internal/inputerr"
)

// ErrNotFound is returned for an unknown user.
var ErrNotFound = errors.New("no such user")

// ErrBadCredentials is returned for a wrong name, password, token or
// session, and for a disabled user: callers cannot tell which.
var ErrBadCredentials = errors.New("bad credentials")

// MinPassword is the shortest password accepted.
const MinPassword = 8

// User is one account.
type User struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// Store is the accounts table and its tokens and sessions.
type Store struct {
	db   *sql.DB
	now  func() time.Time
	cost int
	// dummy is compared against when the user does not exist, so a login
	// for an unknown name takes as long as one for a known name.
	dummy []byte
}

// Option adjusts a Store.
type Option func(*Store)

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithCost sets the bcrypt cost (tests use bcrypt.MinCost).
func WithCost(c int) Option { return func(s *Store) { s.cost = c } }

// New returns the store over db.
func New(db *sql.DB, opts ...Option) *Store {
	s := &Store{db: db, now: time.Now, cost: bcrypt.DefaultCost}
	for _, o := range opts {
		o(s)
	}
	s.dummy, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), s.cost)
	return s
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,31}$`)

func checkName(name string) error {
	if !nameRE.MatchString(name) {
		return inputerr.Field("username", "invalid", "user name %q: use 1-32 lowercase letters, digits, '.', '_' or '-'", name)
	}
	return nil
}

func checkPassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPassword {
		return inputerr.Field("password", "too_short", "password: at least %d characters", MinPassword)
	}
	if len(pw) > 72 { // bcrypt's limit: longer would be silently cut
		return inputerr.Field("password", "too_long", "password: at most 72 bytes")
	}
	return nil
}

func checkRole(r Role) error {
	if !r.Valid() {
		return inputerr.Field("role", "invalid", "role %q: one of quan-tri, bien-tap, phe-duyet, xem", r)
	}
	return nil
}

// Add creates a user.
func (s *Store) Add(ctx context.Context, name string, role Role, password string) (User, error) {
	if err := checkName(name); err != nil {
		return User{}, err
	}
	if err := checkRole(role); err != nil {
		return User{}, err
	}
	if err := checkPassword(password); err != nil {
		return User{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return User{}, fmt.Errorf("add user %s: %w", name, err)
	}
	now := database.FormatTime(s.now())
	var exists bool
	err = database.Tx(ctx, s.db, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE name = ?)`, name).Scan(&exists); err != nil || exists {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES (?,?,?,?,?)`,
			name, string(role), string(hash), now, now)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("add user %s: %w", name, err)
	}
	if exists {
		return User{}, inputerr.Field("username", "exists", "user %q already exists", name)
	}
	return s.Get(ctx, name)
}

const userCols = `id, name, role, disabled, created_at`

func scanUser(r interface{ Scan(...any) error }) (User, error) {
	var u User
	var created string
	if err := r.Scan(&u.ID, &u.Name, &u.Role, &u.Disabled, &created); err != nil {
		return u, err
	}
	t, err := database.ParseTime(created)
	u.CreatedAt = t
	return u, err
}

// Get returns the user called name.
func (s *Store) Get(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("get user %s: %w", name, err)
	}
	return u, nil
}

// List returns every user by name.
func (s *Store) List(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// update runs one UPDATE on the named user, failing when there is none.
func (s *Store) update(ctx context.Context, what, name, set string, args ...any) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET `+set+`, updated_at = ? WHERE name = ?`,
		append(args, database.FormatTime(s.now()), name)...)
	if err != nil {
		return fmt.Errorf("%s of user %s: %w", what, name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	return nil
}

// SetPassword replaces a user's password and ends their sessions.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return fmt.Errorf("set password of user %s: %w", name, err)
	}
	if err := s.update(ctx, "set password", name, `password_hash = ?`, string(hash)); err != nil {
		return err
	}
	return s.revokeAll(ctx, name, false)
}

// SetRole changes a user's role.
func (s *Store) SetRole(ctx context.Context, name string, role Role) error {
	if err := checkRole(role); err != nil {
		return err
	}
	if role != Admin {
		if err := s.keepAnAdmin(ctx, name); err != nil {
			return err
		}
	}
	return s.update(ctx, "set role", name, `role = ?`, string(role))
}

// keepAnAdmin refuses to take away the last active administrator: the
// console would be left with nobody to manage users (only the command line
// on the station PC could repair it).
func (s *Store) keepAnAdmin(ctx context.Context, name string) error {
	var others int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = ? AND NOT disabled AND name <> ?`,
		string(Admin), name).Scan(&others)
	if err != nil {
		return fmt.Errorf("count administrators: %w", err)
	}
	u, err := s.Get(ctx, name)
	if err != nil {
		return err
	}
	if others == 0 && u.Role == Admin && !u.Disabled {
		return inputerr.Field("username", "last_admin", "user %s is the last active administrator: add another administrator first", name)
	}
	return nil
}

// SetDisabled disables (ending every session and token) or re-enables a user.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) error {
	if disabled {
		if err := s.keepAnAdmin(ctx, name); err != nil {
			return err
		}
	}
	if err := s.update(ctx, "disable", name, `disabled = ?`, disabled); err != nil {
		return err
	}
	if disabled {
		return s.revokeAll(ctx, name, true)
	}
	return nil
}

func (s *Store) revokeAll(ctx context.Context, name string, tokens bool) error {
	now := database.FormatTime(s.now())
	return database.Tx(ctx, s.db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL
				AND user_id = (SELECT id FROM users WHERE name = ?)`, now, name); err != nil {
			return fmt.Errorf("revoke sessions of %s: %w", name, err)
		}
		if !tokens {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE user_tokens SET revoked_at = ? WHERE revoked_at IS NULL
				AND user_id = (SELECT id FROM users WHERE name = ?)`, now, name); err != nil {
			return fmt.Errorf("revoke tokens of %s: %w", name, err)
		}
		return nil
	})
}

// Count returns the number of users (0: the first admin is still to be made).
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// Authenticate checks a name and password. Any failure is ErrBadCredentials.
func (s *Store) Authenticate(ctx context.Context, name, password string) (User, error) {
	var hash string
	var u User
	row := s.db.QueryRowContext(ctx, `SELECT `+userCols+`, password_hash FROM users WHERE name = ?`, name)
	var created string
	err := row.Scan(&u.ID, &u.Name, &u.Role, &u.Disabled, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		bcrypt.CompareHashAndPassword(s.dummy, []byte(password))
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate %s: %w", name, err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || u.Disabled {
		return User{}, ErrBadCredentials
	}
	u.CreatedAt, _ = database.ParseTime(created)
	return u, nil
}

// secret returns a random URL-safe string with 256 bits and its stored hash.
func secret(prefix string) (plain, hash string) {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	plain = prefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, hashOf(plain)
}

func hashOf(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// NewToken makes an API token for the user and returns it; only its hash is
// kept, so it cannot be shown again.
func (s *Store) NewToken(ctx context.Context, name string) (string, error) {
	u, err := s.Get(ctx, name)
	if err != nil {
		return "", err
	}
	plain, hash := secret("loa_")
	if _, err := s.db.ExecContext(ctx, `INSERT INTO user_tokens (user_id, hash, created_at) VALUES (?,?,?)`,
		u.ID, hash, database.FormatTime(s.now())); err != nil {
		return "", fmt.Errorf("new token for %s: %w", name, err)
	}
	return plain, nil
}

// ByToken returns the enabled user a live token belongs to.
func (s *Store) ByToken(ctx context.Context, token string) (User, error) {
	return s.byHash(ctx, `SELECT u.id, u.name, u.role, u.disabled, u.created_at FROM user_tokens t
		JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND t.revoked_at IS NULL AND u.disabled = 0`, hashOf(token))
}

func (s *Store) byHash(ctx context.Context, query string, args ...any) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("look up credentials: %w", err)
	}
	return u, nil
}

// NewSession starts a console session for the user, valid for ttl, and
// returns its id (the cookie value); only the id's hash is stored.
func (s *Store) NewSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	plain, hash := secret("")
	now := s.now()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES (?,?,?,?)`,
		hash, userID, database.FormatTime(now), database.FormatTime(now.Add(ttl))); err != nil {
		return "", fmt.Errorf("new session: %w", err)
	}
	return plain, nil
}

// BySession returns the enabled user of a live, unexpired session.
func (s *Store) BySession(ctx context.Context, id string) (User, error) {
	return s.byHash(ctx, `SELECT u.id, u.name, u.role, u.disabled, u.created_at FROM sessions x
		JOIN users u ON u.id = x.user_id WHERE x.hash = ? AND x.revoked_at IS NULL AND x.expires_at > ? AND u.disabled = 0`,
		hashOf(id), database.FormatTime(s.now()))
}

// EndSession revokes one session (log out).
func (s *Store) EndSession(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE hash = ? AND revoked_at IS NULL`,
		database.FormatTime(s.now()), hashOf(id)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}
