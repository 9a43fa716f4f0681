package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// admin connects to the test database on a connection of its own.
func admin(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn(t))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close(ctx) })
	return c
}

// terminate ends every backend whose application_name is app, as an
// administrator (or a crash) would, and returns how many there were.
func terminate(t testing.TB, app string) int {
	t.Helper()
	var n int
	require.NoError(t, admin(t).QueryRow(context.Background(),
		`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&n))
	return n
}
