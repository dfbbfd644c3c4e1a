package main

import (
	"context"
	"errors"
)

// TODO(session): replaced by the real command.
func (e *Env) runSchedule(ctx context.Context, args []string) error {
	return errors.New("schedule: not implemented yet")
}
