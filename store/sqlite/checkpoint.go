package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	sqlite "modernc.org/sqlite"
)

// ErrCheckpoint is returned by [Store.Checkpoint] when readers or another
// process kept the write-ahead log from being emptied; try again later.
var ErrCheckpoint = fmt.Errorf("sqlite: checkpoint incomplete: the write-ahead log is in use")

// Checkpoint folds the write-ahead log into the database file and truncates
// the log to nothing. With the secure_delete the store sets (freed space is
// zeroed), rows changed or deleted then leave no old copy in either file: a
// retention run ([retention.Checkpointer]) calls it after erasing personal
// data. It waits for readers as the busy timeout allows.
func (s *Store) Checkpoint(ctx context.Context) error {
	if err := s.readable(ctx); err != nil {
		return err
	}
	c, err := sqlite.NewConnector(s.dsn(false))
	if err != nil {
		return err
	}
	db := sql.OpenDB(c)
	defer db.Close()
	var busy, logFrames, done int
	if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("sqlite: checkpoint %s: %w", s.path, mapErr(err))
	}
	if busy != 0 {
		return fmt.Errorf("%w: %s", ErrCheckpoint, s.path)
	}
	return nil
}
