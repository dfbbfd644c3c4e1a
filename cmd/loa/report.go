package main

import (
	"context"
	"errors"
)

// TODO(session): replaced by the real command.
func (e *Env) runReport(ctx context.Context, args []string) error {
	return errors.New("report: not implemented yet")
}
