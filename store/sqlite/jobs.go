package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
)

const jobCols = `id, order_id, doc, template, version, copy, printer, data, media_length, state, seq, owner,
	attempts, print_count, reprint, reprint_reason, rerender, hash, revision, created_at, updated_at, sent_at,
	printed_at, last_error`

// insertJobQ inserts a job, every column given.
const insertJobQ = `INSERT INTO jobs (` + jobCols + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`

type scanner interface{ Scan(dest ...any) error }

func (s *Store) scanJob(r scanner) (printer.Job, error) {
	var j printer.Job
	var doc, state string
	var reprint, rerender int64
	var created, updated, sent, printed int64
	err := r.Scan(&j.ID, &j.Key.Order, &doc, &j.Key.Template, &j.Key.Version, &j.Key.Copy, &j.Printer, &j.Data,
		&j.MediaLength, &state, &j.Seq, &j.Owner, &j.Attempts, &j.PrintCount, &reprint, &j.ReprintReason, &rerender,
		&j.Hash, &j.Revision, &created, &updated, &sent, &printed, &j.LastError)
	if err != nil {
		return j, err
	}
	if len(j.Data) == 0 {
		j.Data = nil
	}
	j.Key.Doc, j.State = printer.DocKind(doc), printer.JobState(state)
	j.Reprint, j.Rerender = reprint != 0, rerender != 0
	j.CreatedAt, j.UpdatedAt, j.SentAt, j.PrintedAt = decTime(created), decTime(updated), decTime(sent), decTime(printed)
	return j, s.unsealJob(&j)
}

// blob is what the data column stores: NULL for a job without bytes.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// jobTimes encodes the times of j.
func jobTimes(j *printer.Job) (created, updated, sent, printed int64, err error) {
	var te timeEnc
	created, updated, sent, printed = te.t(j.CreatedAt), te.t(j.UpdatedAt), te.t(j.SentAt), te.t(j.PrintedAt)
	if te.err != nil {
		err = fmt.Errorf("sqlite: job %s: %w", j.Key, te.err)
	}
	return
}

func nextJobSeq(w *wconn) (int64, error) {
	var seq int64
	err := w.queryRow(`SELECT coalesce(max(seq), 0) FROM jobs`, nil, &seq)
	return seq, err
}

func jobExists(w *wconn, id string) (bool, error) {
	var one int
	err := w.queryRow(`SELECT 1 FROM jobs WHERE id = ?`, []any{id}, &one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// AddJob implements [printer.JobStore].
func (s *Store) AddJob(ctx context.Context, j printer.Job) (printer.Job, error) {
	out, err := s.AddJobs(ctx, []printer.Job{j})
	if len(out) == 0 {
		return printer.Job{}, err
	}
	return out[0], err
}

// AddJobs implements [printer.JobStore].
func (s *Store) AddJobs(ctx context.Context, in []printer.Job) ([]printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, nil
	}
	for i := range in {
		if _, _, _, _, err := jobTimes(&in[i]); err != nil {
			return nil, err
		}
	}
	var out, dup []printer.Job
	err := s.write(ctx, func(w *wconn) error {
		var err error
		out, dup, err = s.addJobsIn(w, in)
		return err
	})
	if dup != nil && errors.Is(err, printer.ErrDuplicate) {
		return dup, err
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddJobsUpdating updates the orders and adds the jobs in one atomic step: see
// [github.com/dadanhq/dadan.OrderJobStore]. Each fn runs first before the write,
// on the order as a read found it, so that decoding, fn and encoding are not
// the writer goroutine's work; if the order changed before the transaction
// stores the result (or fn failed), fn runs again inside the write transaction.
// fns must not call the store.
func (s *Store) AddJobsUpdating(ctx context.Context, in []printer.Job, updates []order.Update) ([]printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i := range in {
		if _, _, _, _, err := jobTimes(&in[i]); err != nil {
			return nil, err
		}
	}
	var out, dup []printer.Job
	pre := s.prepareUpdates(ctx, updates)
	err := s.write(ctx, func(w *wconn) error {
		out, dup = nil, nil
		for i, u := range updates {
			if pre != nil && pre[i] != nil {
				done, err := s.applyPrepared(w, pre[i])
				if err != nil {
					return err
				}
				if done {
					continue
				}
			}
			if err := s.updateOrderIn(w, u); err != nil {
				return err
			}
		}
		if len(in) == 0 {
			return nil
		}
		var err error
		out, dup, err = s.addJobsIn(w, in)
		return err
	})
	if dup != nil && errors.Is(err, printer.ErrDuplicate) {
		return dup, err
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// addJobsIn is AddJobs' work in the writer's transaction: the jobs stored, or
// the existing jobs for the taken keys and an error wrapping
// [printer.ErrDuplicate].
func (s *Store) addJobsIn(w *wconn, in []printer.Job) (out, dup []printer.Job, err error) {
	err = func() error {
		if ok, err := s.addJobsFast(w, in, &out); ok || err != nil {
			return err
		}
		keys := make(map[printer.JobKey]bool, len(in))
		ids := make(map[string]bool, len(in))
		for _, j := range in {
			k := j.Key
			old, err := s.scanJob(rowOf(w, `SELECT `+jobCols+` FROM jobs WHERE order_id = ? AND doc = ? AND template = ? AND version = ? AND copy = ?`,
				k.Order, string(k.Doc), k.Template, k.Version, k.Copy))
			switch {
			case err == nil:
				dup = append(dup, old)
			case !errors.Is(err, sql.ErrNoRows):
				return err
			case keys[k]:
				return fmt.Errorf("sqlite: key %s twice in one batch: %w", k, printer.ErrInvalidJob)
			}
			keys[k] = true
			if j.ID != "" {
				taken, err := jobExists(w, j.ID)
				if err != nil {
					return err
				}
				if taken || ids[j.ID] {
					return fmt.Errorf("sqlite: job ID %q already in use: %w", j.ID, printer.ErrInvalidJob)
				}
				ids[j.ID] = true
			}
		}
		if dup != nil {
			return fmt.Errorf("sqlite: job %s for %s: %w", dup[0].ID, dup[0].Key, printer.ErrDuplicate)
		}
		seq, err := nextJobSeq(w)
		if err != nil {
			return err
		}
		out = make([]printer.Job, len(in))
		for i, j := range in {
			seq++
			if j.ID == "" {
				j.ID = "J" + strconv.FormatInt(seq, 10)
				for ids[j.ID] { // taken by a caller-chosen ID in this batch
					seq++
					j.ID = "J" + strconv.FormatInt(seq, 10)
				}
				for {
					taken, err := jobExists(w, j.ID)
					if err != nil {
						return err
					}
					if !taken {
						break
					}
					seq++
					j.ID = "J" + strconv.FormatInt(seq, 10)
				}
			}
			j.Seq, j.State = seq, printer.Queued
			plain := j.Data
			j.Data = s.seal(adJob, j.ID, j.Data)
			if err := insertJob(w, &j); err != nil {
				return err
			}
			j.Data = bytes.Clone(plain)
			out[i] = j
		}
		return nil
	}()
	return out, dup, err
}

// addJobsFast inserts in, with IDs and sequence numbers as AddJobs gives them,
// one statement a job, when no ID or key is taken, which is what a station queuing
// new orders meets. If one is taken it deletes what it inserted and reports
// false: AddJobs then looks at each job to say which.
func (s *Store) addJobsFast(w *wconn, in []printer.Job, out *[]printer.Job) (bool, error) {
	seq, err := nextJobSeq(w)
	if err != nil {
		return false, err
	}
	res := make([]printer.Job, len(in))
	for i, j := range in {
		seq++
		if j.ID == "" {
			j.ID = "J" + strconv.FormatInt(seq, 10)
		}
		j.Seq, j.State = seq, printer.Queued
		plain := j.Data
		j.Data = s.seal(adJob, j.ID, plain)
		n, err := insertJobIf(w, &j)
		if err != nil {
			return false, err
		}
		j.Data = plain
		if n != 1 {
			for _, d := range res[:i] {
				if _, err := w.exec(`DELETE FROM jobs WHERE id = ?`, d.ID); err != nil {
					return false, err
				}
			}
			return false, nil
		}
		j.Data = bytes.Clone(j.Data)
		res[i] = j
	}
	*out = res
	return true, nil
}

// insertJobIf inserts j unless its ID, key or sequence number is taken; it
// returns how many rows it inserted.
func insertJobIf(w *wconn, j *printer.Job) (int64, error) {
	created, updated, sent, printed, err := jobTimes(j)
	if err != nil {
		return 0, err
	}
	r, err := w.exec(insertJobQ+` ON CONFLICT DO NOTHING`,
		j.ID, j.Key.Order, string(j.Key.Doc), j.Key.Template, j.Key.Version, j.Key.Copy, j.Printer, blob(j.Data),
		j.MediaLength, string(j.State), j.Seq, j.Owner, j.Attempts, j.PrintCount, b2i(j.Reprint), j.ReprintReason,
		b2i(j.Rerender), j.Hash, j.Revision, created, updated, sent, printed, j.LastError)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func insertJob(w *wconn, j *printer.Job) error {
	created, updated, sent, printed, err := jobTimes(j)
	if err != nil {
		return err
	}
	_, err = w.exec(insertJobQ,
		j.ID, j.Key.Order, string(j.Key.Doc), j.Key.Template, j.Key.Version, j.Key.Copy, j.Printer, blob(j.Data),
		j.MediaLength, string(j.State), j.Seq, j.Owner, j.Attempts, j.PrintCount, b2i(j.Reprint), j.ReprintReason,
		b2i(j.Rerender), j.Hash, j.Revision, created, updated, sent, printed, j.LastError)
	return err
}

// updateJob writes every field of j but its ID, key and CreatedAt; the bytes only
// when withData.
func updateJob(w *wconn, j *printer.Job, withData bool) error {
	_, err := updateJobIf(w, j, withData, "")
	return err
}

// keepPlace is the update of a job that keeps its printer and sequence number,
// what a send's outcome is: SQLite rewrites the entries of every index on a
// column the statement sets, changed or not, so these two are left out.
const keepPlace = `UPDATE jobs SET media_length = ?, state = ?, owner = ?, attempts = ?, print_count = ?,
	reprint = ?, reprint_reason = ?, rerender = ?, hash = ?, revision = ?, updated_at = ?, sent_at = ?,
	printed_at = ?, last_error = ?, data = ? WHERE id = ? AND state = ? AND printer = ? AND seq = ?`

// updateJobIf is updateJob for a job whose stored state is from (any state when
// from is empty); it returns how many rows it changed.
func updateJobIf(w *wconn, j *printer.Job, withData bool, from printer.JobState) (int64, error) {
	_, updated, sent, printed, err := jobTimes(j)
	if err != nil {
		return 0, err
	}
	if withData && from != "" {
		res, err := w.exec(keepPlace, j.MediaLength, string(j.State), j.Owner, j.Attempts, j.PrintCount,
			b2i(j.Reprint), j.ReprintReason, b2i(j.Rerender), j.Hash, j.Revision, updated, sent, printed, j.LastError,
			blob(j.Data), j.ID, string(from), j.Printer, j.Seq)
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return n, err
		}
		// Another printer or place, or not in state from: the whole update
		// tells which.
	}
	args := []any{j.Printer, j.MediaLength, string(j.State), j.Seq, j.Owner, j.Attempts, j.PrintCount,
		b2i(j.Reprint), j.ReprintReason, b2i(j.Rerender), j.Hash, j.Revision, updated, sent, printed, j.LastError}
	q := `UPDATE jobs SET printer = ?, media_length = ?, state = ?, seq = ?, owner = ?, attempts = ?, print_count = ?,
		reprint = ?, reprint_reason = ?, rerender = ?, hash = ?, revision = ?, updated_at = ?, sent_at = ?,
		printed_at = ?, last_error = ?`
	if withData {
		q += `, data = ?`
		args = append(args, blob(j.Data))
	}
	args = append(args, j.ID)
	q += ` WHERE id = ?`
	if from != "" {
		q += ` AND state = ?`
		args = append(args, string(from))
	}
	res, err := w.exec(q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ClaimJob implements [printer.JobStore]. The lease is [Options.Lease].
func (s *Store) ClaimJob(ctx context.Context, printerName, owner string, now time.Time) (printer.Job, error) {
	var te timeEnc
	te.t(now)
	if te.err != nil {
		return printer.Job{}, te.err
	}
	if idle, err := s.nothingToClaim(ctx, printerName, now); err != nil || idle {
		if err == nil {
			err = printer.ErrNoJob
		}
		return printer.Job{}, err
	}
	var out printer.Job
	err := s.claimWrite(ctx, func(w *wconn) error {
		var err error
		out, err = s.claimIn(w, printerName, owner, now)
		return err
	})
	if err != nil {
		return printer.Job{}, err
	}
	return out, nil
}

// claimHead claims the printer's head queued job in one statement when no job
// of the printer is being sent, the common case; sql.ErrNoRows when it claims
// nothing (a job being sent, perhaps with its lease expired, or none queued).
const claimHead = `UPDATE jobs SET state = 'sending', owner = ?, sent_at = ?, updated_at = ?, attempts = attempts + 1
	WHERE id = (SELECT id FROM jobs WHERE printer = ? AND state = 'queued' ORDER BY seq LIMIT 1)
	AND NOT EXISTS (SELECT 1 FROM jobs WHERE printer = ? AND state = 'sending')
	RETURNING ` + jobCols

// claimIn is ClaimJob inside the writer's transaction.
func (s *Store) claimIn(w *wconn, printerName, owner string, now time.Time) (out printer.Job, err error) {
	at := now.UnixNano()
	j, err := s.scanJob(rowOf(w, claimHead, owner, at, at, printerName, printerName))
	if err == nil {
		j.SentAt, j.UpdatedAt = now, now
		return j, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return out, err
	}
	return s.claimSlow(w, printerName, owner, now)
}

// claimSlow is claimIn when the one statement claimed nothing: it reclaims a
// job whose lease expired, or finds the printer busy or idle.
func (s *Store) claimSlow(w *wconn, printerName, owner string, now time.Time) (out printer.Job, err error) {
	// A job being sent blocks the printer, unless its lease expired. Only
	// its time is read: the bytes may be large.
	rows, err := w.query(`SELECT id, sent_at FROM jobs WHERE printer = ? AND state = 'sending' ORDER BY seq`, printerName)
	if err != nil {
		return out, err
	}
	busy, expired := false, ""
	for rows.Next() {
		var id string
		var sent int64
		if err := rows.Scan(&id, &sent); err != nil {
			rows.Close()
			return out, err
		}
		busy = true
		j := printer.Job{State: printer.Sending, SentAt: decTime(sent)}
		if expired == "" && j.LeaseExpired(s.opts.Lease, now) {
			expired = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	if expired != "" {
		j, err := s.scanJob(rowOf(w, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, expired))
		if err != nil {
			return out, err
		}
		j.Reclaim(owner, now)
		return j, updateJob(w, &j, false)
	}
	if busy {
		return out, printer.ErrNoJob
	}
	j, err := s.scanJob(rowOf(w, `SELECT `+jobCols+` FROM jobs WHERE printer = ? AND state = 'queued' ORDER BY seq LIMIT 1`, printerName))
	if errors.Is(err, sql.ErrNoRows) {
		return out, printer.ErrNoJob
	}
	if err != nil {
		return out, err
	}
	j.State, j.Owner, j.SentAt, j.UpdatedAt = printer.Sending, owner, now, now
	j.Attempts++
	_, err = w.exec(`UPDATE jobs SET state = 'sending', owner = ?, sent_at = ?, updated_at = ?, attempts = ? WHERE id = ?`,
		owner, now.UnixNano(), now.UnixNano(), j.Attempts, j.ID)
	return j, err
}

// nothingToClaim reports, from the reading pool, that the printer has no job to
// claim: nothing queued, or a job being sent whose lease holds. Spoolers poll idle
// printers; this answers them without a write transaction. The writer checks
// again, so a job queued meanwhile is only found by the next poll.
func (s *Store) nothingToClaim(ctx context.Context, printerName string, now time.Time) (bool, error) {
	var oldest sql.NullInt64 // the claim of the longest-sending job
	var queued bool
	err := s.readRow(ctx, `SELECT (SELECT min(sent_at) FROM jobs WHERE printer = ? AND state = 'sending'),
		EXISTS (SELECT 1 FROM jobs WHERE printer = ? AND state = 'queued')`, []any{printerName, printerName}, &oldest, &queued)
	if err != nil {
		return false, err
	}
	if oldest.Valid {
		j := printer.Job{State: printer.Sending, SentAt: decTime(oldest.Int64)}
		return !j.LeaseExpired(s.opts.Lease, now), nil
	}
	return !queued, nil
}

// compareAbove is the size from which UpdateJob compares the bytes with the
// stored ones before writing them: rewriting a large unchanged blob costs more
// than reading it.
const compareAbove = 16 << 10

// UpdateJob implements [printer.JobStore].
func (s *Store) UpdateJob(ctx context.Context, j printer.Job, from printer.JobState) error {
	if _, _, _, _, err := jobTimes(&j); err != nil {
		return err
	}
	j.Data = s.seal(adJob, j.ID, j.Data)
	return s.write(ctx, func(w *wconn) error { return updateIn(w, j, from) })
}

// FinishAndClaim implements [printer.Handoff]: UpdateJob and ClaimJob in one
// transaction.
func (s *Store) FinishAndClaim(ctx context.Context, done printer.Job, from printer.JobState, printerName, owner string, now time.Time) (printer.Job, error) {
	if _, _, _, _, err := jobTimes(&done); err != nil {
		return printer.Job{}, err
	}
	var te timeEnc
	te.t(now)
	if te.err != nil {
		return printer.Job{}, te.err
	}
	done.Data = s.seal(adJob, done.ID, done.Data)
	var out printer.Job
	var none bool
	err := s.claimWrite(ctx, func(w *wconn) error {
		if err := updateIn(w, done, from); err != nil {
			return err
		}
		var err error
		out, err = s.claimIn(w, printerName, owner, now)
		if errors.Is(err, printer.ErrNoJob) {
			none = true // the update stands
			return nil
		}
		return err
	})
	switch {
	case err != nil:
		return printer.Job{}, err
	case none:
		return printer.Job{}, printer.ErrNoJob
	}
	return out, nil
}

var _ printer.BatchClaimer = (*Store)(nil)

// checkTimes reports a time of done, or now, that the store cannot encode.
func checkTimes(done []printer.Job, now time.Time) error {
	for i := range done {
		if _, _, _, _, err := jobTimes(&done[i]); err != nil {
			return err
		}
	}
	var te timeEnc
	te.t(now)
	return te.err
}

// ClaimJobs implements [printer.BatchClaimer]. The lease is [Options.Lease].
func (s *Store) ClaimJobs(ctx context.Context, done []printer.Job, from printer.JobState, printerName, owner string, now time.Time, max int) ([]printer.Job, error) {
	if err := checkTimes(done, now); err != nil {
		return nil, err
	}
	if len(done) == 0 {
		if idle, err := s.nothingToClaim(ctx, printerName, now); err != nil || idle {
			if err == nil {
				err = printer.ErrNoJob
			}
			return nil, err
		}
	}
	var out []printer.Job
	var none bool
	done = s.sealJobs(done)
	err := s.claimWrite(ctx, func(w *wconn) error {
		out, none = nil, false
		if err := updateAllIn(w, done, from); err != nil {
			return err
		}
		var err error
		out, err = s.claimManyIn(w, printerName, owner, now, max)
		if len(done) > 0 && errors.Is(err, printer.ErrNoJob) {
			none = true // the updates stand
			return nil
		}
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case none:
		return nil, printer.ErrNoJob
	}
	return out, nil
}

var _ printer.AheadClaimer = (*Store)(nil)

// ClaimAhead implements [printer.AheadClaimer]. The lease is [Options.Lease].
func (s *Store) ClaimAhead(ctx context.Context, done []printer.Job, held []string, from printer.JobState, printerName, owner string, now time.Time, max int) ([]printer.Job, error) {
	if err := checkTimes(done, now); err != nil {
		return nil, err
	}
	if max < 1 {
		max = 1
	}
	at := now.UnixNano()
	var out []printer.Job
	done = s.sealJobs(done)
	err := s.claimWrite(ctx, func(w *wconn) error {
		out = nil
		if err := updateAllIn(w, done, from); err != nil {
			return err
		}
		if others, err := sendingBesides(w, printerName, owner, held); err != nil || others {
			return err // others: the updates stand
		}
		var err error
		out, err = s.claimQueued(w, printerName, owner, now, at, max)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, printer.ErrNoJob
	}
	return out, nil
}

// sendingOf reads the jobs a printer is being sent and their owners.
const sendingOf = `SELECT id, owner FROM jobs WHERE printer = ? AND state = 'sending'`

// sendingBesides reports whether the printer has a job being sent other than
// held, the jobs owner holds.
func sendingBesides(w *wconn, printerName, owner string, held []string) (bool, error) {
	rows, err := w.query(sendingOf, printerName)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	mine := make(map[string]bool, len(held))
	for _, id := range held {
		mine[id] = true
	}
	for rows.Next() {
		var id, by string
		if err := rows.Scan(&id, &by); err != nil {
			return false, err
		}
		if by != owner || !mine[id] {
			return true, nil
		}
	}
	return false, rows.Err()
}

// queuedHead reads a printer's first queued jobs; claimThrough claims its queued
// jobs up to a sequence number.
const (
	queuedHead   = `SELECT ` + jobCols + ` FROM jobs WHERE printer = ? AND state = 'queued' ORDER BY seq LIMIT ?`
	claimThrough = `UPDATE jobs SET state = 'sending', owner = ?, sent_at = ?, updated_at = ?, attempts = attempts + 1
	WHERE printer = ? AND state = 'queued' AND seq <= ?`
)

// claimQueued claims the printer's first max queued jobs, in queue order: they
// are read, then claimed in one statement over their range of the queue index
// (nothing else in the transaction queues jobs for the printer in between).
func (s *Store) claimQueued(w *wconn, printerName, owner string, now time.Time, at int64, max int) ([]printer.Job, error) {
	rows, err := w.query(queuedHead, printerName, max)
	if err != nil {
		return nil, err
	}
	out, err := s.scanJobs(rows)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	res, err := w.exec(claimThrough, owner, at, at, printerName, out[len(out)-1].Seq)
	if err != nil {
		return nil, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	if n != int64(len(out)) {
		return nil, fmt.Errorf("sqlite: claimed %d queued jobs of %s, read %d", n, printerName, len(out))
	}
	for i := range out {
		j := &out[i]
		j.State, j.Owner, j.Attempts, j.SentAt, j.UpdatedAt = printer.Sending, owner, j.Attempts+1, now, now
	}
	return out, nil
}

// UpdateJobs implements [printer.BatchClaimer].
func (s *Store) UpdateJobs(ctx context.Context, js []printer.Job, from printer.JobState) error {
	for i := range js {
		if _, _, _, _, err := jobTimes(&js[i]); err != nil {
			return err
		}
	}
	js = s.sealJobs(js)
	return s.write(ctx, func(w *wconn) error { return updateAllIn(w, js, from) })
}

// claimManyIn is ClaimJobs inside the writer's transaction.
func (s *Store) claimManyIn(w *wconn, printerName, owner string, now time.Time, max int) ([]printer.Job, error) {
	at := now.UnixNano()
	first, err := s.scanJob(rowOf(w, claimHead, owner, at, at, printerName, printerName))
	if errors.Is(err, sql.ErrNoRows) {
		// A job being sent, perhaps with its lease expired, or none queued.
		j, err := s.claimSlow(w, printerName, owner, now)
		if err != nil {
			return nil, err
		}
		return []printer.Job{j}, nil
	}
	if err != nil {
		return nil, err
	}
	out := []printer.Job{first}
	if max > 1 {
		rest, err := s.claimQueued(w, printerName, owner, now, at, max-1)
		if err != nil {
			return nil, err
		}
		out = append(out, rest...)
	}
	for i := range out {
		out[i].SentAt, out[i].UpdatedAt = now, now
	}
	return out, nil
}

// updateAllIn does updateIn for each job, stopping at the first error.
func updateAllIn(w *wconn, js []printer.Job, from printer.JobState) error {
	for _, j := range js {
		if err := updateIn(w, j, from); err != nil {
			return err
		}
	}
	return nil
}

// updateIn is UpdateJob inside the writer's transaction.
func updateIn(w *wconn, j printer.Job, from printer.JobState) error {
	if len(j.Data) == 0 && j.Seq != 0 {
		// The common case, a send's outcome: one statement, the bytes dropped.
		n, err := updateJobIf(w, &j, true, from)
		if err != nil || n == 1 {
			return err
		}
		var state string
		err = w.queryRow(`SELECT state FROM jobs WHERE id = ?`, []any{j.ID}, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlite: job %q: %w", j.ID, printer.ErrNoJob)
		}
		if err != nil {
			return err
		}
		return &printer.JobStateError{ID: j.ID, Got: printer.JobState(state), Want: from}
	}
	var state string
	var size int
	err := w.queryRow(`SELECT state, coalesce(length(data), 0) FROM jobs WHERE id = ?`, []any{j.ID}, &state, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: job %q: %w", j.ID, printer.ErrNoJob)
	}
	if err != nil {
		return err
	}
	if printer.JobState(state) != from {
		return &printer.JobStateError{ID: j.ID, Got: printer.JobState(state), Want: from}
	}
	withData := true
	if size == len(j.Data) && size > compareAbove {
		var old []byte
		if err := w.queryRow(`SELECT data FROM jobs WHERE id = ?`, []any{j.ID}, &old); err != nil {
			return err
		}
		withData = !bytes.Equal(old, j.Data)
	} else if size == 0 && len(j.Data) == 0 {
		withData = false
	}
	if j.Seq == 0 {
		seq, err := nextJobSeq(w)
		if err != nil {
			return err
		}
		j.Seq = seq + 1
	}
	return updateJob(w, &j, withData)
}

// Job implements [printer.JobStore].
func (s *Store) Job(ctx context.Context, id string) (printer.Job, error) {
	if err := s.readable(ctx); err != nil {
		return printer.Job{}, err
	}
	st, err := s.read(`SELECT ` + jobCols + ` FROM jobs WHERE id = ?`)
	if err != nil {
		return printer.Job{}, err
	}
	j, err := s.scanJob(st.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return printer.Job{}, fmt.Errorf("sqlite: job %q: %w", id, printer.ErrNoJob)
	}
	return j, mapErr(err)
}

// knownState reports whether st is one of the job states, whose names hold no
// quote and may be written into a query.
func knownState(st printer.JobState) bool {
	switch st {
	case printer.Queued, printer.Sending, printer.Printed, printer.Sent, printer.Unconfirmed, printer.Failed, printer.Cancelled:
		return true
	}
	return false
}

// Jobs implements [printer.JobStore].
func (s *Store) Jobs(ctx context.Context, f printer.JobFilter) ([]printer.Job, error) {
	q, args := jobsQuery(f)
	rows, err := s.readRows(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	out, err := s.scanJobs(rows)
	return out, mapErr(err)
}

// jobRows are the rows of a query of jobCols, from the writer or a reader.
type jobRows interface {
	scanner
	Next() bool
	Err() error
	Close() error
}

// scanJobs reads and closes rows.
func (s *Store) scanJobs(rows jobRows) ([]printer.Job, error) {
	defer rows.Close()
	var out []printer.Job
	for rows.Next() {
		j, err := s.scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// jobsQuery is the query of Jobs for f, and its arguments.
func jobsQuery(f printer.JobFilter) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString(`SELECT ` + jobCols + ` FROM jobs WHERE seq > ?`)
	args = append(args, f.AfterSeq)
	if f.Printer != "" {
		b.WriteString(` AND printer = ?`)
		args = append(args, f.Printer)
	}
	if f.Order != "" {
		b.WriteString(` AND order_id = ?`)
		args = append(args, f.Order)
	}
	if f.Owner != "" {
		b.WriteString(` AND owner = ?`)
		args = append(args, f.Owner)
	}
	if len(f.States) > 0 {
		// The states are written out, not bound: a query for the jobs being
		// sent or queued can then use the partial indexes on those states
		// (with one state as "state = ", which SQLite matches to them).
		if len(f.States) == 1 && knownState(f.States[0]) {
			b.WriteString(` AND state = '` + string(f.States[0]) + `'`)
		} else {
			b.WriteString(` AND state IN (`)
			for i, st := range f.States {
				if i > 0 {
					b.WriteString(`, `)
				}
				if knownState(st) {
					b.WriteString(`'` + string(st) + `'`)
					continue
				}
				b.WriteString(`?`)
				args = append(args, string(st))
			}
			b.WriteString(`)`)
		}
	}
	b.WriteString(` ORDER BY seq`)
	if f.Limit > 0 {
		b.WriteString(` LIMIT ?`)
		args = append(args, f.Limit)
	}
	return b.String(), args
}
