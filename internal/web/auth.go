package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"loa/internal/station"
	"loa/internal/users"
)

const (
	sessionCookie = "loa_session"
	csrfCookie    = "loa_csrf"
	csrfField     = "csrf"
)

// throttle counts failed sign-ins per user name and per client address:
// after maxFails within failWindow, further attempts are refused until the
// window has passed, whether the password is right or not.
type throttle struct {
	mu    sync.Mutex
	now   func() time.Time
	fails map[string][]time.Time
}

const (
	maxFails   = 5
	failWindow = 15 * time.Minute
)

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, fails: map[string][]time.Time{}}
}

// recent drops failures older than the window and returns those left.
func (t *throttle) recent(key string) []time.Time {
	cut := t.now().Add(-failWindow)
	f := t.fails[key]
	i := 0
	for i < len(f) && f[i].Before(cut) {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(t.fails, key)
	} else {
		t.fails[key] = f
	}
	return f
}

// blocked reports whether any of the keys has too many recent failures.
func (t *throttle) blocked(keys ...string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if len(t.recent(k)) >= maxFails {
			return true
		}
	}
	return false
}

func (t *throttle) fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	// Failures under made-up names must not grow the map without end:
	// now and then drop every key whose failures are all old.
	if len(t.fails) > maxThrottleKeys {
		for k := range t.fails {
			t.recent(k)
		}
	}
	for _, k := range keys {
		t.fails[k] = append(t.recent(k), t.now())
	}
}

const maxThrottleKeys = 10000

// clientAddr is the peer's IP address (no proxy headers are trusted: the
// console is served directly on the office LAN).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

// csrfToken returns the browser's CSRF token, setting the cookie when it
// has none. Forms carry it back in a hidden field (double submit: another
// site can make the browser send the cookie, but cannot read it to fill in
// the field).
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	tok := randomToken()
	setCookie(w, r, csrfCookie, tok, 0)
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: tok}) // the page rendered next reads it
	return tok
}

// csrfOK checks the form's token against the cookie. The form must already
// be parsed (or the field read from a multipart stream: given).
func csrfOK(r *http.Request, given string) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 || given == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(given)) == 1
}

// sessionUser returns the signed-in user of a console request.
func (s *Server) sessionUser(r *http.Request) (users.User, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return users.User{}, false
	}
	u, err := s.st.Users.BySession(r.Context(), c.Value)
	return u, err == nil
}

// tokenUser returns the user of an API request's Bearer token.
func (s *Server) tokenUser(r *http.Request) (users.User, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return users.User{}, false
	}
	u, err := s.st.Users.ByToken(r.Context(), strings.TrimSpace(tok))
	return u, err == nil
}

func actorOf(u users.User) station.Actor { return station.UserActor(u) }
