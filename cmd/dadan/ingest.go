package main

import (
	"context"

	"github.com/dadanhq/dadan"
)

// runIngest decodes, reviews and stores orders in the database. Run again on the
// same file it changes nothing and says how many orders were stored already.
func runIngest(ctx context.Context, args []string, e *env) int {
	fs := newFlags("ingest", e)
	db := dbFlag(fs)
	rf := addReviewFlags(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	cfg, tag, ok := rf.config(fs, e, "ingest")
	if !ok {
		return exitUsage
	}
	store, closer, ok := openDB(ctx, e, "ingest", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	st, err := dadan.New(&dadan.Options{Store: store, Review: cfg, Authorizer: authorizer(ctx)})
	if err != nil {
		e.errorf("ingest: %v", err)
		return exitUsage
	}
	return ingestFile(withActor(ctx), e, "ingest", st, rf, tag, true)
}
