package main

import (
	"context"
	"errors"
)

// TODO(session): replaced by the real command.
func (e *Env) runLog(ctx context.Context, args []string) error {
	return errors.New("log: not implemented yet")
}
