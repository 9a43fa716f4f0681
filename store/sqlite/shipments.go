package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dadanhq/dadan/shipment"
)

var _ shipment.Store = (*Store)(nil)

func encodeShipment(sh *shipment.Shipment) ([]byte, error) {
	if err := sh.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(sh)
}

func (s *Store) decodeShipment(no string, body []byte) (*shipment.Shipment, error) {
	body, err := s.unseal(adShipment, no, body)
	if err != nil {
		return nil, err
	}
	sh := new(shipment.Shipment)
	if err := json.Unmarshal(body, sh); err != nil {
		return nil, fmt.Errorf("sqlite: stored shipment %s: %w", no, err)
	}
	return sh, nil
}

// CreateShipment implements [shipment.Store].
func (s *Store) CreateShipment(ctx context.Context, sh *shipment.Shipment) error {
	body, err := encodeShipment(sh)
	if err != nil {
		return err
	}
	no, oid, carrier, state := sh.TrackingNo, sh.OrderID, sh.Carrier, string(sh.State)
	body = s.seal(adShipment, no, body)
	return s.write(ctx, func(w *wconn) error {
		_, err := w.exec(`INSERT INTO shipments (tracking_no, order_id, carrier, state, body) VALUES (?, ?, ?, ?, ?)`,
			no, oid, carrier, state, body)
		if isConstraint(err) {
			return fmt.Errorf("%w: %s", shipment.ErrExists, no)
		}
		return err
	})
}

// GetShipment implements [shipment.Store].
func (s *Store) GetShipment(ctx context.Context, trackingNo string) (*shipment.Shipment, error) {
	var body []byte
	err := s.readRow(ctx, `SELECT body FROM shipments WHERE tracking_no = ?`, []any{trackingNo}, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", shipment.ErrNotFound, trackingNo)
	}
	if err != nil {
		return nil, err
	}
	return s.decodeShipment(trackingNo, body)
}

// UpdateShipment implements [shipment.Store]. fn runs once, in the write
// transaction on the writer goroutine.
func (s *Store) UpdateShipment(ctx context.Context, trackingNo string, fn func(*shipment.Shipment) error) error {
	return s.write(ctx, func(w *wconn) error { return s.updateShipment(w, trackingNo, fn) })
}

func (s *Store) updateShipment(w *wconn, no string, fn func(*shipment.Shipment) error) error {
	var body []byte
	err := w.queryRow(`SELECT body FROM shipments WHERE tracking_no = ?`, []any{no}, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %s", shipment.ErrNotFound, no)
	}
	if err != nil {
		return err
	}
	sh, err := s.decodeShipment(no, body)
	if err != nil {
		return err
	}
	if fn != nil {
		if err := fn(sh); err != nil {
			return err
		}
	}
	sh.TrackingNo = no // the key cannot change
	if body, err = encodeShipment(sh); err != nil {
		return err
	}
	body = s.seal(adShipment, no, body)
	_, err = w.exec(`UPDATE shipments SET order_id = ?, carrier = ?, state = ?, body = ? WHERE tracking_no = ?`,
		sh.OrderID, sh.Carrier, string(sh.State), body, no)
	return err
}

