package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/store/storetest"
	"github.com/dadanhq/dadan/supplies"
)

// dsn returns the test database's DSN from DADAN_PG_DSN, or skips the test.
func dsn(t testing.TB) string {
	t.Helper()
	d := os.Getenv("DADAN_PG_DSN")
	if d == "" {
		t.Skip("DADAN_PG_DSN is not set: no PostgreSQL to test against " +
			"(CI sets it; see .ci/run, e.g. postgres://dadan:dadan@127.0.0.1:5432/postgres?sslmode=disable)")
	}
	return d
}

// freshSchema returns the name of a schema no test used, dropped when the
// test ends.
func freshSchema(t testing.TB) string {
	t.Helper()
	d := dsn(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background()
		c, err := pgx.Connect(ctx, d)
		if err != nil {
			t.Logf("dropping schema %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE`); err != nil {
			t.Logf("dropping schema %s: %v", name, err)
		}
	})
	return name
}

// open opens a store on schema (a fresh one when empty) and closes it when
// the test ends.
func open(t testing.TB, schema string, opts *postgres.Options) *postgres.Store {
	t.Helper()
	if schema == "" {
		schema = freshSchema(t)
	}
	var o postgres.Options
	if opts != nil {
		o = *opts
	}
	o.Schema = schema
	s, err := postgres.Open(context.Background(), dsn(t), &o)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

func TestOrders(t *testing.T) {
	storetest.Orders(t, func(t *testing.T) order.Store { return open(t, "", nil) }, storetest.Features{})
}

func TestLedger(t *testing.T) {
	storetest.Ledger(t, func(t *testing.T) printer.LedgerStore { return open(t, "", nil) }, storetest.Features{})
}

func TestSupplies(t *testing.T) {
	storetest.Supplies(t, func(t *testing.T) supplies.Store { return open(t, "", nil) }, storetest.Features{})
}

func TestJobStore(t *testing.T) {
	printertest.TestJobStore(t, func(t *testing.T) printer.JobStore { return open(t, "", nil) })
}

func TestSequences(t *testing.T) {
	storetest.Sequences(t, func(t *testing.T) shipment.Sequence { return open(t, "", nil) }, storetest.Features{})
}

// TestDurable runs the durability part of the conformance suite: a location is a
// schema of its own; the crash test's helper process reaches the same database
// through DADAN_PG_DSN.
func TestDurable(t *testing.T) {
	storetest.Durable(t, storetest.Backend{
		Location: func(t *testing.T) string { return freshSchema(t) },
		Open: func(t *testing.T, loc string) storetest.Stores {
			s, err := postgres.Open(context.Background(), dsn(t), &postgres.Options{Schema: loc})
			require.NoError(t, err)
			return storetest.Stores{Orders: s, Jobs: s, Ledger: s, Supplies: s, Close: func() error { s.Close(); return nil }}
		},
	}, storetest.Features{TimeResolution: time.Microsecond})
}

func TestOrderJobs(t *testing.T) {
	storetest.OrderJobs(t, func(t *testing.T) storetest.OrderJobStore { return open(t, "", nil) }, storetest.Features{})
}
