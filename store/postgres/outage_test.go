package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/postgres"
)

// TestDatabaseLostMidBatch cuts the store's connections over and over (as a
// restart or a failover does) while a batch of orders and jobs is written.
// Every write either succeeds or fails with an error wrapping ErrUnavailable;
// none is half applied (an order without its event, half an order's
// documents); the journal has no gaps; and the store works again once the
// database is back, without being reopened.
func TestDatabaseLostMidBatch(t *testing.T) {
	const app = "dadan_outage_test"
	d := dsn(t) + "&application_name=" + app
	schema := freshSchema(t)
	ctx := context.Background()
	s, err := postgres.Open(ctx, d, &postgres.Options{Schema: schema, MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)

	type result struct {
		id  string
		err error
	}
	var (
		mu      sync.Mutex
		results []result
		started atomic.Int64
		cut     = make(chan struct{})
		outage  = make(chan struct{})
	)
	go func() {
		defer close(outage)
		<-cut
		// Terminate every backend of the store, again and again, for a while:
		// retries cannot outlast it.
		c := admin(t)
		end := time.Now().Add(1500 * time.Millisecond)
		for time.Now().Before(end) {
			_, err := c.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, app)
			assert.NoError(t, err)
			time.Sleep(2 * time.Millisecond)
		}
	}()

	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; ; i += 4 {
				select {
				case <-outage:
					return
				default:
				}
				if started.Add(1) == 40 {
					close(cut)
				}
				id := fmt.Sprintf("TB%06d", i)
				o := benchOrder(id, at.Add(time.Duration(i)*time.Second))
				err := s.CreateOrder(ctx, o, order.Event{Time: at, Actor: "ingest", OrderID: id, Action: order.ActReceived, To: order.Received})
				if err == nil {
					err = s.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
						ev, err := order.Move(o, order.Approved, at, "review", order.ActReviewed, "")
						return []order.Event{ev, order.Note(o, at, "review", order.ActNote, "ok")}, err
					})
				}
				_, jerr := s.AddJobs(ctx, []printer.Job{
					{Key: printer.JobKey{Order: id, Doc: printer.Waybill, Copy: 1}, Printer: "wb", Data: label(i)},
					{Key: printer.JobKey{Order: id, Doc: printer.PackingList, Copy: 1}, Printer: "pl", Data: label(i)},
				})
				mu.Lock()
				results = append(results, result{id, err}, result{"jobs:" + id, jerr})
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	failed, unknown := 0, 0
	for _, r := range results {
		if r.err == nil {
			continue
		}
		failed++
		if failed == 1 {
			t.Logf("for example: %v", r.err)
		}
		var ue *postgres.UnavailableError
		if assert.ErrorAs(t, r.err, &ue, "%s: %v", r.id, r.err) {
			assert.ErrorIs(t, r.err, postgres.ErrUnavailable)
			if ue.Unknown {
				unknown++
			}
		}
	}
	t.Logf("%d writes, %d failed while the database was away (%d with an unknown outcome)", len(results), failed, unknown)
	require.Positive(t, failed, "the outage was felt")

	// Back: the same store works at once.
	o := benchOrder("AFTER", at)
	require.NoError(t, s.CreateOrder(ctx, o, order.Event{Time: at, OrderID: "AFTER", Action: order.ActReceived, To: order.Received}))
	_, err = s.GetOrder(ctx, "AFTER")
	require.NoError(t, err)
	_, err = s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "AFTER", Doc: printer.Waybill, Copy: 1}, Printer: "wb", Data: []byte("x")})
	require.NoError(t, err)

	// Nothing is half applied.
	c := admin(t)
	var bad int
	require.NoError(t, c.QueryRow(ctx, `SELECT count(*) FROM `+schema+`.orders o WHERE NOT EXISTS
		(SELECT 1 FROM `+schema+`.journal j WHERE j.order_id = o.id AND j.action = 'received')`).Scan(&bad))
	assert.Zero(t, bad, "orders without their received event")
	require.NoError(t, c.QueryRow(ctx, `SELECT count(*) FROM `+schema+`.journal j WHERE NOT EXISTS
		(SELECT 1 FROM `+schema+`.orders o WHERE o.id = j.order_id)`).Scan(&bad))
	assert.Zero(t, bad, "events without their order")
	require.NoError(t, c.QueryRow(ctx, `SELECT count(*) FROM `+schema+`.orders o WHERE (o.status = 'approved') <>
		(SELECT count(*) = 2 FROM `+schema+`.journal j WHERE j.order_id = o.id AND j.action IN ('reviewed', 'note'))`).Scan(&bad))
	assert.Zero(t, bad, "an approval and its two events are stored together or not at all")
	require.NoError(t, c.QueryRow(ctx, `SELECT count(*) FROM (SELECT key_order FROM `+schema+`.jobs
		GROUP BY key_order HAVING count(*) <> 2 AND key_order <> 'AFTER') x`).Scan(&bad))
	assert.Zero(t, bad, "orders with half their documents queued")

	var n, maxSeq int64
	require.NoError(t, c.QueryRow(ctx, `SELECT count(*), coalesce(max(seq), 0) FROM `+schema+`.journal`).Scan(&n, &maxSeq))
	assert.Equal(t, n, maxSeq, "journal numbers have no gaps: a rolled back transaction gives its numbers back")

	// A write reported as failed (outcome known) is not there; a success is.
	for _, r := range results {
		if len(r.id) > 5 && r.id[:5] == "jobs:" {
			continue
		}
		ok, err := s.HasOrder(ctx, r.id)
		require.NoError(t, err)
		var ue *postgres.UnavailableError
		switch {
		case r.err == nil:
			assert.True(t, ok, "%s was stored", r.id)
		case errors.As(r.err, &ue) && !ue.Unknown && ue.Op == "create order":
			assert.False(t, ok, "%s failed and is not stored", r.id)
		}
	}
}

