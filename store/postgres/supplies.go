package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dadanhq/dadan/supplies"
)

const itemCols = `spec, kind, name, width_mm, per_pack, lead_time_days, safety_stock`

func scanItem(row pgx.Row) (supplies.Item, error) {
	var (
		it   supplies.Item
		kind string
	)
	err := row.Scan(&it.Spec, &kind, &it.Name, &it.WidthMM, &it.PerPack, &it.LeadTimeDays, &it.SafetyStock)
	it.Kind = supplies.Kind(kind)
	return it, err
}

// PutSupply implements [supplies.Store]; replacing an item keeps its stock.
func (s *Store) PutSupply(ctx context.Context, it supplies.Item) error {
	_, err := s.exec(ctx, "put supply", `INSERT INTO supply_items (`+itemCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (spec) DO UPDATE SET kind = excluded.kind, name = excluded.name, width_mm = excluded.width_mm,
			per_pack = excluded.per_pack, lead_time_days = excluded.lead_time_days, safety_stock = excluded.safety_stock`,
		it.Spec, string(it.Kind), it.Name, it.WidthMM, it.PerPack, it.LeadTimeDays, it.SafetyStock)
	return err
}

// Supply implements [supplies.Store].
func (s *Store) Supply(ctx context.Context, spec string) (supplies.Item, error) {
	var it supplies.Item
	err := s.read(ctx, "supply", func() error {
		var err error
		it, err = scanItem(s.pool.QueryRow(ctx, `SELECT `+itemCols+` FROM supply_items WHERE spec = $1`, spec))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return supplies.Item{}, fmt.Errorf("%w: %q", supplies.ErrUnknownItem, spec)
	}
	return it, err
}

// Supplies implements [supplies.Store].
func (s *Store) Supplies(ctx context.Context) ([]supplies.Item, error) {
	var out []supplies.Item
	err := s.read(ctx, "supplies", func() error {
		rows, err := s.pool.Query(ctx, `SELECT `+itemCols+` FROM supply_items ORDER BY spec`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (supplies.Item, error) { return scanItem(r) })
		return err
	})
	return out, err
}

// addMovement journals m in tx: the item's stock is updated with a check that
// it stays at or above zero, its row lock making concurrent movements take
// turns, so each sees the stock after itself.
func addMovement(ctx context.Context, tx pgx.Tx, m supplies.Movement) (supplies.Movement, int64, error) {
	var after int64
	err := tx.QueryRow(ctx, `UPDATE supply_items SET on_hand = on_hand + $2 WHERE spec = $1 AND on_hand + $2 >= 0
		RETURNING on_hand`, m.Spec, m.Qty).Scan(&after)
	if errors.Is(err, pgx.ErrNoRows) {
		var have int64
		err := tx.QueryRow(ctx, `SELECT on_hand FROM supply_items WHERE spec = $1`, m.Spec).Scan(&have)
		if errors.Is(err, pgx.ErrNoRows) {
			return m, 0, fmt.Errorf("%w: %q", supplies.ErrUnknownItem, m.Spec)
		}
		if err != nil {
			return m, 0, err
		}
		return m, have, &supplies.StockError{Spec: m.Spec, OnHand: have, Qty: m.Qty}
	}
	if err != nil {
		return m, 0, err
	}
	var no int64
	if err := tx.QueryRow(ctx, `INSERT INTO supply_movements (spec, type, qty, actor, at, reason, ref)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING no`,
		m.Spec, string(m.Type), m.Qty, m.Actor, m.At, m.Reason, m.Ref).Scan(&no); err != nil {
		return m, 0, err
	}
	m.ID = "SM" + strconv.FormatInt(no, 10)
	return m, after, nil
}

// AddMovement implements [supplies.Store].
func (s *Store) AddMovement(ctx context.Context, m supplies.Movement) (supplies.Movement, int64, error) {
	var (
		out   supplies.Movement
		after int64
	)
	err := s.tx(ctx, "add movement", func(tx pgx.Tx) error {
		var err error
		out, after, err = addMovement(ctx, tx, m)
		return err
	})
	if err != nil {
		return m, after, err
	}
	return out, after, nil
}

// OnHand implements [supplies.Store]; an unknown spec has none.
func (s *Store) OnHand(ctx context.Context, spec string) (int64, error) {
	var n int64
	err := s.read(ctx, "on hand", func() error {
		err := s.pool.QueryRow(ctx, `SELECT on_hand FROM supply_items WHERE spec = $1`, spec).Scan(&n)
		if errors.Is(err, pgx.ErrNoRows) {
			n = 0
			return nil
		}
		return err
	})
	return n, err
}

// Movements implements [supplies.Store].
func (s *Store) Movements(ctx context.Context, spec string, from, to time.Time) ([]supplies.Movement, error) {
	var out []supplies.Movement
	err := s.read(ctx, "movements", func() error {
		rows, err := s.pool.Query(ctx, `SELECT no, spec, type, qty, actor, at, reason, ref FROM supply_movements
			WHERE ($1 = '' OR spec = $1) AND at >= $2 AND at < $3 ORDER BY at, no`, spec, from, to)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (supplies.Movement, error) {
			var (
				m  supplies.Movement
				no int64
				ty string
			)
			err := row.Scan(&no, &m.Spec, &ty, &m.Qty, &m.Actor, &m.At, &m.Reason, &m.Ref)
			m.ID, m.Type, m.At = "SM"+strconv.FormatInt(no, 10), supplies.MovementType(ty), zt(m.At)
			return m, err
		})
		return err
	})
	return out, err
}

// AddPrintUse implements [supplies.Store].
func (s *Store) AddPrintUse(ctx context.Context, u supplies.PrintUse) error {
	_, err := s.exec(ctx, "add print use", `INSERT INTO supply_prints (spec, docs, units, at) VALUES ($1, $2, $3, $4)`,
		u.Spec, u.Docs, u.Units, u.At)
	return err
}

// PrintTotals implements [supplies.Store].
func (s *Store) PrintTotals(ctx context.Context, spec string, from, to time.Time) (supplies.Totals, error) {
	var t supplies.Totals
	err := s.read(ctx, "print totals", func() error {
		return s.pool.QueryRow(ctx, `SELECT coalesce(sum(docs), 0)::bigint, coalesce(sum(units), 0)::bigint
			FROM supply_prints WHERE spec = $1 AND at >= $2 AND at < $3`, spec, from, to).Scan(&t.Docs, &t.Units)
	})
	return t, err
}

const stocktakeCols = `no, spec, at, actor, counted, book, posted, movement`

func scanStocktake(row pgx.Row) (supplies.Stocktake, error) {
	var (
		st supplies.Stocktake
		no int64
	)
	err := row.Scan(&no, &st.Spec, &st.At, &st.Actor, &st.Counted, &st.Book, &st.Posted, &st.Movement)
	st.ID, st.At = "ST"+strconv.FormatInt(no, 10), zt(st.At)
	return st, err
}

// stocktakeNo parses a stocktake ID ("ST7").
func stocktakeNo(id string) (int64, bool) {
	num, ok := strings.CutPrefix(id, "ST")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil && n > 0 && "ST"+strconv.FormatInt(n, 10) == id
}

// AddStocktake implements [supplies.Store].
func (s *Store) AddStocktake(ctx context.Context, st supplies.Stocktake) (supplies.Stocktake, error) {
	var no int64
	err := s.tx(ctx, "add stocktake", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO stocktakes (spec, at, actor, counted, book, posted, movement)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING no`,
			st.Spec, st.At, st.Actor, st.Counted, st.Book, st.Posted, st.Movement).Scan(&no)
	})
	if err != nil {
		return st, err
	}
	st.ID = "ST" + strconv.FormatInt(no, 10)
	return st, nil
}

