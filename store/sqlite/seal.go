package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	sqlite "modernc.org/sqlite"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/seal"
)

// The columns that hold a recipient's name, phone or address, sealed when the
// store has keys ([Options.Keys]), named as package seal names them for
// [seal.AD].
const (
	adOrder    = seal.OrderBody
	adWaybill  = seal.OrderWaybill
	adJob      = seal.JobData
	adShipment = seal.ShipmentBody
	adProblem  = seal.ProblemBody
	adTracking = seal.TrackingText
	adQA       = seal.InspectionBody
)

// sealedCol is a sealed column, for Rekey: pk orders the walk, bind is the SQL
// of the row's binding; also is what else a rewrite of the value sets, then a
// statement run with the row's pk after it.
type sealedCol struct {
	ad, table, col, pk, bind, also, then string
}

// A rewrite of an order's sealed value raises the order's version, so that an
// update worked out from the order before is worked out again.
const (
	bumpVer   = `, ver = ver + 1`
	bumpState = `UPDATE order_state SET ver = ver + 1 WHERE oid = ?`
)

var sealedCols = []sealedCol{
	{adOrder, "orders", "body", "oid", "id", "", bumpState},
	{adWaybill, "order_state", "waybill", "oid", "id", bumpVer, ""},
	{adJob, "jobs", "data", "id", "id", "", ""},
	{adShipment, "shipments", "body", "tracking_no", "tracking_no", "", ""},
	{adProblem, "problems", "body", "n", "CAST(n AS TEXT)", "", ""},
	{adTracking, "tracking_events", "text", "n", "key", "", ""},
	{adQA, "qa_inspections", "body", "seq", "CAST(seq AS TEXT)", "", ""},
}

// seal returns v sealed for its place; v itself without keys. An empty value
// (a job without bytes, an event without text) stays empty.
func (s *Store) seal(ad, row string, v []byte) []byte {
	if s.opts.Keys == nil || len(v) == 0 {
		return v
	}
	return s.opts.Keys.Seal(nil, v, seal.AD(ad, row))
}

// sealText is seal for a TEXT column: the string itself without keys.
func (s *Store) sealText(ad, row, v string) any {
	if s.opts.Keys == nil || v == "" {
		return v
	}
	return s.opts.Keys.Seal(nil, []byte(v), seal.AD(ad, row))
}

// unseal returns the plaintext of a stored value; plaintext as it is.
func (s *Store) unseal(ad, row string, v []byte) ([]byte, error) {
	if !seal.Sealed(v) {
		return v, nil
	}
	p, err := s.opts.Keys.Open(nil, v, seal.AD(ad, row))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s of %s: %w", ad, row, err)
	}
	return p, nil
}

func (s *Store) unsealJob(j *printer.Job) error {
	d, err := s.unseal(adJob, j.ID, j.Data)
	j.Data = d
	return err
}

func rowN(n int64) string { return strconv.FormatInt(n, 10) }

// checkSeal compares the database's seal state with the keys: a sealed
// database needs keys, and one never sealed is sealed now.
func (s *Store) checkSeal(ctx context.Context) error {
	var key string
	var dirty int64
	err := s.readRow(ctx, `SELECT key, dirty FROM seal_state WHERE id = 1`, nil, &key, &dirty)
	never := errors.Is(err, sql.ErrNoRows)
	switch {
	case err != nil && !never:
		return s.openErr(err)
	case s.opts.Keys == nil && !never:
		return fmt.Errorf("sqlite: open %s: %w (it was sealed with key %q)", s.path, seal.ErrNoKeys, key)
	case s.opts.Keys == nil:
		return nil
	case never || dirty == 1:
		// Never sealed, or a vacuum after sealing is due.
		_, err := s.Rekey(ctx, nil)
		var se *scrubError
		if errors.As(err, &se) {
			// Every value is sealed; only freed pages may still hold plaintext
			// (a full disk cannot take the vacuum's copy). dirty stays set: the
			// next Open, or Rekey, vacuums again.
			s.log.Warn("sqlite: sealed, but the file may still hold plaintext in freed pages", "path", s.path, "err", se.err)
			return nil
		}
		return err
	case !slices.Contains(s.opts.Keys.IDs(), key):
		// Values not re-sealed since could not be opened.
		return fmt.Errorf("sqlite: open %s: the last re-seal used a key the ring lacks: %w", s.path, &seal.UnknownKeyError{ID: key})
	}
	return nil
}

// rekeyBatch is how many values one Rekey transaction re-seals: small, so the
// writes of the station are not held up.
const rekeyBatch = 128

