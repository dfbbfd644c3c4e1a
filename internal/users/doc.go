// Package users owns the station's accounts, roles, API tokens and console
// sessions (tables users, user_tokens, sessions). Passwords are stored as
// bcrypt hashes; tokens and session ids only as SHA-256 hashes, so a copy of
// the database gives no one a way in.
package users
