package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/store/seal"
)

// rekeyer is a store that can seal its values again with the active key.
type rekeyer interface {
	Rekey(ctx context.Context, progress func(seal.Progress)) (seal.Progress, error)
}

// runRekey seals every value of the database with the active key of --keys:
// plaintext (a database sealed for the first time) and values sealed with
// older keys of the ring. The database stays usable by other commands and
// stations meanwhile; afterwards the older keys may be removed from the file.
func runRekey(ctx context.Context, args []string, e *env) int {
	fs := newFlags("rekey", e)
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print the outcome as one JSON line")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	keys, err := keysOf(ctx)
	if err != nil {
		e.errorf("rekey: %v", err)
		return exitUsage
	}
	if keys == nil {
		e.errorf("rekey: --keys FILE (or $DADAN_KEYS) is required")
		return exitUsage
	}
	store, closer, ok := openDB(ctx, e, "rekey", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	rk, ok := store.(rekeyer)
	if !ok {
		e.errorf("rekey: %s: this database keeps nothing at rest", *db)
		return exitUsage
	}
	last := time.Now()
	p, err := rk.Rekey(ctx, func(p seal.Progress) {
		if time.Since(last) >= time.Second {
			last = time.Now()
			fmt.Fprintf(e.stderr, "rekey: %s: %d of %d values looked at, %d sealed again\n", p.Table, p.Scanned, p.Total, p.Resealed)
		}
	})
	if err != nil {
		e.errorf("rekey: %s: %v (%d values sealed again before it stopped; run it again to go on)", *db, err, p.Resealed)
		return exitRefused
	}
	if *asJSON {
		b, _ := json.Marshal(struct {
			Key      string `json:"key"`
			Scanned  int64  `json:"scanned"`
			Resealed int64  `json:"resealed"`
		}{keys.Active(), p.Scanned, p.Resealed})
		fmt.Fprintln(e.stdout, string(b))
		return exitOK
	}
	fmt.Fprintf(e.stdout, "sealed with key %s: %d values looked at, %d sealed again; keys other than %s may now be removed from the key file\n",
		keys.Active(), p.Scanned, p.Resealed, keys.Active())
	return exitOK
}
