package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dadanhq/dadan/store/backup"
)

// runBackup writes a full backup of the database (or, with --incremental, what
// changed since the newest backup in the directory) into a new file in --out.
func runBackup(ctx context.Context, args []string, e *env) int {
	fs := newFlags("backup", e)
	db := dbFlag(fs)
	out := fs.String("out", "", "backup `DIR` (required); each backup is a new file in it")
	incr := fs.Bool("incremental", false, "back up only what changed since the newest backup in DIR")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *out == "" {
		e.errorf("backup: --out is required")
		return exitUsage
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		e.errorf("backup: %v", err)
		return exitRefused
	}
	var after *backup.Manifest
	if *incr {
		files, err := backupFiles(*out)
		if err != nil || len(files) == 0 {
			e.errorf("backup: --incremental needs an earlier backup in %s (%v)", *out, err)
			return exitRefused
		}
		m, err := readManifest(files[len(files)-1])
		if err != nil {
			e.errorf("backup: %s: %v", files[len(files)-1], err)
			return exitRefused
		}
		after = &m
	}
	db0, closer, ok := openDB(ctx, e, "backup", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	store, ok := db0.(backup.Store)
	if !ok {
		e.errorf("backup: %s: this store cannot be backed up", *db)
		return exitRefused
	}
	m, name, err := backup.WriteDir(ctx, *out, store, after, time.Now())
	if err != nil {
		e.errorf("backup: %v", err)
		return exitRefused
	}
	fmt.Fprintf(e.stdout, "%s %s: %d orders, %d events, journal seq %d to %d; %s\n", m.Kind, name, m.Orders, m.Events, m.After.Seq, m.Head.Seq, recordCounts(m.Records))
	return exitOK
}

// runRestore builds a new database from the newest full backup in --from and the
// increments after it, in order.
func runRestore(ctx context.Context, args []string, e *env) int {
	fs := newFlags("restore", e)
	from := fs.String("from", "", "backup `DIR` (required)")
	db := fs.String("db", "", "the new database to restore into: a SQLite `PATH` that does not exist yet, or a postgres:// URL of an empty schema (required)")
	keysFlag(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *from == "" || *db == "" {
		e.errorf("restore: --from and --db are required")
		return exitUsage
	}
	files, err := backupFiles(*from)
	if err != nil {
		e.errorf("restore: %v", err)
		return exitRefused
	}
	start := -1
	for i, f := range files {
		if m, err := readManifest(f); err == nil && m.Kind == backup.Full {
			start = i
		}
	}
	if start < 0 {
		e.errorf("restore: no full backup in %s", *from)
		return exitRefused
	}
	if _, err := os.Stat(*db); err == nil {
		e.errorf("restore: %s exists; restore into a new database", *db)
		return exitRefused
	}
	var rs []io.Reader
	for _, f := range files[start:] {
		fh, err := os.Open(f)
		if err != nil {
			e.errorf("restore: %v", err)
			return exitRefused
		}
		defer fh.Close()
		rs = append(rs, fh)
	}
	db0, closer, ok := openDB(ctx, e, "restore", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	store, ok := db0.(backup.Store)
	if !ok {
		e.errorf("restore: %s: this store cannot be restored into", *db)
		return exitRefused
	}
	m, err := backup.Restore(ctx, store, rs...)
	if err != nil {
		e.errorf("restore: %v", err)
		if !strings.Contains(*db, "://") && *db != ":memory:" {
			closer.Close() // a half-restored file is no database to keep
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(*db + suffix)
			}
		}
		return exitRefused
	}
	fmt.Fprintf(e.stdout, "restored %d backups into %s: journal up to seq %d; %s\n", len(rs), *db, m.Head.Seq, recordCounts(m.Totals()))
	return exitOK
}

// recordCounts is the summary of counts by kind: "3 job, 0 device, …", in
// the order of [backup.Kinds].
func recordCounts(counts map[string]int) string {
	var parts []string
	for _, k := range backup.Kinds() {
		if n, ok := counts[k]; ok {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	return strings.Join(parts, ", ")
}

// backupFiles returns the backup files of dir in name (creation) order.
func backupFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, de := range ents {
		if !de.IsDir() && backup.IsName(de.Name()) {
			out = append(out, filepath.Join(dir, de.Name()))
		}
	}
	slices.Sort(out)
	return out, nil
}

func readManifest(path string) (backup.Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return backup.Manifest{}, err
	}
	defer f.Close()
	return backup.ReadManifest(f)
}
