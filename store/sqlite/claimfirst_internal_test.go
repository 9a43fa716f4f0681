package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A claim that waits for the writer with other operations runs before them, in
// a transaction of its own: a printer sends nothing until its claim is stored.
func TestClaimsGoFirst(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"), nil)
	require.NoError(t, err)
	defer s.Close()

	var mu sync.Mutex
	var ran []string
	var commitsAt []int64 // the commits counted when each ran
	record := func(name string) func(*wconn) error {
		return func(*wconn) error {
			mu.Lock()
			defer mu.Unlock()
			ran = append(ran, name)
			commitsAt = append(commitsAt, s.commits.Load())
			return nil
		}
	}
	busy, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	let := func() { once.Do(func() { close(release) }) }
	defer let() // a failure below must not leave the writer held
	var wg sync.WaitGroup
	wg.Go(func() { // holds the writer until the others wait
		assert.NoError(t, s.write(ctx, func(*wconn) error { close(busy); <-release; return nil }))
	})
	<-busy
	for _, name := range []string{"queue 1", "queue 2", "confirm"} {
		wg.Go(func() { assert.NoError(t, s.write(ctx, record(name))) })
	}
	waitFor(t, func() bool { return len(s.ops) == 3 })
	wg.Go(func() { assert.NoError(t, s.claimWrite(ctx, record("claim"))) })
	waitFor(t, func() bool { return len(s.claims) == 1 })
	let()
	wg.Wait()

	require.Len(t, ran, 4)
	assert.Equal(t, "claim", ran[0], "the claim ran first: %v", ran)
	assert.Less(t, commitsAt[0], commitsAt[1], "and was committed before the others ran")
	assert.Equal(t, commitsAt[1], commitsAt[3], "the others share a transaction")
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("timed out")
		}
	}
}
