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

// FieldError is an input error about one named field, with a short code
// (such as "required", "invalid", "too_large") from which an edge that does
// not show English (the web console) makes its own words.
type FieldError struct {
	Field, Code string
	err         error
}

func (e *FieldError) Error() string { return e.err.Error() }
func (e *FieldError) Unwrap() error { return e.err }

// Field returns an input error about field with code; the message (English,
// naming the field) is what the command line prints.
func Field(field, code, format string, args ...any) error {
	return &Error{err: &FieldError{Field: field, Code: code, err: fmt.Errorf(format, args...)}}
}

// FieldOf returns the field and code of err, or "" when it has none.
func FieldOf(err error) (field, code string) {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Field, fe.Code
	}
	return "", ""
}
