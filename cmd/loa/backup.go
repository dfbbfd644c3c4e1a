package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"loa/internal/backup"
	"loa/internal/config"
	"loa/internal/database"
	"loa/internal/inputerr"
)

func (e *Env) runBackup(ctx context.Context, args []string) error {
	fs := e.newFlagSet("backup", "loa backup --out FILE\n\n"+
		"Writes the station (database, stored audio, loa.toml) to one archive, consistent while\n"+
		"the daemon plays. 'loa --data DIR restore FILE' recreates the station from it.")
	out := fs.String("out", "", "archive to write (a tar file), e.g. /srv/backup/loa-2026-11-30.tar")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 0, "backup"); err != nil {
		return err
	}
	if *out == "" {
		return inputerr.New("backup: --out FILE is required")
	}
	// Before the archive is written, not after: a path that cannot take it
	// is the user's to correct.
	if fi, err := os.Stat(*out); err == nil && fi.IsDir() {
		return inputerr.New("backup: --out %s is a directory: name the archive file in it", *out)
	}
	if fi, err := os.Stat(filepath.Dir(*out)); err != nil || !fi.IsDir() {
		return inputerr.New("backup: --out %s: directory %s does not exist", *out, filepath.Dir(*out))
	}
	if err := e.checkDataDir(); err != nil {
		return err
	}
	cfgPath := e.ConfigPath
	if cfgPath == "" {
		cfgPath = filepath.Join(e.DataDir, config.FileName)
	}
	m, err := backup.Write(ctx, e.DataDir, cfgPath, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "Đã sao lưu trạm vào %s: %d bài, %d tệp âm thanh, %.1f MB.\n", *out, m.Scripts, m.Audio(), float64(m.Bytes())/(1<<20))
	return nil
}

func (e *Env) runRestore(ctx context.Context, args []string) error {
	fs := e.newFlagSet("restore", "loa --data DIR restore FILE\n\n"+
		"Recreates a station in DIR (which must not exist, or be empty) from a 'loa backup' archive,\n"+
		"every file checked by its SHA-256.")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(pos, 1, "restore FILE"); err != nil {
		return err
	}
	m, err := backup.Restore(ctx, pos[0], e.DataDir)
	if err != nil {
		return err
	}
	loc := config.Default().Location()
	if cfg, err := e.Config(); err == nil { // the restored loa.toml
		loc = cfg.Location()
	}
	fmt.Fprintf(e.Stdout, "Đã khôi phục trạm vào %s từ bản sao lưu lúc %s: %d bài, %d tệp âm thanh (đã kiểm tra SHA-256).\n",
		e.DataDir, m.Created.In(loc).Format(database.ShowMinuteDate), m.Scripts, m.Audio())
	return nil
}
