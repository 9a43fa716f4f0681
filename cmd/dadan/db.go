package main

import (
	"context"
	"flag"
	"io"
	"net/url"
	"os"
	"os/user"
	"strings"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/dadanhq/dadan/supplies"
)

// dbStore is what the commands need of a database: every store interface.
type dbStore interface {
	order.Store
	printer.JobStore
	printer.LedgerStore
	supplies.Store
	shipment.Sequence
	shipment.Store
	qa.Store
}

// dbFlag adds --db to fs: a SQLite file or a postgres:// URL.
func dbFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("DADAN_DB")
	if def == "" {
		def = "dadan.db"
	}
	return fs.String("db", def, "database: a SQLite `PATH` or a postgres:// URL; $DADAN_DB sets the default")
}

// openDB opens the database a --db value names.
func openDB(ctx context.Context, e *env, cmd, db string) (dbStore, io.Closer, bool) {
	s, c, err := openStore(ctx, db)
	if err != nil {
		e.errorf("%s: %s: %v", cmd, db, err)
		return nil, nil, false
	}
	return s, c, true
}

func openStore(ctx context.Context, db string) (dbStore, io.Closer, error) {
	switch {
	case db == ":memory:":
		return memstore.New(), io.NopCloser(nil), nil
	case strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://"):
		return openPostgres(ctx, db)
	}
	return openSQLite(ctx, db)
}

// openPostgres opens a postgres:// URL; a schema=NAME parameter chooses the
// schema (default dadan), so several stations or shops can share a database.
func openPostgres(ctx context.Context, dsn string) (dbStore, io.Closer, error) {
	opts := &postgres.Options{}
	if u, err := url.Parse(dsn); err == nil {
		q := u.Query()
		if sc := q.Get("schema"); sc != "" {
			opts.Schema = sc
			q.Del("schema")
			u.RawQuery = q.Encode()
			dsn = u.String()
		}
	}
	s, err := postgres.Open(ctx, dsn, opts)
	if err != nil {
		return nil, nil, err
	}
	return s, closerFunc(func() error { s.Close(); return nil }), nil
}

// closerFunc adapts a function to io.Closer.
type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func openSQLite(ctx context.Context, path string) (dbStore, io.Closer, error) {
	s, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		return nil, nil, err
	}
	return s, s, nil
}

// withActor puts the user in ctx as the acting principal: --as, else $DADAN_USER,
// else the login name.
func withActor(ctx context.Context) context.Context {
	if s := sessionOf(ctx); s != nil && s.checked {
		return access.NewContext(ctx, access.Principal{ID: s.user})
	}
	id := os.Getenv("DADAN_USER")
	if id == "" {
		if u, err := user.Current(); err == nil {
			id = u.Username
		}
	}
	if id == "" {
		id = "cli"
	}
	return access.NewContext(ctx, access.Principal{ID: id})
}
