package main

import (
	"context"
	"errors"
)

// TODO(session): replaced by the real command.
func (e *Env) runDaemon(ctx context.Context, args []string) error {
	return errors.New("daemon: not implemented yet")
}
