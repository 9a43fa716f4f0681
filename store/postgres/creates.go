package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dadanhq/dadan/order"
)

// Every transaction that journals takes the lock on the journal's counter row
// and holds it until its commit is on disk, so CreateOrder calls made at once
// (an ingest stores hundreds of orders at a time) would commit one by one, a
// disk flush each. creates packs the calls waiting into one transaction
// instead: one lock, one flush, the orders in one statement. A batch that
// fails on its data (an order the database refuses) is done again one order
// per transaction, so each call gets its own answer; a batch that fails on
// the connection fails every call in it, none half applied.

// maxCreateBatch is the most orders one transaction of creates stores.
const maxCreateBatch = 512

// createReq is one CreateOrder call waiting for its batch.
type createReq struct {
	ctx    context.Context
	id     string
	status string
	paid   time.Time
	data   []byte
	evs    []order.Event
	done   chan error
}

// creates is the queue of CreateOrder calls and whether a goroutine is
// storing them.
type creates struct {
	mu      sync.Mutex
	pending []*createReq
	running bool
}

// createOrder queues r and waits for its batch to be stored. The first call
// that finds no batch under way stores batches until the queue is empty.
func (s *Store) createOrder(r *createReq) error {
	c := &s.creates
	c.mu.Lock()
	c.pending = append(c.pending, r)
	lead := !c.running
	c.running = true
	c.mu.Unlock()
	if lead {
		go s.storeCreates()
	}
	return <-r.done
}

// storeCreates stores the queued calls, a batch at a time, until none is left.
func (s *Store) storeCreates() {
	c := &s.creates
	for {
		c.mu.Lock()
		batch, rest := takeBatch(c.pending)
		c.pending = rest
		if len(batch) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		s.createBatch(batch)
	}
}

// takeBatch splits pending into a batch of at most maxCreateBatch calls with
// distinct order IDs and the calls left for later, in their order.
func takeBatch(pending []*createReq) (batch, rest []*createReq) {
	seen := make(map[string]bool, min(len(pending), maxCreateBatch))
	for _, r := range pending {
		if len(batch) < maxCreateBatch && !seen[r.id] {
			seen[r.id] = true
			batch = append(batch, r)
			continue
		}
		rest = append(rest, r)
	}
	return batch, rest
}

// createBatch stores the calls of batch and answers each.
func (s *Store) createBatch(batch []*createReq) {
	live := batch[:0:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			continue
		}
		if !textStorable(r) {
			r.done <- s.createOne(r) // refused alone, with its own error
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		r := live[0]
		r.done <- s.createOne(r)
		return
	}
	var taken map[string]bool
	ctx := context.WithoutCancel(live[0].ctx)
	err := s.tx(ctx, "create orders", func(tx pgx.Tx) error {
		var err error
		taken, err = insertOrders(ctx, tx, live)
		if err != nil {
			return err
		}
		var evs []order.Event
		for _, r := range live {
			if !taken[r.id] {
				evs = append(evs, r.evs...)
			}
		}
		return appendEvents(ctx, tx, evs)
	})
	var pe *pgconn.PgError
	if err != nil && errors.As(err, &pe) && !conflict(err) && !errors.Is(err, ErrUnavailable) {
		// The database refused something in the batch: each order alone
		// says which.
		for _, r := range live {
			r.done <- s.createOne(r)
		}
		return
	}
	for _, r := range live {
		switch {
		case err != nil:
			r.done <- err
		case taken[r.id]:
			r.done <- fmt.Errorf("%w: %s", order.ErrExists, r.id)
		default:
			r.done <- nil
		}
	}
}

// textStorable reports whether PostgreSQL takes the text of r (see storable).
func textStorable(r *createReq) bool {
	if !storable(r.id) || !storable(r.status) {
		return false
	}
	for _, ev := range r.evs {
		for _, t := range []string{ev.Actor, ev.OrderID, string(ev.Action), string(ev.From), string(ev.To), ev.Detail} {
			if !storable(t) {
				return false
			}
		}
	}
	return true
}

// insertOrders inserts the orders of batch in one statement and returns the
// IDs that were stored already (their rows are left as they are).
func insertOrders(ctx context.Context, tx pgx.Tx, batch []*createReq) (map[string]bool, error) {
	n := len(batch)
	ids, statuses, paid, data := make([]string, n), make([]string, n), make([]time.Time, n), make([][]byte, n)
	for i, r := range batch {
		ids[i], statuses[i], paid[i], data[i] = r.id, r.status, r.paid, r.data
	}
	rows, err := tx.Query(ctx, `INSERT INTO orders (id, status, paid_at, data)
		SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bytea[])
		ON CONFLICT (id) DO NOTHING RETURNING id`, ids, statuses, paid, data)
	if err != nil {
		return nil, err
	}
	stored := make(map[string]bool, n)
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		stored[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	taken := make(map[string]bool)
	for _, id := range ids {
		if !stored[id] {
			taken[id] = true
		}
	}
	return taken, nil
}

// createOne stores r in a transaction of its own.
func (s *Store) createOne(r *createReq) error {
	return s.tx(r.ctx, "create order", func(tx pgx.Tx) error {
		_, err := tx.Exec(r.ctx, `INSERT INTO orders (id, status, paid_at, data) VALUES ($1, $2, $3, $4)`,
			r.id, r.status, r.paid, r.data)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return fmt.Errorf("%w: %s", order.ErrExists, r.id)
		}
		if err != nil {
			return err
		}
		return appendEvents(r.ctx, tx, r.evs)
	})
}
