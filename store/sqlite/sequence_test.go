package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/dadanhq/dadan/store/storetest"
)

func TestSequences(t *testing.T) {
	storetest.Sequences(t, func(t *testing.T) shipment.Sequence { return open(t, nil) }, storetest.Features{})
}

func TestSequenceSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dadan.db")
	s, err := sqlite.Open(ctx, path, nil)
	require.NoError(t, err)
	for range 3 {
		_, err := s.NextValue(ctx, "pool/ZTO")
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	s, err = sqlite.Open(ctx, path, nil)
	require.NoError(t, err)
	defer s.Close()
	n, err := s.NextValue(ctx, "pool/ZTO")
	require.NoError(t, err)
	assert.Equal(t, int64(4), n, "a restart never hands out a value twice")
}
