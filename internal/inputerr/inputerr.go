// Package inputerr marks errors caused by what the user gave loa (a bad flag,
// file or field), so the command line can exit with status 2 for them and 1
// for everything else.
package inputerr

import (
	"errors"
	"fmt"
)

// Error is an input error. Its message should name the file or field.
type Error struct{ err error }

func (e *Error) Error() string { return e.err.Error() }
func (e *Error) Unwrap() error { return e.err }

// New returns an input error formatted like fmt.Errorf (so %w works).
func New(format string, args ...any) error {
	return &Error{err: fmt.Errorf(format, args...)}
}

// Wrap marks err as an input error; nil stays nil.
func Wrap(err error) error {
	if err == nil {
		return nil
	}
	return &Error{err: err}
}

// Is reports whether err, or anything it wraps, is an input error.
func Is(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
