package main

import (
	"context"
	"errors"
)

// TODO(session): replaced by the real command.
func (e *Env) runSimulate(ctx context.Context, args []string) error {
	return errors.New("simulate: not implemented yet")
}
