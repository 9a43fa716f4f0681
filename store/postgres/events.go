package postgres

import (
	"context"
	"time"

	"github.com/dadanhq/dadan/shipment"
	"github.com/jackc/pgx/v5"
)

// UpdateEvents calls fn with a copy of each stored tracking event of trackingNo,
// in [Store.Events] order, and keeps the Text and Location fn leaves; the other
// fields and the event's key stay, so a repeat of the original event is still
// stored once. It returns how many events changed. fn may be called more than
// once per event (a transaction retried) and must not call the store.
func (s *Store) UpdateEvents(ctx context.Context, trackingNo string, fn func(ev *shipment.Event)) (int, error) {
	if !storable(trackingNo) {
		return 0, nil
	}
	var n int
	err := s.tx(ctx, "update events", func(tx pgx.Tx) error {
		n = 0
		rows, err := tx.Query(ctx, `SELECT n, at, at_ns, state, code, text, location, source, key FROM tracking_events
			WHERE tracking_no = $1 ORDER BY at, at_ns, n FOR UPDATE`, trackingNo)
		if err != nil {
			return err
		}
		type change struct {
			n              int64
			text, location []byte // text sealed with keys
		}
		var changes []change
		var (
			row                          int64
			at                           time.Time
			ns                           int16
			state, key                   string
			code, text, location, source []byte
		)
		_, err = pgx.ForEachRow(rows, []any{&row, &at, &ns, &state, &code, &text, &location, &source, &key}, func() error {
			text, err := s.unseal(adTracking, key, text)
			if err != nil {
				return err
			}
			ev := shipment.Event{TrackingNo: trackingNo, Time: zt(at.Add(time.Duration(ns))), State: shipment.State(state),
				Code: string(code), Text: string(text), Location: string(location), Source: string(source)}
			c := ev
			fn(&c)
			if c.Text != ev.Text || c.Location != ev.Location {
				changes = append(changes, change{row, s.seal(adTracking, key, []byte(c.Text)), []byte(c.Location)})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, c := range changes {
			if _, err := tx.Exec(ctx, `UPDATE tracking_events SET text = $2, location = $3 WHERE n = $1`, c.n, c.text, c.location); err != nil {
				return err
			}
		}
		n = len(changes)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
