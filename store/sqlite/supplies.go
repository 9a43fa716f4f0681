package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/supplies"
)

const supplyCols = `spec, kind, name, width_mm, per_pack, lead_time_days, safety_stock`

func scanSupply(r scanner) (supplies.Item, error) {
	var it supplies.Item
	var kind string
	err := r.Scan(&it.Spec, &kind, &it.Name, &it.WidthMM, &it.PerPack, &it.LeadTimeDays, &it.SafetyStock)
	it.Kind = supplies.Kind(kind)
	return it, err
}

// PutSupply implements [supplies.Store]. Replacing an item keeps its stock.
func (s *Store) PutSupply(ctx context.Context, it supplies.Item) error {
	return s.write(ctx, func(w *wconn) error {
		_, err := w.exec(`INSERT INTO supplies (`+supplyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (spec) DO UPDATE SET kind = excluded.kind, name = excluded.name, width_mm = excluded.width_mm,
			per_pack = excluded.per_pack, lead_time_days = excluded.lead_time_days, safety_stock = excluded.safety_stock`,
			it.Spec, string(it.Kind), it.Name, it.WidthMM, it.PerPack, it.LeadTimeDays, it.SafetyStock)
		return err
	})
}

// Supply implements [supplies.Store].
func (s *Store) Supply(ctx context.Context, spec string) (supplies.Item, error) {
	if err := s.readable(ctx); err != nil {
		return supplies.Item{}, err
	}
	st, err := s.read(`SELECT ` + supplyCols + ` FROM supplies WHERE spec = ?`)
	if err != nil {
		return supplies.Item{}, err
	}
	it, err := scanSupply(st.QueryRowContext(ctx, spec))
	if errors.Is(err, sql.ErrNoRows) {
		return supplies.Item{}, fmt.Errorf("%w: %q", supplies.ErrUnknownItem, spec)
	}
	return it, mapErr(err)
}

// Supplies implements [supplies.Store].
func (s *Store) Supplies(ctx context.Context) ([]supplies.Item, error) {
	rows, err := s.readRows(ctx, `SELECT `+supplyCols+` FROM supplies ORDER BY spec`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []supplies.Item{}
	for rows.Next() {
		it, err := scanSupply(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, mapErr(rows.Err())
}

// addMovement journals m in the writer's transaction.
func addMovement(w *wconn, m supplies.Movement) (supplies.Movement, int64, error) {
	var te timeEnc
	at := te.t(m.At)
	if te.err != nil {
		return m, 0, te.err
	}
	var have int64
	err := w.queryRow(`SELECT on_hand FROM supplies WHERE spec = ?`, []any{m.Spec}, &have)
	if errors.Is(err, sql.ErrNoRows) {
		return m, 0, fmt.Errorf("%w: %q", supplies.ErrUnknownItem, m.Spec)
	}
	if err != nil {
		return m, 0, err
	}
	if have+m.Qty < 0 {
		return m, have, &supplies.StockError{Spec: m.Spec, OnHand: have, Qty: m.Qty}
	}
	res, err := w.exec(`INSERT INTO movements (spec, type, qty, actor, at, reason, ref) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.Spec, string(m.Type), m.Qty, m.Actor, at, m.Reason, m.Ref)
	if err != nil {
		return m, have, err
	}
	n, err := res.LastInsertId()
	if err != nil {
		return m, have, err
	}
	if _, err := w.exec(`UPDATE supplies SET on_hand = ? WHERE spec = ?`, have+m.Qty, m.Spec); err != nil {
		return m, have, err
	}
	m.ID = recordID("SM", n)
	return m, have + m.Qty, nil
}

// AddMovement implements [supplies.Store].
func (s *Store) AddMovement(ctx context.Context, m supplies.Movement) (supplies.Movement, int64, error) {
	var out supplies.Movement
	var after int64
	err := s.write(ctx, func(w *wconn) error {
		var err error
		out, after, err = addMovement(w, m)
		return err
	})
	if err != nil {
		var se *supplies.StockError
		if errors.As(err, &se) {
			return m, se.OnHand, err
		}
		return m, 0, err
	}
	return out, after, nil
}

// OnHand implements [supplies.Store]; an unknown spec has none.
func (s *Store) OnHand(ctx context.Context, spec string) (int64, error) {
	var n int64
	err := s.readRow(ctx, `SELECT on_hand FROM supplies WHERE spec = ?`, []any{spec}, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

// Movements implements [supplies.Store].
func (s *Store) Movements(ctx context.Context, spec string, from, to time.Time) ([]supplies.Movement, error) {
	q := `SELECT n, spec, type, qty, actor, at, reason, ref FROM movements WHERE at >= ? AND at < ? ORDER BY at, n`
	args := []any{clampTime(from), clampTime(to)}
	if spec != "" {
		q = `SELECT n, spec, type, qty, actor, at, reason, ref FROM movements WHERE spec = ? AND at >= ? AND at < ? ORDER BY at, n`
		args = append([]any{spec}, args...)
	}
	rows, err := s.readRows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []supplies.Movement
	for rows.Next() {
		var m supplies.Movement
		var n, at int64
		var typ string
		if err := rows.Scan(&n, &m.Spec, &typ, &m.Qty, &m.Actor, &at, &m.Reason, &m.Ref); err != nil {
			return nil, err
		}
		m.ID, m.Type, m.At = recordID("SM", n), supplies.MovementType(typ), decTime(at)
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// AddPrintUse implements [supplies.Store].
func (s *Store) AddPrintUse(ctx context.Context, u supplies.PrintUse) error {
	var te timeEnc
	at := te.t(u.At)
	if te.err != nil {
		return te.err
	}
	return s.write(ctx, func(w *wconn) error {
		_, err := w.exec(`INSERT INTO print_uses (spec, docs, units, at) VALUES (?, ?, ?, ?)`, u.Spec, u.Docs, u.Units, at)
		return err
	})
}

// PrintTotals implements [supplies.Store].
func (s *Store) PrintTotals(ctx context.Context, spec string, from, to time.Time) (supplies.Totals, error) {
	var t supplies.Totals
	err := s.readRow(ctx, `SELECT coalesce(sum(docs), 0), coalesce(sum(units), 0) FROM print_uses WHERE spec = ? AND at >= ? AND at < ?`,
		[]any{spec, clampTime(from), clampTime(to)}, &t.Docs, &t.Units)
	return t, err
}

const stocktakeCols = `n, spec, at, actor, counted, book, posted, movement`

func scanStocktake(r scanner) (supplies.Stocktake, error) {
	var st supplies.Stocktake
	var n, at, posted int64
	err := r.Scan(&n, &st.Spec, &at, &st.Actor, &st.Counted, &st.Book, &posted, &st.Movement)
	st.ID, st.At, st.Posted = recordID("ST", n), decTime(at), posted != 0
	return st, err
}

// AddStocktake implements [supplies.Store].
func (s *Store) AddStocktake(ctx context.Context, st supplies.Stocktake) (supplies.Stocktake, error) {
	var te timeEnc
	at := te.t(st.At)
	if te.err != nil {
		return st, te.err
	}
	err := s.write(ctx, func(w *wconn) error {
		res, err := w.exec(`INSERT INTO stocktakes (spec, at, actor, counted, book, posted, movement) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			st.Spec, at, st.Actor, st.Counted, st.Book, b2i(st.Posted), st.Movement)
		if err != nil {
			return err
		}
		n, err := res.LastInsertId()
		st.ID = recordID("ST", n)
		return err
	})
	return st, err
}

// Stocktake implements [supplies.Store].
func (s *Store) Stocktake(ctx context.Context, id string) (supplies.Stocktake, error) {
	n, ok := recordN("ST", id)
	if err := s.readable(ctx); err != nil {
		return supplies.Stocktake{}, err
	}
	if !ok {
		return supplies.Stocktake{}, fmt.Errorf("%w: %q", supplies.ErrUnknownStocktake, id)
	}
	rd, err := s.read(`SELECT ` + stocktakeCols + ` FROM stocktakes WHERE n = ?`)
	if err != nil {
		return supplies.Stocktake{}, err
	}
	st, err := scanStocktake(rd.QueryRowContext(ctx, n))
	if errors.Is(err, sql.ErrNoRows) {
		return supplies.Stocktake{}, fmt.Errorf("%w: %q", supplies.ErrUnknownStocktake, id)
	}
	return st, mapErr(err)
}

// PostStocktake implements [supplies.Store].
func (s *Store) PostStocktake(ctx context.Context, id string, m supplies.Movement) (supplies.Movement, error) {
	n, ok := recordN("ST", id)
	if !ok {
		if err := ctx.Err(); err != nil {
			return m, err
		}
		return m, fmt.Errorf("%w: %q", supplies.ErrUnknownStocktake, id)
	}
	out := m
	err := s.write(ctx, func(w *wconn) error {
		st, err := scanStocktake(rowOf(w, `SELECT `+stocktakeCols+` FROM stocktakes WHERE n = ?`, n))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("%w: %q", supplies.ErrUnknownStocktake, id)
		case err != nil:
			return err
		case st.Posted:
			return fmt.Errorf("%w: %s in %s", supplies.ErrAlreadyPosted, id, st.Movement)
		}
		mv, _, err := addMovement(w, m)
		if err != nil {
			return err
		}
		if _, err := w.exec(`UPDATE stocktakes SET posted = 1, movement = ? WHERE n = ?`, mv.ID, n); err != nil {
			return err
		}
		out = mv
		return nil
	})
	if err != nil {
		return m, err
	}
	return out, nil
}