func unknownStocktake(id string) error { return fmt.Errorf("%w: %q", supplies.ErrUnknownStocktake, id) }

// Stocktake implements [supplies.Store].
func (s *Store) Stocktake(ctx context.Context, id string) (supplies.Stocktake, error) {
	no, ok := stocktakeNo(id)
	if !ok {
		if err := ctx.Err(); err != nil {
			return supplies.Stocktake{}, err
		}
		return supplies.Stocktake{}, unknownStocktake(id)
	}
	var st supplies.Stocktake
	err := s.read(ctx, "stocktake", func() error {
		var err error
		st, err = scanStocktake(s.pool.QueryRow(ctx, `SELECT `+stocktakeCols+` FROM stocktakes WHERE no = $1`, no))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return supplies.Stocktake{}, unknownStocktake(id)
	}
	return st, err
}

// PostStocktake implements [supplies.Store]: the stocktake's row is locked,
// the movement journaled and the stocktake marked posted in one transaction.
func (s *Store) PostStocktake(ctx context.Context, id string, m supplies.Movement) (supplies.Movement, error) {
	no, ok := stocktakeNo(id)
	if !ok {
		if err := ctx.Err(); err != nil {
			return m, err
		}
		return m, unknownStocktake(id)
	}
	out := m
	err := s.tx(ctx, "post stocktake", func(tx pgx.Tx) error {
		st, err := scanStocktake(tx.QueryRow(ctx, `SELECT `+stocktakeCols+` FROM stocktakes WHERE no = $1 FOR UPDATE`, no))
		if errors.Is(err, pgx.ErrNoRows) {
			return unknownStocktake(id)
		}
		if err != nil {
			return err
		}
		if st.Posted {
			return fmt.Errorf("%w: %s in %s", supplies.ErrAlreadyPosted, id, st.Movement)
		}
		if out, _, err = addMovement(ctx, tx, m); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE stocktakes SET posted = true, movement = $2 WHERE no = $1`, no, out.ID)
		return err
	})
	if err != nil {
		return m, err
	}
	return out, nil
}
