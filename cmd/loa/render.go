package main

import (
	"context"
	"errors"
)

// TODO(session): replaced by the real command.
func (e *Env) runRender(ctx context.Context, args []string) error {
	return errors.New("render: not implemented yet")
}
