package airlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Check reads the latest run row: the log is readable now (the daemon's
// health for the service manager's watchdog). An empty log is fine.
func (l *Log) Check(ctx context.Context) error {
	var id int64
	err := l.db.QueryRowContext(ctx, `SELECT id FROM air_runs ORDER BY id DESC LIMIT 1`).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("check the airtime log: %w", err)
	}
	return nil
}
