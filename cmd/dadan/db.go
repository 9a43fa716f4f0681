package main

import (
	"context"
	"errors"
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
	"github.com/dadanhq/dadan/store/seal"
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
	db := fs.String("db", def, "database: a SQLite `PATH` or a postgres:// URL; $DADAN_DB sets the default")
	keysFlag(fs)
	return db
}

// keysFlag adds --keys to fs, bound to the session of its --as flag: the key
// file openStore seals personal data with.
func keysFlag(fs *flag.FlagSet) {
	f, ok := fs.Lookup("as").Value.(*sessionFlag)
	if !ok {
		return
	}
	fs.StringVar(&f.s.keys, "keys", os.Getenv("DADAN_KEYS"), "key `FILE` sealing names, phones and addresses in the database: "+
		`{"active": ID, "keys": {ID: base64 of 32 bytes}}; default $DADAN_KEYS; without one personal data is stored in plaintext`)
}

// keysOf reads the key file the session names; nil without one.
func keysOf(ctx context.Context) (*seal.Ring, error) {
	s := sessionOf(ctx)
	if s == nil || s.keys == "" {
		return nil, nil
	}
	return seal.ReadKeyFile(s.keys)
}

// openDB opens the database a --db value names.
func openDB(ctx context.Context, e *env, cmd, db string) (dbStore, io.Closer, bool) {
	s, c, err := openStore(ctx, db)
	if err != nil {
		hint := ""
		if errors.Is(err, seal.ErrNoKeys) {
			hint = " (give its key file: --keys FILE or $DADAN_KEYS)"
		}
		e.errorf("%s: %s: %v%s", cmd, db, err, hint)
		return nil, nil, false
	}
	return s, c, true
}

func openStore(ctx context.Context, db string) (dbStore, io.Closer, error) {
	keys, err := keysOf(ctx)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case db == ":memory:":
		if keys != nil {
			return nil, nil, errors.New("an in-memory database keeps nothing at rest: --keys is for a database file or PostgreSQL")
		}
		return memstore.New(), io.NopCloser(nil), nil
	case strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://"):
		return openPostgres(ctx, db, keys)
	}
	return openSQLite(ctx, db, keys)
}

// openPostgres opens a postgres:// URL; a schema=NAME parameter chooses the
// schema (default dadan), so several stations or shops can share a database.
func openPostgres(ctx context.Context, dsn string, keys *seal.Ring) (dbStore, io.Closer, error) {
	opts := &postgres.Options{Keys: keys}
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

func openSQLite(ctx context.Context, path string, keys *seal.Ring) (dbStore, io.Closer, error) {
	s, err := sqlite.Open(ctx, path, &sqlite.Options{Keys: keys})
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
