package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dadanhq/dadan/shipment"
)

var _ shipment.Store = (*Store)(nil)

// storable reports whether PostgreSQL can hold s as text: no NUL byte and
// valid UTF-8. A key that is not storable is not stored, so looking it up
// finds nothing.
func storable(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

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
		return nil, fmt.Errorf("postgres: stored shipment %s: %w", no, err)
	}
	return sh, nil
}

// CreateShipment implements [shipment.Store]. A tracking number, order ID or
// carrier with a NUL byte or invalid UTF-8 gives an error wrapping
// [ErrInvalidText].
func (s *Store) CreateShipment(ctx context.Context, sh *shipment.Shipment) error {
	body, err := encodeShipment(sh)
	if err != nil {
		return err
	}
	no, oid, carrier, state := sh.TrackingNo, sh.OrderID, sh.Carrier, string(sh.State)
	body = s.seal(adShipment, no, body)
	return s.tx(ctx, "create shipment", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO shipments (tracking_no, order_id, carrier, state, body) VALUES ($1, $2, $3, $4, $5)`,
			no, oid, carrier, state, body)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return fmt.Errorf("%w: %s", shipment.ErrExists, no)
		}
		return err
	})
}

// GetShipment implements [shipment.Store].
func (s *Store) GetShipment(ctx context.Context, trackingNo string) (*shipment.Shipment, error) {
	if !storable(trackingNo) {
		return nil, fmt.Errorf("%w: %q", shipment.ErrNotFound, trackingNo)
	}
	var body []byte
	err := s.read(ctx, "get shipment", func() error {
		return s.pool.QueryRow(ctx, `SELECT body FROM shipments WHERE tracking_no = $1`, trackingNo).Scan(&body)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", shipment.ErrNotFound, trackingNo)
	}
	if err != nil {
		return nil, err
	}
	return s.decodeShipment(trackingNo, body)
}

// UpdateShipment implements [shipment.Store]. The shipment row is locked
// (SELECT ... FOR UPDATE) for the transaction, so concurrent updates of one
// shipment take turns; fn runs once per attempt, and again only when an
// attempt failed without applying.
func (s *Store) UpdateShipment(ctx context.Context, trackingNo string, fn func(*shipment.Shipment) error) error {
	if !storable(trackingNo) {
		return fmt.Errorf("%w: %q", shipment.ErrNotFound, trackingNo)
	}
	return s.tx(ctx, "update shipment", func(tx pgx.Tx) error {
		sh, err := s.lockShipment(ctx, tx, trackingNo)
		if err != nil {
			return err
		}
		return s.storeShipment(ctx, tx, trackingNo, sh, fn)
	})
}

// lockShipment reads the shipment no and locks its row until tx ends.
func (s *Store) lockShipment(ctx context.Context, tx pgx.Tx, no string) (*shipment.Shipment, error) {
	var body []byte
	err := tx.QueryRow(ctx, `SELECT body FROM shipments WHERE tracking_no = $1 FOR UPDATE`, no).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", shipment.ErrNotFound, no)
	}
	if err != nil {
		return nil, err
	}
	return s.decodeShipment(no, body)
}

// storeShipment applies fn (if any) to sh, read and locked by lockShipment,
// and stores the result under no.
func (s *Store) storeShipment(ctx context.Context, tx pgx.Tx, no string, sh *shipment.Shipment, fn func(*shipment.Shipment) error) error {
	if fn != nil {
		if err := fn(sh); err != nil {
			return err
		}
	}
	sh.TrackingNo = no // the key cannot change
	body, err := encodeShipment(sh)
	if err != nil {
		return err
	}
	body = s.seal(adShipment, no, body)
	_, err = tx.Exec(ctx, `UPDATE shipments SET order_id = $2, carrier = $3, state = $4, body = $5 WHERE tracking_no = $1`,
		no, sh.OrderID, sh.Carrier, string(sh.State), body)
	return err
}

// ListShipments implements [shipment.Store].
func (s *Store) ListShipments(ctx context.Context, f shipment.Filter) ([]*shipment.Shipment, error) {
	// A carrier or order ID PostgreSQL cannot hold as text matches nothing
	// stored. An After bound comes from a listed number; one that could not
	// be stored is refused.
	if f.Carrier != "" && !storable(f.Carrier) || f.OrderID != "" && !storable(f.OrderID) {
		return nil, nil
	}
	if !storable(f.After) {
		return nil, fmt.Errorf("postgres: list shipments: after %q: %w", f.After, ErrInvalidText)
	}
	q := `SELECT tracking_no, body FROM shipments WHERE tracking_no > $1`
	args := []any{f.After}
	if f.Carrier != "" {
		args = append(args, f.Carrier)
		q += ` AND carrier = $` + strconv.Itoa(len(args))
	}
	if f.OrderID != "" {
		args = append(args, f.OrderID)
		q += ` AND order_id = $` + strconv.Itoa(len(args))
	}
	if len(f.States) > 0 {
		sts := make([]string, 0, len(f.States))
		for _, st := range f.States {
			if storable(string(st)) {
				sts = append(sts, string(st))
			}
		}
		if len(sts) == 0 {
			return nil, nil
		}
		args = append(args, sts)
		q += ` AND state = ANY($` + strconv.Itoa(len(args)) + `)`
	}
	q += ` ORDER BY tracking_no`
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += ` LIMIT $` + strconv.Itoa(len(args))
	}
	var out []*shipment.Shipment
	err := s.read(ctx, "list shipments", func() error {
		out = out[:0]
		rows, err := s.pool.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		var (
			no   string
			body []byte
		)
		_, err = pgx.ForEachRow(rows, []any{&no, &body}, func() error {
			sh, err := s.decodeShipment(no, body)
			if err != nil {
				return err
			}
			out = append(out, sh)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// splitTime returns t to the microsecond, as a timestamptz keeps it, and the
// nanoseconds below.
func splitTime(t time.Time) (time.Time, int16) {
	return t.Truncate(time.Microsecond), int16(t.Nanosecond() % 1000)
}

// AddEvent implements [shipment.Store]. The shipment row is locked first, so
// events of one shipment are stored one at a time and a repeat sent at once
// from two stations is stored by one of them; the other sees it and does not
// call fn. The event's code, text, location and source are stored as bytes,
// whatever they hold.
func (s *Store) AddEvent(ctx context.Context, ev shipment.Event, fn func(*shipment.Shipment) error) (bool, error) {
	no := ev.TrackingNo
	if !storable(no) {
		return false, fmt.Errorf("%w: %q", shipment.ErrNotFound, no)
	}
	key := ev.Key()
	at, ns := splitTime(ev.Time)
	var added bool
	err := s.tx(ctx, "add event", func(tx pgx.Tx) error {
		added = false
		sh, err := s.lockShipment(ctx, tx, no)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO tracking_events (key, tracking_no, at, at_ns, state, code, text, location, source)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
			key, no, at, ns, string(ev.State), []byte(ev.Code), s.seal(adTracking, key, []byte(ev.Text)), []byte(ev.Location), []byte(ev.Source))
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		added = true
		return s.storeShipment(ctx, tx, no, sh, fn)
	})
	if err != nil {
		added = false
	}
	return added, err
}

// Events implements [shipment.Store].
func (s *Store) Events(ctx context.Context, trackingNo string) ([]shipment.Event, error) {
	if !storable(trackingNo) {
		return nil, nil
	}
	var out []shipment.Event
	err := s.read(ctx, "events", func() error {
		out = out[:0]
		rows, err := s.pool.Query(ctx, `SELECT at, at_ns, state, code, text, location, source, key FROM tracking_events
			WHERE tracking_no = $1 ORDER BY at, at_ns, n`, trackingNo)
		if err != nil {
			return err
		}
		var (
			at                           time.Time
			ns                           int16
			state, key                   string
			code, text, location, source []byte
		)
		_, err = pgx.ForEachRow(rows, []any{&at, &ns, &state, &code, &text, &location, &source, &key}, func() error {
			text, err := s.unseal(adTracking, key, text)
			if err != nil {
				return err
			}
			out = append(out, shipment.Event{
				TrackingNo: trackingNo, Time: zt(at.Add(time.Duration(ns))), State: shipment.State(state),
				Code: string(code), Text: string(text), Location: string(location), Source: string(source),
			})
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// problemID is the ID of the problem in row n.
func problemID(n int64) string { return "P" + strconv.FormatInt(n, 10) }

// problemN is the row of the problem id, if id is one the store gives.
func problemN(id string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(id, "P"), 10, 64)
	return n, err == nil && n > 0 && problemID(n) == id
}

func (s *Store) decodeProblem(n int64, body []byte) (*shipment.Problem, error) {
	body, err := s.unseal(adProblem, rowN(n), body)
	if err != nil {
		return nil, err
	}
	p := new(shipment.Problem)
	if err := json.Unmarshal(body, p); err != nil {
		return nil, fmt.Errorf("postgres: stored problem %s: %w", problemID(n), err)
	}
	p.ID = problemID(n)
	return p, nil
}

// CreateProblem implements [shipment.ProblemStore]. IDs are P and a number
// from a sequence: problems opened at once on several stations get
// different numbers, in the order they were inserted. p.ID is set only when
// the problem is stored.
func (s *Store) CreateProblem(ctx context.Context, p *shipment.Problem) error {
	c := p.Clone()
	var id string
	err := s.tx(ctx, "create problem", func(tx pgx.Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('problems', 'n'))`).Scan(&n); err != nil {
			return err
		}
		c.ID = problemID(n)
		body, err := json.Marshal(c)
		if err != nil {
			return err
		}
		body = s.seal(adProblem, rowN(n), body)
		if _, err := tx.Exec(ctx, `INSERT INTO problems (n, tracking_no, carrier, kind, resolved, body) VALUES ($1, $2, $3, $4, $5, $6)`,
			n, c.TrackingNo, c.Carrier, string(c.Kind), !c.Open(), body); err != nil {
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

// UpdateProblem implements [shipment.ProblemStore]. The problem row is
// locked for the transaction, so concurrent updates take turns.
func (s *Store) UpdateProblem(ctx context.Context, id string, fn func(*shipment.Problem) error) error {
	n, ok := problemN(id)
	if !ok {
		return fmt.Errorf("%w: problem %q", shipment.ErrNotFound, id)
	}
	return s.tx(ctx, "update problem", func(tx pgx.Tx) error {
		var body []byte
		err := tx.QueryRow(ctx, `SELECT body FROM problems WHERE n = $1 FOR UPDATE`, n).Scan(&body)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("%w: problem %s", shipment.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		p, err := s.decodeProblem(n, body)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		p.ID = id
		if body, err = json.Marshal(p); err != nil {
			return err
		}
		body = s.seal(adProblem, rowN(n), body)
		_, err = tx.Exec(ctx, `UPDATE problems SET tracking_no = $2, carrier = $3, kind = $4, resolved = $5, body = $6 WHERE n = $1`,
			n, p.TrackingNo, p.Carrier, string(p.Kind), !p.Open(), body)
		return err
	})
}

// ListProblems implements [shipment.ProblemStore].
func (s *Store) ListProblems(ctx context.Context, f shipment.ProblemFilter) ([]*shipment.Problem, error) {
	if !storable(f.Carrier) || !storable(f.TrackingNo) || !storable(string(f.Kind)) {
		return nil, nil // matches nothing stored
	}
	q := `SELECT n, body FROM problems WHERE true`
	var args []any
	if f.Carrier != "" {
		args = append(args, f.Carrier)
		q += ` AND carrier = $` + strconv.Itoa(len(args))
	}
	if f.TrackingNo != "" {
		args = append(args, f.TrackingNo)
		q += ` AND tracking_no = $` + strconv.Itoa(len(args))
	}
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		q += ` AND kind = $` + strconv.Itoa(len(args))
	}
	if f.OpenOnly {
		q += ` AND NOT resolved`
	}
	q += ` ORDER BY n`
	var out []*shipment.Problem
	err := s.read(ctx, "list problems", func() error {
		out = out[:0]
		rows, err := s.pool.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		var (
			n    int64
			body []byte
		)
		_, err = pgx.ForEachRow(rows, []any{&n, &body}, func() error {
			p, err := s.decodeProblem(n, body)
			if err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