// Rekey seals every value of the sealed columns that is not sealed with the
// active key of [Options.Keys] — plaintext, or sealed with another key of the
// ring — in transactions of a few dozen values, while the store stays in use.
// progress, if not nil, is called after each batch. When it returns, every
// value is sealed with the active key and older keys may be removed from the
// ring, provided every process writing to the database had the new ring before
// Rekey started. A value that cannot be opened (an unknown key, damage) stops
// it with that error; the values done stay done, and running Rekey again goes
// on from there.
//
// If Rekey sealed plaintext, it vacuums the database afterwards, so that no
// plaintext is left in freed pages (that takes the write lock for as long as
// rewriting the file takes, and room on the disk for a copy); it always folds
// the WAL into the database file and truncates it. When that fails, every
// value is sealed all the same and the error says why; the next Rekey (or
// [Open] with keys) vacuums again. [Open] runs Rekey on a database never
// sealed before.
func (s *Store) Rekey(ctx context.Context, progress func(seal.Progress)) (seal.Progress, error) {
	var p seal.Progress
	k := s.opts.Keys
	if k == nil {
		return p, fmt.Errorf("sqlite: rekey: %w", seal.ErrNoKeys)
	}
	for _, c := range sealedCols {
		var n int64
		if err := s.readRow(ctx, `SELECT count(*) FROM `+c.table+` WHERE `+c.col+` IS NOT NULL`, nil, &n); err != nil {
			return p, err
		}
		p.Total += n
	}
	// A vacuum that failed before is due still.
	var dirty int64
	if err := s.readRow(ctx, `SELECT dirty FROM seal_state WHERE id = 1`, nil, &dirty); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	plain := dirty == 1
	for _, c := range sealedCols {
		p.Table = c.table
		// The header of a value is enough to tell its key.
		head := `SELECT ` + c.pk + `, substr(` + c.col + `, 1, ` + strconv.Itoa(seal.Overhead) + `) FROM ` + c.table +
			` WHERE ` + c.col + ` IS NOT NULL`
		order := ` ORDER BY ` + c.pk + ` LIMIT ` + strconv.Itoa(rekeyBatch)
		var last any
		for {
			var rows *sql.Rows
			var err error
			if last == nil {
				rows, err = s.readRows(ctx, head+order)
			} else {
				rows, err = s.readRows(ctx, head+` AND `+c.pk+` > ?`+order, last)
			}
			if err != nil {
				return p, err
			}
			var todo []any
			seen := 0
			for rows.Next() {
				var v []byte
				if err := rows.Scan(&last, &v); err != nil {
					rows.Close()
					return p, mapErr(err)
				}
				seen++
				if len(v) > 0 && !k.Current(v) {
					todo = append(todo, last)
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return p, mapErr(err)
			}
			if len(todo) > 0 {
				var done int64
				var wasPlain bool
				err := s.write(ctx, func(w *wconn) error {
					done, wasPlain = 0, false
					for _, pk := range todo {
						var bind string
						var v []byte
						err := w.queryRow(`SELECT `+c.bind+`, `+c.col+` FROM `+c.table+` WHERE `+c.pk+` = ?`, []any{pk}, &bind, &v)
						if errors.Is(err, sql.ErrNoRows) {
							continue // deleted meanwhile
						}
						if err != nil {
							return err
						}
						if len(v) == 0 || k.Current(v) {
							continue // written meanwhile
						}
						wasPlain = wasPlain || !seal.Sealed(v)
						nv, _, err := k.Reseal(v, seal.AD(c.ad, bind))
						if err != nil {
							return fmt.Errorf("sqlite: rekey %s of %s: %w", c.ad, bind, err)
						}
						if _, err := w.exec(`UPDATE `+c.table+` SET `+c.col+` = ?`+c.also+` WHERE `+c.pk+` = ?`, nv, pk); err != nil {
							return err
						}
						if c.then != "" {
							if _, err := w.exec(c.then, pk); err != nil {
								return err
							}
						}
						done++
					}
					return nil
				})
				if err != nil {
					return p, err
				}
				p.Resealed += done
				plain = plain || wasPlain
			}
			p.Scanned += int64(seen)
			if progress != nil {
				progress(p)
			}
			if seen < rekeyBatch {
				break
			}
		}
	}
	now := time.Now().UnixNano()
	if err := s.write(ctx, func(w *wconn) error {
		_, err := w.exec(`INSERT INTO seal_state (id, key, sealed_at, dirty) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET key = excluded.key, sealed_at = excluded.sealed_at, dirty = excluded.dirty`,
			k.Active(), now, b2i(plain))
		return err
	}); err != nil {
		return p, err
	}
	if err := s.scrub(ctx, plain); err != nil {
		return p, &scrubError{err}
	}
	if plain {
		return p, s.write(ctx, func(w *wconn) error {
			_, err := w.exec(`UPDATE seal_state SET dirty = 0 WHERE id = 1`)
			return err
		})
	}
	return p, nil
}

// scrubError is a Rekey that sealed every value but could not rewrite the
// file or truncate the WAL afterwards.
type scrubError struct{ err error }

func (e *scrubError) Error() string { return e.err.Error() }
func (e *scrubError) Unwrap() error { return e.err }

// scrub rewrites the database file when it held plaintext (VACUUM leaves no
// freed page behind), then checkpoints the WAL and truncates it, on a
// connection of its own.
func (s *Store) scrub(ctx context.Context, vacuum bool) error {
	dc, err := (&sqlite.Driver{}).Open(s.dsn(false))
	if err != nil {
		return mapErr(err)
	}
	c := newWconn(dc)
	defer c.close()
	if vacuum {
		if err := c.execRaw("VACUUM"); err != nil {
			return fmt.Errorf("sqlite: vacuum after sealing: %w", mapErr(err))
		}
	}
	var busy, frames, done int64
	if err := c.queryRow("PRAGMA wal_checkpoint(TRUNCATE)", nil, &busy, &frames, &done); err != nil {
		return fmt.Errorf("sqlite: checkpoint after sealing: %w", mapErr(err))
	}
	if busy != 0 && vacuum { // after a rotation the WAL holds ciphertext only: truncating it is a courtesy
		return fmt.Errorf("sqlite: checkpoint after sealing: %w: another connection kept the WAL in use", ErrBusy)
	}
	return ctx.Err()
}

// sealJobs returns js with their bytes sealed, in a new slice (js is the
// caller's): the jobs a batch writes.
func (s *Store) sealJobs(js []printer.Job) []printer.Job {
	if s.opts.Keys == nil || len(js) == 0 {
		return js
	}
	out := make([]printer.Job, len(js))
	for i, j := range js {
		j.Data = s.seal(adJob, j.ID, j.Data)
		out[i] = j
	}
	return out
}
