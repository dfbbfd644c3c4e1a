package main

import (
	"context"
	"fmt"
	"net"

	"loa/internal/web"
)

func (e *Env) runServe(ctx context.Context, args []string) error {
	fs := e.newFlagSet("serve", "loa serve [--listen ADDR] [--schedules DIR]\n\n"+
		"Serves the web console and the JSON API (/api/v1) until interrupted. It may run\n"+
		"beside 'loa daemon' on the same data directory. Create the first administrator\n"+
		"with 'loa user add NAME --role quan-tri --password-stdin'.")
	listen := fs.String("listen", "", "address to listen on (default: config web.listen, 127.0.0.1:8080)")
	sched := fs.String("schedules", "", "directory of programme files, for the calendar (default: config playout.schedules)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "serve"); err != nil {
		return err
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	addr := *listen
	if addr == "" {
		addr = cfg.Web.Listen
	}
	e.schedules = *sched
	st, err := e.OpenStation(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if n, err := st.Users.Count(ctx); err == nil && n == 0 {
		e.Logger.Warn("no users yet: create the first administrator with 'loa user add NAME --role quan-tri --password-stdin'")
	}
	srv, err := web.New(st, web.Options{Logger: e.Logger})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	e.Logger.Info("serving the console", "url", "http://"+ln.Addr().String()+"/")
	return web.Serve(ctx, srv.Handler(), ln, e.Logger)
}
