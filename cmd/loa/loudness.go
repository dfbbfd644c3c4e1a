package main

import (
	"context"
	"errors"
)

// TODO(session): replaced by the real command.
func (e *Env) runLoudness(ctx context.Context, args []string) error {
	return errors.New("loudness: not implemented yet")
}