// ListShipments implements [shipment.Store].
func (s *Store) ListShipments(ctx context.Context, f shipment.Filter) ([]*shipment.Shipment, error) {
	var q strings.Builder
	q.WriteString(`SELECT tracking_no, body FROM shipments WHERE tracking_no > ?`)
	args := []any{f.After}
	if f.Carrier != "" {
		q.WriteString(` AND carrier = ?`)
		args = append(args, f.Carrier)
	}
	if f.OrderID != "" {
		q.WriteString(` AND order_id = ?`)
		args = append(args, f.OrderID)
	}
	if len(f.States) > 0 {
		q.WriteString(` AND state IN (?` + strings.Repeat(`, ?`, len(f.States)-1) + `)`)
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	q.WriteString(` ORDER BY tracking_no LIMIT ?`)
	limit := int64(-1)
	if f.Limit > 0 {
		limit = int64(f.Limit)
	}
	args = append(args, limit)
	rows, err := s.readRows(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*shipment.Shipment
	for rows.Next() {
		var no string
		var body []byte
		if err := rows.Scan(&no, &body); err != nil {
			return nil, mapErr(err)
		}
		sh, err := s.decodeShipment(no, body)
		if err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, mapErr(rows.Err())
}

// AddEvent implements [shipment.Store].
func (s *Store) AddEvent(ctx context.Context, ev shipment.Event, fn func(*shipment.Shipment) error) (bool, error) {
	var te timeEnc
	at := te.t(ev.Time)
	if te.err != nil {
		return false, fmt.Errorf("sqlite: event of %s: %w", ev.TrackingNo, te.err)
	}
	key := ev.Key()
	var added bool
	err := s.write(ctx, func(w *wconn) error {
		added = false
		var one int
		err := w.queryRow(`SELECT 1 FROM shipments WHERE tracking_no = ?`, []any{ev.TrackingNo}, &one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %s", shipment.ErrNotFound, ev.TrackingNo)
		}
		if err != nil {
			return err
		}
		res, err := w.exec(`INSERT INTO tracking_events (key, tracking_no, time, state, code, text, location, source)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			key, ev.TrackingNo, at, string(ev.State), ev.Code, s.sealText(adTracking, key, ev.Text), ev.Location, ev.Source)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		added = true
		return s.updateShipment(w, ev.TrackingNo, fn)
	})
	if err != nil {
		added = false
	}
	return added, err
}

// Events implements [shipment.Store].
func (s *Store) Events(ctx context.Context, trackingNo string) ([]shipment.Event, error) {
	rows, err := s.readRows(ctx, `SELECT time, state, code, text, location, source, key FROM tracking_events
		WHERE tracking_no = ? ORDER BY time, n`, trackingNo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []shipment.Event
	for rows.Next() {
		ev := shipment.Event{TrackingNo: trackingNo}
		var at int64
		var state, key string
		var text []byte
		if err := rows.Scan(&at, &state, &ev.Code, &text, &ev.Location, &ev.Source, &key); err != nil {
			return nil, mapErr(err)
		}
		text, err := s.unseal(adTracking, key, text)
		if err != nil {
			return nil, err
		}
		ev.Text = string(text)
		ev.Time, ev.State = decTime(at), shipment.State(state)
		out = append(out, ev)
	}
	return out, mapErr(rows.Err())
}

// CreateProblem implements [shipment.ProblemStore]. IDs are P and the rowid.
func (s *Store) CreateProblem(ctx context.Context, p *shipment.Problem) error {
	c := p.Clone()
	var id string
	err := s.write(ctx, func(w *wconn) error {
		var n int64
		if err := w.queryRow(`SELECT coalesce(max(n), 0) + 1 FROM problems`, nil, &n); err != nil {
			return err
		}
		c.ID = "P" + strconv.FormatInt(n, 10)
		body, err := json.Marshal(c)
		if err != nil {
			return err
		}
		body = s.seal(adProblem, rowN(n), body)
		if _, err := w.exec(`INSERT INTO problems (n, tracking_no, carrier, kind, resolved, body) VALUES (?, ?, ?, ?, ?, ?)`,
			n, c.TrackingNo, c.Carrier, string(c.Kind), b2i(!c.Open()), body); err != nil {
			return err
		}
		id = c.ID
		return nil
	})
	if err == nil {
		p.ID = id
	}
	return err
}

func problemN(id string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(id, "P"), 10, 64)
	return n, err == nil && strings.HasPrefix(id, "P") && n > 0
}

// UpdateProblem implements [shipment.ProblemStore].
func (s *Store) UpdateProblem(ctx context.Context, id string, fn func(*shipment.Problem) error) error {
	n, ok := problemN(id)
	if !ok {
		return fmt.Errorf("%w: problem %s", shipment.ErrNotFound, id)
	}
	return s.write(ctx, func(w *wconn) error {
		var body []byte
		err := w.queryRow(`SELECT body FROM problems WHERE n = ?`, []any{n}, &body)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: problem %s", shipment.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		if body, err = s.unseal(adProblem, rowN(n), body); err != nil {
			return err
		}
		p := new(shipment.Problem)
		if err := json.Unmarshal(body, p); err != nil {
			return fmt.Errorf("sqlite: stored problem %s: %w", id, err)
		}
		if err := fn(p); err != nil {
			return err
		}
		p.ID = id
		if body, err = json.Marshal(p); err != nil {
			return err
		}
		body = s.seal(adProblem, rowN(n), body)
		_, err = w.exec(`UPDATE problems SET tracking_no = ?, carrier = ?, kind = ?, resolved = ?, body = ? WHERE n = ?`,
			p.TrackingNo, p.Carrier, string(p.Kind), b2i(!p.Open()), body, n)
		return err
	})
}

// ListProblems implements [shipment.ProblemStore].
func (s *Store) ListProblems(ctx context.Context, f shipment.ProblemFilter) ([]*shipment.Problem, error) {
	var q strings.Builder
	q.WriteString(`SELECT n, body FROM problems WHERE 1`)
	var args []any
	if f.Carrier != "" {
		q.WriteString(` AND carrier = ?`)
		args = append(args, f.Carrier)
	}
	if f.TrackingNo != "" {
		q.WriteString(` AND tracking_no = ?`)
		args = append(args, f.TrackingNo)
	}
	if f.Kind != "" {
		q.WriteString(` AND kind = ?`)
		args = append(args, string(f.Kind))
	}
	if f.OpenOnly {
		q.WriteString(` AND resolved = 0`)
	}
	q.WriteString(` ORDER BY n`)
	rows, err := s.readRows(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*shipment.Problem
	for rows.Next() {
		var n int64
		var body []byte
		if err := rows.Scan(&n, &body); err != nil {
			return nil, mapErr(err)
		}
		body, err := s.unseal(adProblem, rowN(n), body)
		if err != nil {
			return nil, err
		}
		p := new(shipment.Problem)
		if err := json.Unmarshal(body, p); err != nil {
			return nil, fmt.Errorf("sqlite: stored problem P%d: %w", n, err)
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}
