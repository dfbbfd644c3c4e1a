package main

import (
	"context"
	"errors"
)

// TODO(session): replaced by the real command.
func (e *Env) runScript(ctx context.Context, args []string) error {
	return errors.New("script: not implemented yet")
}
