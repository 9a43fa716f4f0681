package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/postgres"
)

// TestHostileText: order fields are untrusted. Printer commands, quotes, NUL
// bytes and invalid UTF-8 inside an order are data and round-trip; a NUL in
// a key PostgreSQL keeps as text is refused with ErrInvalidText and stores
// nothing; a job's error text is cleaned, so recording a failure never fails.
func TestHostileText(t *testing.T) {
	s := open(t, "", nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)
	o := benchOrder(`TB1'); DROP TABLE orders; --`, at)
	o.Recipient.Name = "张\x00三^XA^FDx^FS^XZ\x1b@\x1dV"
	o.Remark.Buyer = `"\u0000" '` + "\x10\x04\x01"
	require.NoError(t, s.CreateOrder(ctx, o, order.Event{OrderID: o.ID, Action: order.ActReceived, To: order.Received, Detail: "~HS^XZ"}))
	got, err := s.GetOrder(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, o.Recipient.Name, got.Recipient.Name)
	assert.Equal(t, o.Remark.Buyer, got.Remark.Buyer)
	evs := journal(t, s)
	require.Len(t, evs, 1)
	assert.Equal(t, "~HS^XZ", evs[0].Detail)

	bad := benchOrder("TB\x00NUL", at)
	err = s.CreateOrder(ctx, bad, order.Event{OrderID: bad.ID, Action: order.ActReceived, To: order.Received})
	assert.ErrorIs(t, err, postgres.ErrInvalidText)
	assert.Len(t, journal(t, s), 1, "nothing journaled")
	_, err = s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "\xff\xfe", Doc: printer.Waybill}, Printer: "p", Data: []byte{0}})
	assert.ErrorIs(t, err, postgres.ErrInvalidText)

	j, err := s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: o.ID, Doc: printer.Waybill, Copy: 1}, Printer: "p", Data: []byte("\x00\xff^XZ")})
	require.NoError(t, err)
	c, err := s.ClaimJob(ctx, "p", "st", at)
	require.NoError(t, err)
	assert.Equal(t, []byte("\x00\xff^XZ"), c.Data, "job data are bytes")
	c.State, c.LastError, c.ReprintReason = printer.Failed, "reply \x00\xff from the device", "why\x00"
	require.NoError(t, s.UpdateJob(ctx, c, printer.Sending))
	stored, err := s.Job(ctx, j.ID)
	require.NoError(t, err)
	assert.Equal(t, printer.Failed, stored.State)
	assert.Equal(t, "reply \uFFFD\uFFFD from the device", stored.LastError)
	assert.Equal(t, "why\uFFFD", stored.ReprintReason)
}
