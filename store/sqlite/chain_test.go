package sqlite_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chainDB makes a database with three orders and eight journal events, closed.
func chainDB(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "dadan.db")
	s, err := sqlite.Open(ctx, p, nil)
	require.NoError(t, err)
	at := time.Date(2026, 11, 11, 9, 0, 0, 123456789, time.UTC)
	for i := range 4 {
		o := &order.Order{ID: fmt.Sprint("T", i), Status: order.Received}
		require.NoError(t, s.CreateOrder(ctx, o, order.Event{Time: at, Actor: "system", OrderID: o.ID, Action: order.ActReceived, To: order.Received}))
		require.NoError(t, s.UpdateOrder(ctx, o.ID, func(o *order.Order) ([]order.Event, error) {
			return []order.Event{order.Note(o, at, "客服", order.ActNote, fmt.Sprint("call back ", i))}, nil
		}))
	}
	head, err := order.VerifyStore(ctx, s)
	require.NoError(t, err)
	require.Equal(t, uint64(8), head.Seq)
	require.NoError(t, s.Close())
	return p
}

// tamper runs SQL on the database file as someone with the file would.
func tamper(t *testing.T, p string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", p)
	require.NoError(t, err)
	defer db.Close()
	for _, q := range stmts {
		_, err := db.Exec(q)
		require.NoError(t, err, q)
	}
}

func verifyFile(t *testing.T, p string) error {
	t.Helper()
	s, err := sqlite.Open(ctx, p, nil)
	require.NoError(t, err)
	defer s.Close()
	_, err = order.VerifyStore(ctx, s)
	return err
}

func TestJournalTamper(t *testing.T) {
	for _, c := range []struct {
		name  string
		sql   []string
		seq   uint64
		cause string
	}{
		{"edited detail", []string{`UPDATE journal SET detail = 'call back never' WHERE seq = 4`}, 4, "edited"},
		{"edited actor", []string{`UPDATE journal SET actor = 'boss' WHERE seq = 2`}, 2, "edited"},
		{"edited time", []string{`UPDATE journal SET time = time + 1000 WHERE seq = 6`}, 6, "edited"},
		{"edited status", []string{`UPDATE journal SET to_st = 'approved' WHERE seq = 1`}, 1, "edited"},
		{"removed", []string{`DELETE FROM journal WHERE seq = 3`}, 3, "missing"},
		{"removed first", []string{`DELETE FROM journal WHERE seq = 1`}, 1, "missing"},
		{"reordered", []string{
			`UPDATE journal SET seq = 100 WHERE seq = 3`, `UPDATE journal SET seq = 3 WHERE seq = 4`, `UPDATE journal SET seq = 4 WHERE seq = 100`,
		}, 3, ""},
		{"truncated", []string{`DELETE FROM journal WHERE seq >= 6`}, 6, "missing"},
		{"truncated to nothing", []string{`DELETE FROM journal`}, 1, "missing"},
		{"last removed", []string{`DELETE FROM journal WHERE seq = 8`}, 8, "missing"},
		{"hash blanked", []string{`UPDATE journal SET hash = '', prev = '' WHERE seq = 5`}, 5, "not sealed"},
		{"chain rewritten from an event on", []string{
			// a new detail with a matching hash of its own still breaks the next link
			`UPDATE journal SET detail = 'x', hash = 'ab' WHERE seq = 7`,
		}, 7, "edited"},
		{"head moved back", []string{`UPDATE journal_head SET seq = 7`}, 7, "head"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := chainDB(t)
			tamper(t, p, c.sql...)
			err := verifyFile(t, p)
			require.ErrorIs(t, err, order.ErrTampered)
			var te *order.TamperError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, c.seq, te.Seq, "%v", err)
			assert.Contains(t, te.Reason, c.cause)
		})
	}
}

// An edit whose own hash is recomputed is found at the next event, whose Prev no
// longer matches.
func TestJournalTamperRehashed(t *testing.T) {
	p := chainDB(t)
	s, err := sqlite.Open(ctx, p, nil)
	require.NoError(t, err)
	var ev order.Event
	for e, err := range s.Journal(ctx, 2) {
		require.NoError(t, err)
		ev = e
		break
	}
	require.NoError(t, s.Close())
	ev.Detail = "call back never"
	tamper(t, p, fmt.Sprintf(`UPDATE journal SET detail = '%s', hash = '%s' WHERE seq = 3`, ev.Detail, order.HashEvent(&ev)))
	var te *order.TamperError
	require.ErrorAs(t, verifyFile(t, p), &te)
	assert.Equal(t, uint64(4), te.Seq)
}

// Events journaled before the chain existed (no hashes) are a valid start; the
// chain goes on from them, and appends after a tamper do not heal it.
func TestJournalChainAfterUpgrade(t *testing.T) {
	p := chainDB(t)
	tamper(t, p, `UPDATE journal SET prev = '', hash = ''`, `UPDATE journal_head SET hash = ''`)
	s, err := sqlite.Open(ctx, p, nil)
	require.NoError(t, err)
	require.NoError(t, s.UpdateOrder(ctx, "T0", func(o *order.Order) ([]order.Event, error) {
		return []order.Event{order.Note(o, time.Now(), "w", order.ActNote, "after the upgrade")}, nil
	}))
	head, err := order.VerifyStore(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, uint64(9), head.Seq)
	require.NoError(t, s.Close())

	tamper(t, p, `DELETE FROM journal WHERE seq = 9`)
	s, err = sqlite.Open(ctx, p, nil)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.UpdateOrder(ctx, "T0", func(o *order.Order) ([]order.Event, error) {
		return []order.Event{order.Note(o, time.Now(), "w", order.ActNote, "after the removal")}, nil
	}))
	var te *order.TamperError
	_, err = order.VerifyStore(ctx, s)
	require.ErrorAs(t, err, &te)
	assert.Equal(t, uint64(9), te.Seq, "the removed event is missing although a new one followed")
}
