package database

import (
	"context"
	"database/sql"
	"fmt"
)

// Version returns the schema version of db (0 for a new database).
func Version(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// Migrate applies every migration after the database's version, each in its
// own transaction together with the version bump.
func Migrate(ctx context.Context, db *sql.DB) error {
	return MigrateTo(ctx, db, len(migrations))
}

// MigrateTo applies migrations up to version target (tests build old
// databases with it).
func MigrateTo(ctx context.Context, db *sql.DB, target int) error {
	if target > len(migrations) {
		return fmt.Errorf("schema version %d unknown (latest %d)", target, len(migrations))
	}
	for {
		var done bool
		err := Tx(ctx, db, func(tx *sql.Tx) error {
			var v int
			if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
				return err
			}
			if v > len(migrations) {
				return checkVersion(v)
			}
			if v >= target {
				done = true
				return nil
			}
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
			// PRAGMA takes no parameters; v+1 is an int we computed.
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
			return nil
		})
		if err != nil || done {
			return err
		}
	}
}
