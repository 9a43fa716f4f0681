package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/seal"
)

// The columns that hold a recipient's name, phone or address, sealed when the
// store has keys ([Options.Keys]), named as package seal names them for
// [seal.AD].
const (
	adOrder    = seal.OrderBody
	adJob      = seal.JobData
	adShipment = seal.ShipmentBody
	adProblem  = seal.ProblemBody
	adTracking = seal.TrackingText
	adQA       = seal.InspectionBody
)

// sealedCol is a sealed column, for Rekey: pk orders the walk, bind is the SQL
// of the row's binding.
type sealedCol struct {
	ad, table, col, pk, bind string
}

var sealedCols = []sealedCol{
	{adOrder, "orders", "data", "id", "id"},
	{adJob, "jobs", "data", "id", "id"},
	{adShipment, "shipments", "body", "tracking_no", "tracking_no"},
	{adProblem, "problems", "body", "n", "n::text"},
	{adTracking, "tracking_events", "text", "n", "key"},
	{adQA, "qa_inspections", "body", "seq", "seq::text"},
}

// seal returns v sealed for its place; v itself without keys. An empty value
// (a job without bytes, an event without text) stays empty.
func (s *Store) seal(ad, row string, v []byte) []byte {
	if s.keys == nil || len(v) == 0 {
		return v
	}
	return s.keys.Seal(nil, v, seal.AD(ad, row))
}

// unseal returns the plaintext of a stored value; plaintext as it is.
func (s *Store) unseal(ad, row string, v []byte) ([]byte, error) {
	if !seal.Sealed(v) {
		return v, nil
	}
	p, err := s.keys.Open(nil, v, seal.AD(ad, row))
	if err != nil {
		return nil, fmt.Errorf("postgres: %s of %s: %w", ad, row, err)
	}
	return p, nil
}

func (s *Store) unsealJob(j *printer.Job) error {
	d, err := s.unseal(adJob, j.ID, j.Data)
	if len(d) == 0 {
		d = nil
	}
	j.Data = d
	return err
}

func (s *Store) unsealJobs(js []printer.Job) error {
	for i := range js {
		if err := s.unsealJob(&js[i]); err != nil {
			return err
		}
	}
	return nil
}

func rowN(n int64) string { return strconv.FormatInt(n, 10) }

// checkSeal compares the schema's seal state with the keys: a sealed schema
// needs keys, and one never sealed is sealed now.
func (s *Store) checkSeal(ctx context.Context) error {
	var key string
	err := s.read(ctx, "seal state", func() error {
		return s.pool.QueryRow(ctx, `SELECT key FROM seal_state WHERE id = 1`).Scan(&key)
	})
	never := errors.Is(err, pgx.ErrNoRows)
	switch {
	case err != nil && !never:
		return err
	case s.keys == nil && !never:
		return fmt.Errorf("postgres: schema %s: %w (it was sealed with key %q)", s.schema, seal.ErrNoKeys, key)
	case s.keys == nil:
		return nil
	case never:
		_, err := s.Rekey(ctx, nil)
		return err
	case !slices.Contains(s.keys.IDs(), key):
		return fmt.Errorf("postgres: schema %s: the last re-seal used a key the ring lacks: %w", s.schema, &seal.UnknownKeyError{ID: key})
	}
	return nil
}

// rekeyBatch is how many values one Rekey transaction re-seals: small, so
// rows are locked briefly.
const rekeyBatch = 128

// Rekey seals every value of the sealed columns that is not sealed with the
// active key of [Options.Keys] — plaintext, or sealed with another key of the
// ring — in transactions of a few dozen rows, each row locked (FOR UPDATE) and
// read again before it is re-sealed, while this and other stations keep
// working. progress, if not nil, is called after each batch. When it
// returns, every value is sealed with the active key and older keys may be
// removed from the ring, provided every station had the new ring before Rekey
// started. A value that cannot be opened (an unknown key, damage) stops it
// with that error; the values done stay done, and running Rekey again goes on
// from there. [Open] runs Rekey on a schema never sealed before.
//
// Rekey changes rows; it does not rewrite PostgreSQL's files: old row
// versions stay in the table files until VACUUM reuses their space, and in
// the WAL and its archives (see the package documentation).
func (s *Store) Rekey(ctx context.Context, progress func(seal.Progress)) (seal.Progress, error) {
	var p seal.Progress
	k := s.keys
	if k == nil {
		return p, fmt.Errorf("postgres: rekey: %w", seal.ErrNoKeys)
	}
	for _, c := range sealedCols {
		var n int64
		if err := s.read(ctx, "rekey", func() error {
			return s.pool.QueryRow(ctx, `SELECT count(*) FROM `+c.table).Scan(&n)
		}); err != nil {
			return p, err
		}
		p.Total += n
	}
	for _, c := range sealedCols {
		p.Table = c.table
		head := `SELECT ` + c.pk + `, substring(` + c.col + ` from 1 for ` + strconv.Itoa(seal.Overhead) + `) FROM ` + c.table
		order := ` ORDER BY ` + c.pk + ` LIMIT ` + strconv.Itoa(rekeyBatch)
		var last any
		for {
			var todo []any
			seen := 0
			err := s.read(ctx, "rekey", func() error {
				todo, seen = todo[:0], 0
				var rows pgx.Rows
				var err error
				if last == nil {
					rows, err = s.pool.Query(ctx, head+order)
				} else {
					rows, err = s.pool.Query(ctx, head+` WHERE `+c.pk+` > $1`+order, last)
				}
				if err != nil {
					return err
				}
				var pk any
				var v []byte
				_, err = pgx.ForEachRow(rows, []any{&pk, &v}, func() error {
					seen++
					last = pk
					if len(v) > 0 && !k.Current(v) {
						todo = append(todo, pk)
					}
					return nil
				})
				return err
			})
			if err != nil {
				return p, err
			}
			if len(todo) > 0 {
				var done int64
				err := s.tx(ctx, "rekey", func(tx pgx.Tx) error {
					done = 0
					for _, pk := range todo {
						var bind string
						var v []byte
						err := tx.QueryRow(ctx, `SELECT `+c.bind+`, `+c.col+` FROM `+c.table+` WHERE `+c.pk+` = $1 FOR UPDATE`, pk).Scan(&bind, &v)
						if errors.Is(err, pgx.ErrNoRows) {
							continue // deleted meanwhile
						}
						if err != nil {
							return err
						}
						if len(v) == 0 || k.Current(v) {
							continue // written meanwhile
						}
						nv, _, err := k.Reseal(v, seal.AD(c.ad, bind))
						if err != nil {
							return fmt.Errorf("postgres: rekey %s of %s: %w", c.ad, bind, err)
						}
						if _, err := tx.Exec(ctx, `UPDATE `+c.table+` SET `+c.col+` = $2 WHERE `+c.pk+` = $1`, pk, nv); err != nil {
							return err
						}
						done++
					}
					return nil
				})
				if err != nil {
					return p, err
				}
				p.Resealed += done
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
	_, err := s.exec(ctx, "rekey", `INSERT INTO seal_state (id, key, sealed_at) VALUES (1, $1, $2)
		ON CONFLICT (id) DO UPDATE SET key = excluded.key, sealed_at = excluded.sealed_at`, k.Active(), time.Now())
	return p, err
}
