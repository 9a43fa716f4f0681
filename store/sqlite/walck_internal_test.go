package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
)

// Checkpoints run off the writer, and the log stays bounded while writes never
// pause: it is folded into the database file and rewound, never left to grow
// with the data. (A reader that always holds an old snapshot holds back any
// checkpoint, SQLite's own as well.)
func TestCheckpointsKeepTheLogBounded(t *testing.T) {
	old := ckMaxFrames
	ckMaxFrames = 256
	defer func() { ckMaxFrames = old }()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ck.db")
	s, err := Open(ctx, path, nil)
	require.NoError(t, err)
	defer s.Close()
	var page int64
	require.NoError(t, s.w.queryRow("PRAGMA page_size", nil, &page))

	stop := make(chan struct{})
	var maxWAL int64
	var wg sync.WaitGroup
	wg.Go(func() { // the log's size, while the writers write
		for {
			select {
			case <-stop:
				return
			default:
			}
			if fi, err := os.Stat(path + "-wal"); err == nil {
				maxWAL = max(maxWAL, fi.Size())
			}
			time.Sleep(time.Millisecond)
		}
	})
	const writers, each = 8, 4000
	var ww sync.WaitGroup
	for w := range writers {
		ww.Go(func() {
			g := ordertest.New(uint64(100 + w))
			for i := range each {
				o := g.Order()
				o.ID, o.Status = fmt.Sprintf("W%d-%d", w, i), order.Approved
				if !assert.NoError(t, s.CreateOrder(ctx, o)) {
					return
				}
			}
		})
	}
	ww.Wait()
	close(stop)
	wg.Wait()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	t.Logf("database %d bytes, largest log %d bytes (bound %d frames of %d bytes)", fi.Size(), maxWAL, ckMaxFrames, page)
	// A log that grew for ever would hold every page written, more than the
	// database itself. Near its bound is not a promise on a loaded machine: a
	// checkpointer that waits for a core lets the log run on (4.6-7.4 MB
	// alone here, 17.5 MB once with other test binaries beside it).
	assert.Greater(t, fi.Size(), 2*maxWAL, "the data went through to the database file, not into an ever longer log")
	n := 0
	for _, err := range s.ListOrders(ctx) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, writers*each, n)
}
