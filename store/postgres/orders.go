package postgres

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dadanhq/dadan/order"
)

// pageSize is how many rows ListOrders and Journal read per query.
const pageSize = 500

// CreateOrder implements [order.Store]: the order and its events are stored in
// one transaction, with the other orders being created at the same moment
// (see creates).
func (s *Store) CreateOrder(ctx context.Context, o *order.Order, evs ...order.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data := s.seal(adOrder, o.ID, order.AppendJSON(nil, o))
	return s.createOrder(&createReq{ctx: ctx, id: o.ID, status: string(o.Status), paid: o.PaidAt, data: data,
		evs: evs, done: make(chan error, 1)})
}

// appendEvents journals evs with new sequence numbers; it is the last step of
// a transaction (see nextSeq).
func appendEvents(ctx context.Context, tx pgx.Tx, evs []order.Event) error {
	if len(evs) == 0 {
		return nil
	}
	// The lock on the journal's counter row orders every append: the chain
	// continues from the head the row records.
	var last int64
	var head order.Head
	err := tx.QueryRow(ctx, `SELECT value, hash FROM counters WHERE name = 'journal' FOR UPDATE`).Scan(&last, &head.Hash)
	if err != nil {
		return err
	}
	head.Seq = uint64(last)
	n := len(evs)
	seqs, ats := make([]int64, n), make([]time.Time, n)
	actors, ids, acts, froms, tos, details := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	prevs, hashes := make([]string, n), make([]string, n)
	for i, ev := range evs {
		head = order.Seal(&ev, head)
		seqs[i], ats[i], actors[i], ids[i] = int64(ev.Seq), ev.Time, ev.Actor, ev.OrderID
		acts[i], froms[i], tos[i], details[i] = string(ev.Action), string(ev.From), string(ev.To), ev.Detail
		prevs[i], hashes[i] = ev.Prev, ev.Hash
	}
	if _, err := tx.Exec(ctx, `UPDATE counters SET value = $1, hash = $2 WHERE name = 'journal'`, int64(head.Seq), head.Hash); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO journal (seq, at, actor, order_id, action, from_status, to_status, detail, prev, hash)
		SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])`,
		seqs, ats, actors, ids, acts, froms, tos, details, prevs, hashes)
	return err
}

// JournalHead implements [order.HeadReader].
func (s *Store) JournalHead(ctx context.Context) (order.Head, error) {
	var h order.Head
	var seq int64
	err := s.read(ctx, "journal head", func() error {
		return s.pool.QueryRow(ctx, `SELECT value, hash FROM counters WHERE name = 'journal'`).Scan(&seq, &h.Hash)
	})
	h.Seq = uint64(seq)
	return h, err
}

// HasOrder reports whether an order with id is stored; it implements
// [review.Seen].
func (s *Store) HasOrder(ctx context.Context, id string) (bool, error) {
	var ok bool
	err := s.read(ctx, "has order", func() error {
		return s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM orders WHERE id = $1)`, id).Scan(&ok)
	})
	return ok, err
}

