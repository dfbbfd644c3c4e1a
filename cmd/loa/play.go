package main

import (
	"context"
	"errors"
)

// TODO(session): replaced by the real command.
func (e *Env) runPlay(ctx context.Context, args []string) error {
	return errors.New("play: not implemented yet")
}
