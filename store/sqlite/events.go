package sqlite

import (
	"context"

	"github.com/dadanhq/dadan/shipment"
)

// UpdateEvents calls fn with a copy of each stored tracking event of trackingNo,
// in [Store.Events] order, and keeps the Text and Location fn leaves; the other
// fields and the event's key stay, so a repeat of the original event is still
// stored once. It returns how many events changed. fn runs in the write
// transaction on the writer goroutine: it must not call the store.
func (s *Store) UpdateEvents(ctx context.Context, trackingNo string, fn func(ev *shipment.Event)) (int, error) {
	var n int
	err := s.write(ctx, func(w *wconn) error {
		n = 0
		rows, err := w.query(`SELECT n, time, state, code, text, location, source, key FROM tracking_events
			WHERE tracking_no = ? ORDER BY time, n`, trackingNo)
		if err != nil {
			return err
		}
		type change struct {
			n        int64
			text     any // sealed with keys
			location string
		}
		var changes []change
		for rows.Next() {
			var row int64
			var at int64
			var state string
			var text []byte
			var key string
			ev := shipment.Event{TrackingNo: trackingNo}
			if err := rows.Scan(&row, &at, &state, &ev.Code, &text, &ev.Location, &ev.Source, &key); err != nil {
				rows.Close()
				return err
			}
			if text, err = s.unseal(adTracking, key, text); err != nil {
				rows.Close()
				return err
			}
			ev.Text, ev.Time, ev.State = string(text), decTime(at), shipment.State(state)
			c := ev
			fn(&c)
			if c.Text != ev.Text || c.Location != ev.Location {
				changes = append(changes, change{row, s.sealText(adTracking, key, c.Text), c.Location})
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
		for _, c := range changes {
			if _, err := w.exec(`UPDATE tracking_events SET text = ?, location = ? WHERE n = ?`, c.text, c.location, c.n); err != nil {
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