// TestUnavailable: a database that cannot be reached at all gives
// ErrUnavailable from Open.
func TestUnavailable(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://dadan:dadan@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2", nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, postgres.ErrUnavailable)
}

// TestDatabaseRestart restarts a PostgreSQL server under a running batch, with
// the shell command in DADAN_PG_RESTART, on a server of its own named by
// DADAN_PG_RESTART_DSN (CI starts a second cluster for it, so the tests of
// other packages, which run at the same time on DADAN_PG_DSN, do not see the
// restart). Writes fail only with ErrUnavailable, none is half applied, and the
// same store, its Notify listener included, works again once the server is
// back.
func TestDatabaseRestart(t *testing.T) {
	cmd, restartDSN := os.Getenv("DADAN_PG_RESTART"), os.Getenv("DADAN_PG_RESTART_DSN")
	if cmd == "" || restartDSN == "" {
		t.Skip("DADAN_PG_RESTART or DADAN_PG_RESTART_DSN is not set: no PostgreSQL server of its own to restart " +
			"(CI sets them, e.g. 'pg_ctlcluster 15 restart restart' and postgres://dadan:dadan@127.0.0.1:5433/postgres?sslmode=disable)")
	}
	// The helpers below read DADAN_PG_DSN; this test is not parallel, so no
	// other test of the package runs while it is changed.
	t.Setenv("DADAN_PG_DSN", restartDSN)
	schema := freshSchema(t)
	ctx := context.Background()
	s := open(t, schema, &postgres.Options{MaxConns: 4})
	wake, err := s.Notify(ctx)
	require.NoError(t, err)
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)

	var (
		stop    atomic.Bool
		written atomic.Int64
		errs    []error
		okIDs   []string
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; !stop.Load(); i++ {
			id := fmt.Sprintf("R%06d", i)
			err := s.CreateOrder(ctx, benchOrder(id, at), order.Event{Time: at, OrderID: id, Action: order.ActReceived, To: order.Received})
			if err != nil {
				errs = append(errs, err)
			} else {
				okIDs = append(okIDs, id)
			}
			written.Add(1)
		}
	}()
	eventually(t, 10*time.Second, "no writes before the restart", func() bool { return written.Load() >= 20 })
	out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
	require.NoError(t, err, "%s: %s", cmd, out)
	// The server is back when a fresh connection works.
	eventually(t, 30*time.Second, "the server did not come back", func() bool {
		c, err := pgx.Connect(ctx, dsn(t))
		if err != nil {
			return false
		}
		c.Close(ctx)
		return true
	})
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	<-done
	for _, err := range errs {
		assert.ErrorIs(t, err, postgres.ErrUnavailable, "%v", err)
	}
	t.Logf("%d writes, %d failed during the restart", written.Load(), len(errs))

	// The same store works again, without reopening.
	require.NoError(t, s.CreateOrder(ctx, benchOrder("BACK", at), order.Event{OrderID: "BACK", Action: order.ActReceived, To: order.Received}))
	for _, id := range okIDs {
		ok, err := s.HasOrder(ctx, id)
		require.NoError(t, err)
		assert.True(t, ok, "%s was stored before it was reported", id)
	}
	var bad int
	require.NoError(t, admin(t).QueryRow(ctx, `SELECT count(*) FROM `+schema+`.orders o FULL JOIN `+schema+`.journal j
		ON j.order_id = o.id WHERE o.id IS NULL OR j.order_id IS NULL`).Scan(&bad))
	assert.Zero(t, bad, "orders and their events are stored together")

	// The listener came back too.
	drain(wake)
	_, err = open(t, schema, nil).AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "BACK", Doc: printer.Waybill, Copy: 1}, Printer: "wb", Data: []byte("x")})
	require.NoError(t, err)
	select {
	case name := <-wake:
		assert.Equal(t, "wb", name)
	case <-time.After(10 * time.Second):
		t.Fatal("no notification after the restart")
	}
}

func drain(ch <-chan string) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}
