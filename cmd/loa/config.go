package main

import (
	"context"
	"fmt"
)

func (e *Env) runConfig(ctx context.Context, args []string) error {
	fs := e.newFlagSet("config", "loa config")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "config"); err != nil {
		return err
	}
	c, err := e.Config()
	if err != nil {
		return err
	}
	s, err := c.TOML()
	if err != nil {
		return err
	}
	fmt.Fprint(e.Stdout, s)
	return nil
}
