package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"loa/internal/content"
	"loa/internal/database"
	"loa/internal/playout"
	"loa/internal/station"
)

func (e *Env) runMigrate(ctx context.Context, args []string) error {
	fs := e.newFlagSet("migrate", "loa migrate\n\n"+
		"Upgrades the station database to this loa's schema. Other commands refuse an older\n"+
		"schema; 'loa daemon' upgrades it at start. Refused while a daemon runs on the data directory.")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "migrate"); err != nil {
		return err
	}
	if err := e.checkDataDir(); err != nil {
		return err
	}
	// Holding the daemon's lock: no daemon reads the schema while it changes.
	lock, _, err := playout.AcquireLock(e.DataDir)
	if errors.Is(err, playout.ErrLocked) {
		pid, _ := os.ReadFile(filepath.Join(e.DataDir, playout.LockFile))
		return fmt.Errorf("migrate: %w (pid %s): stop it first, or restart it with this loa (it upgrades at start)", err, strings.TrimSpace(string(pid)))
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer lock.Release()
	from, to, err := database.Upgrade(ctx, filepath.Join(e.DataDir, database.FileName))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	store, err := content.Open(filepath.Join(e.DataDir, station.StoreDir))
	if err == nil {
		err = store.Restrict()
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if from == to {
		fmt.Fprintf(e.Stdout, "Cơ sở dữ liệu đã ở phiên bản %d, không cần nâng cấp.\n", to)
		return nil
	}
	fmt.Fprintf(e.Stdout, "Đã nâng cấp cơ sở dữ liệu từ phiên bản %d lên %d.\n", from, to)
	return nil
}
