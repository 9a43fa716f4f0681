package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifyBuffer is how many printer names a slow receiver may fall behind by
// before names are dropped for it.
const notifyBuffer = 64

// Notify implements [printer.Notifier]. Every job added, and every job
// UpdateJob puts back in a queue, sends the printer's name on the store's
// channel with pg_notify in the same transaction, so listeners hear of it when
// it commits, on whatever station. The store listens on one dedicated
// connection of its own (not the pool's), started by the first call; when
// that connection drops, it connects again with a backoff and then sends the
// names of every printer with queued jobs, since notifications sent while it
// was away are lost. The channel is closed when ctx is done or the store is
// closed.
func (s *Store) Notify(ctx context.Context) (<-chan string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ch := make(chan string, notifyBuffer)
	s.lmu.Lock()
	if s.closed {
		s.lmu.Unlock()
		return nil, ErrClosed
	}
	s.subs[ch] = struct{}{}
	if !s.listening {
		s.listening = true
		lctx, stop := context.WithCancel(context.Background())
		s.stop, s.done = stop, make(chan struct{})
		s.ready = make(chan struct{})
		go s.listen(lctx, s.ready)
	}
	done, ready := s.done, s.ready
	s.lmu.Unlock()
	// Wait for the first LISTEN, so a job queued after Notify returns is
	// heard; a database that is down now does not fail the call (the
	// listener keeps trying).
	select {
	case <-ready:
	case <-ctx.Done():
	}
	go func() {
		select {
		case <-ctx.Done():
		case <-done:
		}
		s.lmu.Lock()
		if _, ok := s.subs[ch]; ok {
			delete(s.subs, ch)
			close(ch)
		}
		s.lmu.Unlock()
	}()
	return ch, nil
}

// publish sends name to every subscriber that has room.
func (s *Store) publish(name string) {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- name:
		default:
		}
	}
}

// listen keeps a LISTEN connection until ctx is done; ready is closed after
// the first attempt.
func (s *Store) listen(ctx context.Context, ready chan struct{}) {
	defer func() {
		s.lmu.Lock()
		for ch := range s.subs {
			delete(s.subs, ch)
			close(ch)
		}
		close(s.done)
		s.lmu.Unlock()
	}()
	failures := 0
	for again := false; ; again = true {
		up := false
		err := s.listenOnce(ctx, again, func() {
			up = true
			if ready != nil {
				close(ready)
				ready = nil
			}
		})
		if ready != nil {
			s.log.Warn("postgres: listening for jobs", "err", err)
			close(ready) // the first attempt failed: Notify callers go on
			ready = nil
		}
		if ctx.Err() != nil {
			return
		}
		if up {
			failures = 0 // it was up: start the backoff again
		}
		failures++
		s.log.Warn("postgres: job listener lost its connection; reconnecting", "failures", failures, "err", err)
		d := min(time.Duration(1<<min(failures-1, 6))*50*time.Millisecond, 3*time.Second)
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return
		}
	}
}

// listenOnce connects, listens and relays notifications until the
// connection fails; up is called once it listens. After a reconnect it sends the printers with queued jobs.
func (s *Store) listenOnce(ctx context.Context, again bool, up func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.connCfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return err
	}
	up()
	if again {
		rows, err := conn.Query(ctx, `SELECT DISTINCT printer FROM jobs WHERE state = 'queued'`)
		if err != nil {
			return err
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, n := range names {
			s.publish(n)
		}
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("postgres: waiting for notifications: %w", err)
		}
		s.publish(n.Payload)
	}
}
