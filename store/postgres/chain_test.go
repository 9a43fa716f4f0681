package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJournalTamper(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		sql  string
		seq  uint64
	}{
		{"edited", `UPDATE %s.journal SET detail = 'x' WHERE seq = 3`, 3},
		{"removed", `DELETE FROM %s.journal WHERE seq = 2`, 2},
		{"reordered", `UPDATE %[1]s.journal SET seq = 100 WHERE seq = 3; UPDATE %[1]s.journal SET seq = 3 WHERE seq = 4; UPDATE %[1]s.journal SET seq = 4 WHERE seq = 100`, 3},
		{"truncated", `DELETE FROM %s.journal WHERE seq >= 5`, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			schema := freshSchema(t)
			s := open(t, schema, nil)
			at := time.Date(2026, 11, 11, 9, 0, 0, 123456789, time.UTC) // nanoseconds the column does not keep
			for i := range 3 {
				o := &order.Order{ID: fmt.Sprint("T", i), Status: order.Received}
				require.NoError(t, s.CreateOrder(ctx, o, order.Event{Time: at, Actor: "system", OrderID: o.ID, Action: order.ActReceived, To: order.Received}))
				require.NoError(t, s.UpdateOrder(ctx, o.ID, func(o *order.Order) ([]order.Event, error) {
					return []order.Event{order.Note(o, at, "客服", order.ActNote, fmt.Sprint(i))}, nil
				}))
			}
			head, err := order.VerifyStore(ctx, s)
			require.NoError(t, err)
			require.Equal(t, uint64(6), head.Seq)
			_, err = admin(t).Exec(ctx, fmt.Sprintf(c.sql, schema))
			require.NoError(t, err)
			_, err = order.VerifyStore(ctx, s)
			var te *order.TamperError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, c.seq, te.Seq, "%v", err)
		})
	}
}
