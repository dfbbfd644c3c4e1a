package station

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"time"

	"loa/internal/airlog"
	"loa/internal/audio"
	"loa/internal/config"
	"loa/internal/content"
	"loa/internal/database"
	"loa/internal/inputerr"
	"loa/internal/queue"
	"loa/internal/users"
)

// StoreDir is where ingested audio lives inside the data directory.
const StoreDir = "store"

// Station is an opened data directory.
type Station struct {
	DataDir   string
	Config    *config.Config
	DB        *sql.DB
	Content   *content.Store
	Queue     *queue.Queue
	Log       *airlog.Log
	Users     *users.Store
	now       func() time.Time
	progs     programmes
	forecasts forecasts
}

// Options adjust Open.
type Options struct {
	// Create allows making a missing data directory (script add, daemon,
	// user add); otherwise a mistyped directory is an input error rather
	// than a quietly empty station.
	Create bool
	// ReadOnly opens the database read-only, for commands that only read:
	// they then work on a backup copy or a read-only mount, and cannot write.
	ReadOnly bool
	// Upgrade migrates an older database to this loa's schema (the daemon
	// at start); without it an older schema is refused.
	Upgrade bool
	// Progress is told how far a long ingest has got.
	Progress queue.Progress
	// Now replaces time.Now (tests).
	Now func() time.Time
	// UserOptions adjust the users store (tests lower the bcrypt cost).
	UserOptions []users.Option
	// Schedules is the directory of programme files (default
	// playout.schedules).
	Schedules string
}

// CheckDataDir refuses a data directory that does not exist, unless the
// caller may create it: a mistyped --data must not show an empty station.
func CheckDataDir(dataDir string, create bool) error {
	if _, err := os.Stat(dataDir); errors.Is(err, os.ErrNotExist) && !create {
		return inputerr.Field("data", "missing", "data directory %s does not exist (check --data or $LOA_DATA; 'loa script add', 'loa user add' or 'loa daemon' creates it)", dataDir)
	}
	return nil
}

// Open opens the station in dataDir with cfg.
func Open(ctx context.Context, dataDir string, cfg *config.Config, opt Options) (*Station, error) {
	if err := CheckDataDir(dataDir, opt.Create); err != nil {
		return nil, err
	}
	// The database holds password hashes and the store unpublished
	// recordings: only the station's account and group read them (the
	// database package creates them 0750/0640, the store 0440).
	dbPath := filepath.Join(dataDir, database.FileName)
	open := database.Open
	switch {
	case opt.ReadOnly:
		open = database.OpenReadOnly
	case opt.Upgrade:
		open = database.OpenUpgrade
	}
	db, err := open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	st, err := content.Open(filepath.Join(dataDir, StoreDir))
	if err == nil && opt.Upgrade {
		err = st.Restrict() // as OpenUpgrade did the database's
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	qopts := []queue.Option{queue.WithClock(now)}
	if opt.Progress != nil {
		qopts = append(qopts, queue.WithProgress(opt.Progress))
	}
	// ffmpeg is optional: without it, formats only it reads are refused
	// with advice at ingest; one the configuration names but that is not
	// there is named in that advice.
	switch ff, err := audio.FindFFmpeg(cfg.Ingest.FFmpeg); {
	case err == nil:
		qopts = append(qopts, queue.WithConverter(ff.ToFLAC))
	case cfg.Ingest.FFmpeg != "":
		qopts = append(qopts, queue.WithConverter(func(context.Context, string, string, time.Duration) error { return err }))
	}
	sched := opt.Schedules
	if sched == "" {
		sched = cfg.Playout.Schedules
	}
	return &Station{
		DataDir: dataDir,
		Config:  cfg,
		DB:      db,
		Content: st,
		Queue:   queue.New(db, st, cfg, levelAnalyzer(cfg), qopts...),
		Log:     airlog.New(db),
		Users:   users.New(db, append([]users.Option{users.WithClock(now)}, opt.UserOptions...)...),
		now:     now,
		progs:   programmes{dir: sched},
	}, nil
}

// Close releases the database.
func (s *Station) Close() error { return s.DB.Close() }

// Location is the station's time zone.
func (s *Station) Location() *time.Location { return s.Config.Location() }

// levelAnalyzer measures an ingested file and runs it through the station
// chain, so that an item that cannot reach the loudness target is reported
// when it is added (queue.WarnLevel).
func levelAnalyzer(cfg *config.Config) queue.Analyzer {
	return func(ctx context.Context, r io.ReadSeeker) (audio.Info, error) {
		return audio.AnalyzeLevel(ctx, r, audio.OptionsFromConfig(cfg.Audio, 0))
	}
}