// HasOrders reports for each of ids whether an order with that id is stored,
// in one query; it implements [review.SeenMany], so an ingest asks once a
// batch. An id PostgreSQL cannot hold (a NUL, invalid UTF-8) is not stored.
func (s *Store) HasOrders(ctx context.Context, ids []string) ([]bool, error) {
	out := make([]bool, len(ids))
	at := make(map[string][]int, len(ids))
	ask := make([]string, 0, len(ids))
	for i, id := range ids {
		if !storable(id) {
			continue
		}
		if len(at[id]) == 0 {
			ask = append(ask, id)
		}
		at[id] = append(at[id], i)
	}
	if len(ask) == 0 {
		return out, nil
	}
	err := s.read(ctx, "has orders", func() error {
		clear(out)
		rows, err := s.pool.Query(ctx, `SELECT id FROM orders WHERE id = ANY($1)`, ask)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			for _, i := range at[id] {
				out[i] = true
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) decodeOrder(id string, data []byte) (*order.Order, error) {
	data, err := s.unseal(adOrder, id, data)
	if err != nil {
		return nil, err
	}
	o := new(order.Order)
	if err := order.Unmarshal(data, o); err != nil {
		return nil, fmt.Errorf("postgres: stored order %s: %w", id, err)
	}
	return o, nil
}

// GetOrder implements [order.Store].
func (s *Store) GetOrder(ctx context.Context, id string) (*order.Order, error) {
	var data []byte
	err := s.read(ctx, "get order", func() error {
		return s.pool.QueryRow(ctx, `SELECT data FROM orders WHERE id = $1`, id).Scan(&data)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", order.ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	return s.decodeOrder(id, data)
}

// UpdateOrder implements [order.Store]. The order row is locked (SELECT ...
// FOR UPDATE) for the transaction, so concurrent updates of one order take
// turns; fn runs once per attempt, and again only when an attempt failed
// without applying (a cut connection, a deadlock).
func (s *Store) UpdateOrder(ctx context.Context, id string, fn func(o *order.Order) ([]order.Event, error)) error {
	return s.tx(ctx, "update order", func(tx pgx.Tx) error { return s.updateOrderTx(ctx, tx, id, fn) })
}

// updateOrderTx is UpdateOrder's work in transaction tx.
func (s *Store) updateOrderTx(ctx context.Context, tx pgx.Tx, id string, fn func(o *order.Order) ([]order.Event, error)) error {
	return s.updateOrdersTx(ctx, tx, []order.Update{{ID: id, Fn: fn}})
}

// updateOrdersTx applies ups in transaction tx in a few statements, not a few
// per order: a station updates dozens of orders in one step, and every
// statement is a round trip while the transaction holds its locks. The rows
// are locked in ID order, so two stations updating overlapping sets wait for
// each other rather than deadlock. An order updated twice in ups is updated
// the second time as stored after the first.
func (s *Store) updateOrdersTx(ctx context.Context, tx pgx.Tx, ups []order.Update) error {
	if len(ups) == 0 {
		return nil
	}
	ids := make([]string, 0, len(ups))
	count := make(map[string]int, len(ups))
	for _, u := range ups {
		if count[u.ID] == 0 {
			ids = append(ids, u.ID)
		}
		count[u.ID]++
	}
	rows, err := tx.Query(ctx, `SELECT id, data FROM orders WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return err
	}
	stored := make(map[string][]byte, len(ids))
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			rows.Close()
			return err
		}
		stored[id] = data
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	orders := make(map[string]*order.Order, len(ids))
	var evs []order.Event
	for _, u := range ups {
		o := orders[u.ID]
		if o == nil {
			data, ok := stored[u.ID]
			if !ok {
				return fmt.Errorf("%w: %s", order.ErrNotFound, u.ID)
			}
			if o, err = s.decodeOrder(u.ID, data); err != nil {
				return err
			}
		}
		got, err := u.Apply(o)
		if err != nil {
			return err
		}
		o.ID = u.ID // the key cannot change
		evs = append(evs, got...)
		if count[u.ID]--; count[u.ID] > 0 {
			// The next update of this order sees it as stored.
			again := new(order.Order)
			if err := order.Unmarshal(order.AppendJSON(nil, o), again); err != nil {
				return fmt.Errorf("postgres: order %s as updated: %w", u.ID, err)
			}
			o = again
		}
		orders[u.ID] = o
	}
	statuses, paid, datas := make([]string, len(ids)), make([]time.Time, len(ids)), make([][]byte, len(ids))
	for i, id := range ids {
		o := orders[id]
		statuses[i], paid[i], datas[i] = string(o.Status), o.PaidAt, s.seal(adOrder, id, order.AppendJSON(nil, o))
	}
	if _, err := tx.Exec(ctx, `UPDATE orders SET status = u.status, paid_at = u.paid_at, data = u.data
		FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bytea[]) AS u(id, status, paid_at, data)
		WHERE orders.id = u.id`, ids, statuses, paid, datas); err != nil {
		return err
	}
	return appendEvents(ctx, tx, evs)
}

// ListOrders implements [order.Store]. It reads pageSize orders per query,
// keyset-paged on (paid_at, id), so memory stays flat however many orders
// there are. Each page is read on its own: an order changed while the list
// runs shows as it is when its page is read, and one whose paid-at time moves
// behind the page being read is not listed.
func (s *Store) ListOrders(ctx context.Context, statuses ...order.Status) iter.Seq2[*order.Order, error] {
	return func(yield func(*order.Order, error) bool) {
		sts := make([]string, len(statuses))
		for i, st := range statuses {
			sts[i] = string(st)
		}
		var (
			after   time.Time
			afterID string
			first   = true
		)
		ids := make([]string, 0, pageSize)
		datas := make([][]byte, 0, pageSize)
		pays := make([]time.Time, 0, pageSize)
		for {
			ids, datas, pays = ids[:0], datas[:0], pays[:0]
			err := s.read(ctx, "list orders", func() error {
				ids, datas, pays = ids[:0], datas[:0], pays[:0]
				// Separate statements for the first and later pages and for a
				// status filter, so each gets a plan that walks its index.
				q := `SELECT id, paid_at, data FROM orders WHERE true`
				args := []any{pageSize}
				switch len(sts) {
				case 0:
				case 1: // walks orders_status_paid in order
					q += ` AND status = $2`
					args = append(args, sts[0])
				default: // walks orders_paid, filtering
					q += ` AND status = ANY($2)`
					args = append(args, sts)
				}
				if !first {
					q += fmt.Sprintf(` AND (paid_at, id) > ($%d, $%d)`, len(args)+1, len(args)+2)
					args = append(args, after, afterID)
				}
				rows, err := s.pool.Query(ctx, q+` ORDER BY paid_at, id LIMIT $1`, args...)
				if err != nil {
					return err
				}
				var (
					id   string
					paid time.Time
					data []byte
				)
				_, err = pgx.ForEachRow(rows, []any{&id, &paid, &data}, func() error {
					ids, pays, datas = append(ids, id), append(pays, paid), append(datas, data)
					return nil
				})
				return err
			})
			if err != nil {
				yield(nil, err)
				return
			}
			for i, id := range ids {
				o, err := s.decodeOrder(id, datas[i])
				if !yield(o, err) || err != nil {
					return
				}
			}
			if len(ids) < pageSize {
				return
			}
			first, after, afterID = false, pays[len(pays)-1], ids[len(ids)-1]
		}
	}
}

// Journal implements [order.Store]. Events are read pageSize per query; a
// sequence number becomes visible only after every lower one (see nextSeq),
// so a reader that keeps the last Seq it saw misses nothing.
func (s *Store) Journal(ctx context.Context, after uint64) iter.Seq2[order.Event, error] {
	return func(yield func(order.Event, error) bool) {
		page := make([]order.Event, 0, pageSize)
		for {
			err := s.read(ctx, "journal", func() error {
				page = page[:0]
				rows, err := s.pool.Query(ctx, `SELECT seq, at, actor, order_id, action, from_status, to_status, detail, prev, hash
					FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2`, int64(after), pageSize)
				if err != nil {
					return err
				}
				var (
					ev            order.Event
					act, from, to string
					seq           int64
				)
				_, err = pgx.ForEachRow(rows, []any{&seq, &ev.Time, &ev.Actor, &ev.OrderID, &act, &from, &to, &ev.Detail, &ev.Prev, &ev.Hash}, func() error {
					ev.Seq, ev.Action, ev.From, ev.To = uint64(seq), order.Action(act), order.Status(from), order.Status(to)
					ev.Time = zt(ev.Time)
					page = append(page, ev)
					return nil
				})
				return err
			})
			if err != nil {
				yield(order.Event{}, err)
				return
			}
			for _, ev := range page {
				if !yield(ev, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1].Seq
		}
	}
}
