package sqlite

import (
	"context"
	"database/sql"
	"strconv"

	"modernc.org/sqlite"
)

// Checkpoints run off the writer. SQLite's automatic checkpoint copies the log
// into the database file inside the commit that crosses its threshold (1,000
// frames by default), and every write waiting behind that commit waits as long:
// a 100k-order print measured 12% faster without. Every ckEvery commits the
// writer asks a checkpointer goroutine, on a connection of its own, for a
// PASSIVE checkpoint, which copies what no reader needs without blocking the
// writer. The writer's own automatic checkpoint stays, at ckMaxFrames, for a log
// the checkpointer does not keep short (writes that never pause long enough for
// it to finish): then, as before, the commit that crosses it checkpoints.
const ckEvery = 32

// ckMaxFrames is the writer's automatic checkpoint threshold: 32 MiB of 4 KiB
// pages (a variable for tests).
var ckMaxFrames int64 = 8192

// checkpointer is the goroutine that checkpoints when asked.
type checkpointer struct {
	db   *sql.DB
	ask  chan struct{}
	done chan struct{}
}

func (s *Store) startCheckpointer() error {
	if err := s.w.execRaw("PRAGMA wal_autocheckpoint=" + strconv.FormatInt(ckMaxFrames, 10)); err != nil {
		return err
	}
	c, err := sqlite.NewConnector(s.dsn(false))
	if err != nil {
		return err
	}
	ck := &checkpointer{db: sql.OpenDB(c), ask: make(chan struct{}, 1), done: make(chan struct{})}
	ck.db.SetMaxOpenConns(1)
	s.ck = ck
	go func() {
		defer close(ck.done)
		for range ck.ask {
			var busy, log, done int64
			if err := ck.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &done); err != nil {
				s.log.Debug("sqlite: checkpoint", "path", s.path, "err", mapErr(err))
			}
		}
	}()
	return nil
}

// afterCommit is the writer's checkpoint step after each transaction: every
// ckEvery commits it asks for a checkpoint, unless one is under way.
func (s *Store) afterCommit() {
	if s.ck == nil {
		return
	}
	if s.sinceCk++; s.sinceCk < ckEvery {
		return
	}
	s.sinceCk = 0
	select {
	case s.ck.ask <- struct{}{}:
	default: // one is under way
	}
}

// stopCheckpointer ends the checkpointer and closes its connection.
func (s *Store) stopCheckpointer() error {
	if s.ck == nil {
		return nil
	}
	close(s.ck.ask)
	<-s.ck.done
	err := s.ck.db.Close()
	s.ck = nil
	return err
}
