package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
)

const jobCols = `id, key_order, key_doc, key_template, key_version, key_copy, printer, data, media_length,
	state, seq, owner, attempts, print_count, reprint, reprint_reason, rerender, hash, revision,
	created_at, updated_at, sent_at, printed_at, last_error`

// jobArgs returns the values of jobCols for j, in order.
func jobArgs(j *printer.Job) []any {
	data := j.Data
	if data == nil {
		data = []byte{}
	}
	return []any{j.ID, j.Key.Order, string(j.Key.Doc), j.Key.Template, j.Key.Version, j.Key.Copy,
		j.Printer, data, j.MediaLength, string(j.State), j.Seq, j.Owner, j.Attempts, j.PrintCount,
		j.Reprint, cleanText(j.ReprintReason), j.Rerender, j.Hash, j.Revision,
		j.CreatedAt, j.UpdatedAt, j.SentAt, j.PrintedAt, cleanText(j.LastError)}
}

func scanJob(row pgx.Row) (printer.Job, error) {
	var (
		j          printer.Job
		doc, state string
	)
	err := row.Scan(&j.ID, &j.Key.Order, &doc, &j.Key.Template, &j.Key.Version, &j.Key.Copy,
		&j.Printer, &j.Data, &j.MediaLength, &state, &j.Seq, &j.Owner, &j.Attempts, &j.PrintCount,
		&j.Reprint, &j.ReprintReason, &j.Rerender, &j.Hash, &j.Revision,
		&j.CreatedAt, &j.UpdatedAt, &j.SentAt, &j.PrintedAt, &j.LastError)
	j.Key.Doc, j.State = printer.DocKind(doc), printer.JobState(state)
	j.CreatedAt, j.UpdatedAt, j.SentAt, j.PrintedAt = zt(j.CreatedAt), zt(j.UpdatedAt), zt(j.SentAt), zt(j.PrintedAt)
	if len(j.Data) == 0 {
		j.Data = nil
	}
	return j, err
}

func collectJobs(rows pgx.Rows) ([]printer.Job, error) {
	defer rows.Close()
	var out []printer.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// AddJob implements [printer.JobStore].
func (s *Store) AddJob(ctx context.Context, j printer.Job) (printer.Job, error) {
	out, err := s.AddJobs(ctx, []printer.Job{j})
	if len(out) == 0 {
		return printer.Job{}, err
	}
	return out[0], err
}

// errKeyTaken ends an AddJobs transaction that lost a race for a key.
var errKeyTaken = errors.New("postgres: job key taken")

// errKeyFound ends an AddJobsUpdating transaction that found a key taken.
var errKeyFound = errors.New("postgres: job key found taken")

// AddJobs implements [printer.JobStore]. The batch is one transaction; the
// unique constraint on the job key makes it all or nothing across stations:
// of two stations adding the same key at once, the second waits for the
// first to commit, then fails and stores nothing. The transaction notifies
// the printers' listeners (see [Store.Notify]) as it commits.
func (s *Store) AddJobs(ctx context.Context, in []printer.Job) ([]printer.Job, error) {
	if len(in) == 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, nil
	}
	return s.AddJobsUpdating(ctx, in, nil)
}

// AddJobsUpdating updates the orders as UpdateOrder does and adds the jobs as
// AddJobs does, in one transaction: see
// [github.com/dadanhq/dadan.OrderJobStore]. The orders are locked in the order
// of updates, and the fns run once per attempt, as UpdateOrder's do.
func (s *Store) AddJobsUpdating(ctx context.Context, in []printer.Job, updates []order.Update) ([]printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keys := make(map[printer.JobKey]bool, len(in))
	ids := make(map[string]bool, len(in))
	for _, j := range in {
		if keys[j.Key] {
			return nil, fmt.Errorf("postgres: key %s twice in one batch: %w", j.Key, printer.ErrInvalidJob)
		}
		keys[j.Key] = true
		if j.ID != "" {
			if ids[j.ID] {
				return nil, fmt.Errorf("postgres: job ID %q twice in one batch: %w", j.ID, printer.ErrInvalidJob)
			}
			ids[j.ID] = true
		}
	}
	var out, dup []printer.Job
	err := s.tx(ctx, "add jobs", func(tx pgx.Tx) error {
		out, dup = nil, nil
		if err := s.updateOrdersTx(ctx, tx, updates); err != nil {
			return err
		}
		if len(in) == 0 {
			return nil
		}
		var err error
		if dup, err = jobsByKey(ctx, tx, in); err != nil || len(dup) > 0 {
			if err == nil && len(updates) > 0 {
				return errKeyFound // the updates are not kept either
			}
			return err
		}
		first, err := nextSeq(ctx, tx, "job", len(in))
		if err != nil {
			return err
		}
		out = make([]printer.Job, len(in))
		var gen []string
		for i, j := range in {
			j.Seq, j.State = first+int64(i), printer.Queued
			if j.ID == "" {
				j.ID = "J" + strconv.FormatInt(j.Seq, 10)
				gen = append(gen, j.ID)
			}
			out[i] = j
		}
		if err := s.freeIDs(ctx, tx, out, gen); err != nil {
			return err
		}
		b := &pgx.Batch{}
		for i := range out {
			sj := out[i]
			sj.Data = s.seal(adJob, sj.ID, sj.Data)
			b.Queue(`INSERT INTO jobs (`+jobCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
				$13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`, jobArgs(&sj)...)
		}
		notified := map[string]bool{}
		for _, j := range out {
			if !notified[j.Printer] {
				notified[j.Printer] = true
				b.Queue(`SELECT pg_notify($1, $2)`, s.channel, j.Printer)
			}
		}
		err = tx.SendBatch(ctx, b).Close()
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			if pe.ConstraintName == "jobs_key" {
				return errKeyTaken
			}
			return fmt.Errorf("postgres: job ID already in use: %w", printer.ErrInvalidJob)
		}
		return err
	})
	if errors.Is(err, errKeyFound) {
		err = nil // dup holds the jobs found
	}
	if errors.Is(err, errKeyTaken) {
		// Another station committed one of the keys meanwhile: it is there now.
		err = s.read(ctx, "add jobs", func() error {
			var err error
			dup, err = jobsByKey(ctx, s.pool, in)
			return err
		})
		if err == nil && len(dup) == 0 {
			err = fmt.Errorf("postgres: a job key was taken and released while adding: %w", ErrUnavailable)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(dup) > 0 {
		if err := s.unsealJobs(dup); err != nil {
			return nil, err
		}
		return dup, fmt.Errorf("postgres: job %s for %s: %w", dup[0].ID, dup[0].Key, printer.ErrDuplicate)
	}
	return out, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// jobsByKey returns the stored jobs with the keys of in, in the order of in.
func jobsByKey(ctx context.Context, q querier, in []printer.Job) ([]printer.Job, error) {
	n := len(in)
	orders, docs, tpls, vers, copies := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]int32, n)
	for i, j := range in {
		orders[i], docs[i], tpls[i], vers[i], copies[i] = j.Key.Order, string(j.Key.Doc), j.Key.Template, j.Key.Version, int32(j.Key.Copy)
	}
	rows, err := q.Query(ctx, `SELECT `+jobCols+` FROM jobs
		WHERE (key_order, key_doc, key_template, key_version, key_copy) IN
			(SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]))`,
		orders, docs, tpls, vers, copies)
	if err != nil {
		return nil, err
	}
	found, err := collectJobs(rows)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	byKey := make(map[printer.JobKey]printer.Job, len(found))
	for _, j := range found {
		byKey[j.Key] = j
	}
	var out []printer.Job
	for _, j := range in {
		if d, ok := byKey[j.Key]; ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// freeIDs checks the IDs of jobs against the stored ones: a caller's ID in
// use is an error, and a generated one in use (a caller chose it before) gets
// a suffix.
func (s *Store) freeIDs(ctx context.Context, tx pgx.Tx, jobs []printer.Job, generated []string) error {
	all := make([]string, len(jobs))
	for i, j := range jobs {
		all[i] = j.ID
	}
	rows, err := tx.Query(ctx, `SELECT id FROM jobs WHERE id = ANY($1)`, all)
	if err != nil {
		return err
	}
	taken, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(taken) == 0 {
		return err
	}
	isTaken := map[string]bool{}
	for _, id := range taken {
		isTaken[id] = true
	}
	isGen := map[string]bool{}
	for _, id := range generated {
		isGen[id] = true
	}
	for i := range jobs {
		id := jobs[i].ID
		if !isTaken[id] {
			continue
		}
		if !isGen[id] {
			return fmt.Errorf("postgres: job ID %q already in use: %w", id, printer.ErrInvalidJob)
		}
		for k := 1; ; k++ {
			c := id + "." + strconv.Itoa(k)
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE id = $1`, c).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				jobs[i].ID = c
				break
			}
		}
	}
	return nil
}

// errBusy ends a ClaimJob transaction that found the printer taken.
var errBusy = errors.New("postgres: printer busy")

// ClaimJob implements [printer.JobStore]. One transaction:
//
//  1. lock the printer's row in printer_queues with FOR UPDATE SKIP LOCKED
//     (creating the row the first time). A station that finds it locked
//     returns [printer.ErrNoJob] at once: another station is claiming for the
//     printer, and whatever it takes keeps the printer busy.
//  2. read the printer's Sending jobs and its queued job with the lowest Seq.
//     A Sending job whose lease expired is claimed again first, as
//     [printer.Job.Reclaim] says; a Sending job with a live lease means the
//     printer is busy: [printer.ErrNoJob].
//  3. update the job, checking that it is still as read (a Cancel or a lease
//     renewal may have committed meanwhile; then the claim reads again).
//
// The job row itself is not locked with SKIP LOCKED: holding the printer's
// lock, the station is the only claimer, and skipping a row another
// transaction holds (an update under way) would break the FIFO.
func (s *Store) ClaimJob(ctx context.Context, printerName, owner string, now time.Time) (printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return printer.Job{}, err
	}
	var (
		out   printer.Job
		found bool
	)
	err := s.tx(ctx, "claim job", func(tx pgx.Tx) error {
		var err error
		out, found, _, err = s.claimTx(ctx, tx, printerName, owner, now)
		return err
	})
	if errors.Is(err, errBusy) || err == nil && !found {
		return printer.Job{}, printer.ErrNoJob
	}
	if err != nil {
		return printer.Job{}, err
	}
	out.SentAt, out.UpdatedAt = now, now
	return out, s.unsealJob(&out)
}

// lockQueue locks the printer's queue row for the claim in tx; errBusy means
// another station's claim holds it.
func lockQueue(ctx context.Context, tx pgx.Tx, printerName string) error {
	var name string
	err := tx.QueryRow(ctx, `SELECT name FROM printer_queues WHERE name = $1 FOR UPDATE SKIP LOCKED`, printerName).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		// Missing or locked: insert it; an insert that finds the row there
		// means another station holds it.
		tag, ierr := tx.Exec(ctx, `INSERT INTO printer_queues (name) VALUES ($1) ON CONFLICT DO NOTHING`, printerName)
		if ierr != nil {
			return ierr
		}
		if tag.RowsAffected() == 0 {
			return errBusy
		}
		return nil
	}
	return err
}

// claimTx is ClaimJob in tx: it reports whether it claimed a job, and whether
// that job was claimed again after its lease expired. errBusy: another station
// holds the printer's row.
func (s *Store) claimTx(ctx context.Context, tx pgx.Tx, printerName, owner string, now time.Time) (out printer.Job, found, reclaimed bool, err error) {
	if err := lockQueue(ctx, tx, printerName); err != nil {
		return out, false, false, err
	}
	for {
		rows, err := tx.Query(ctx, `(SELECT `+jobCols+` FROM jobs WHERE printer = $1 AND state = 'sending' ORDER BY seq)
			UNION ALL
			(SELECT `+jobCols+` FROM jobs WHERE printer = $1 AND state = 'queued' ORDER BY seq LIMIT 1)`, printerName)
		if err != nil {
			return out, false, false, err
		}
		js, err := collectJobs(rows)
		if err != nil {
			return out, false, false, err
		}
		var (
			tag           pgconn.CommandTag
			c             printer.Job
			expired, head *printer.Job
			busy          bool
		)
		for i := range js {
			switch js[i].State {
			case printer.Sending:
				busy = true
				if expired == nil && js[i].LeaseExpired(s.lease, now) {
					expired = &js[i]
				}
			case printer.Queued:
				head = &js[i]
			}
		}
		switch {
		case expired != nil:
			c = *expired
			was := c
			c.Reclaim(owner, now)
			tag, err = tx.Exec(ctx, `UPDATE jobs SET owner = $2, attempts = $3, print_count = $4, reprint = $5,
					reprint_reason = $6, rerender = $7, sent_at = $8, updated_at = $8, last_error = $9
				WHERE id = $1 AND state = 'sending' AND owner = $10 AND sent_at = $11`,
				c.ID, c.Owner, c.Attempts, c.PrintCount, c.Reprint, cleanText(c.ReprintReason), c.Rerender, now, c.LastError,
				was.Owner, was.SentAt)
		case busy || head == nil:
			return out, false, false, nil // nothing to claim; commit keeps a new printer_queues row
		default:
			c = *head
			c.State, c.Owner, c.SentAt, c.UpdatedAt = printer.Sending, owner, now, now
			c.Attempts++
			tag, err = tx.Exec(ctx, `UPDATE jobs SET state = 'sending', owner = $2, sent_at = $3, updated_at = $3,
					attempts = attempts + 1
				WHERE id = $1 AND state = 'queued' AND seq = $4`, c.ID, owner, now, c.Seq)
		}
		if err != nil {
			return out, false, false, err
		}
		if tag.RowsAffected() == 1 {
			return c, true, expired != nil, nil
		}
	}
}

var _ printer.BatchClaimer = (*Store)(nil)

// updateAllTx does updateTx for each job of done, its bytes sealed.
//
// The updates that need nothing but the row in state from, the outcomes of a
// run, go to the server together, one round trip for all; those that found no
// such row are done again one by one, which says why.
func (s *Store) updateAllTx(ctx context.Context, tx pgx.Tx, done []printer.Job, from printer.JobState) error {
	sealed := make([]printer.Job, len(done))
	b := &pgx.Batch{}
	var fast []int
	for i := range done {
		j := done[i] // a copy: its bytes are sealed for the store
		j.Data = s.seal(adJob, j.ID, j.Data)
		sealed[i] = j
		if inPlace(&j) {
			b.Queue(updateFrom, jobSetArgs(&sealed[i], from)...)
			fast = append(fast, i)
		}
	}
	applied := make([]bool, len(done))
	if len(fast) > 1 {
		br := tx.SendBatch(ctx, b)
		for _, i := range fast {
			tag, err := br.Exec()
			if err != nil {
				br.Close()
				return err
			}
			applied[i] = tag.RowsAffected() == 1
		}
		if err := br.Close(); err != nil {
			return err
		}
	}
	for i := range sealed {
		if applied[i] {
			continue
		}
		if err := s.updateTx(ctx, tx, sealed[i], from); err != nil {
			return err
		}
	}
	return nil
}

// ClaimJobs implements [printer.BatchClaimer]: ClaimJob's transaction, the
// updates of done before it, and the printer's next queued jobs claimed with the
// first while its row is locked.
func (s *Store) ClaimJobs(ctx context.Context, done []printer.Job, from printer.JobState, printerName, owner string, now time.Time, max int) ([]printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []printer.Job
	err := s.tx(ctx, "claim jobs", func(tx pgx.Tx) error {
		out = nil
		if err := s.updateAllTx(ctx, tx, done, from); err != nil {
			return err
		}
		first, found, reclaimed, err := s.claimTx(ctx, tx, printerName, owner, now)
		if errors.Is(err, errBusy) && len(done) > 0 {
			return nil // the updates stand
		}
		if err != nil || !found {
			return err
		}
		first.SentAt, first.UpdatedAt = now, now
		out = []printer.Job{first}
		if reclaimed || max <= 1 {
			return nil
		}
		more, err := claimQueuedTx(ctx, tx, printerName, owner, now, max-1)
		out = append(out, more...)
		return err
	})
	if errors.Is(err, errBusy) {
		return nil, printer.ErrNoJob
	}
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, printer.ErrNoJob
	}
	return out, s.unsealJobs(out)
}

// claimQueuedTx claims the printer's first max queued jobs in tx, whose queue
// row the caller has locked, and returns them in queue order.
func claimQueuedTx(ctx context.Context, tx pgx.Tx, printerName, owner string, now time.Time, max int) ([]printer.Job, error) {
	rows, err := tx.Query(ctx, `UPDATE jobs SET state = 'sending', owner = $2, sent_at = $3, updated_at = $3,
			attempts = attempts + 1
		WHERE state = 'queued' AND id IN (SELECT id FROM jobs WHERE printer = $1 AND state = 'queued' ORDER BY seq LIMIT $4)
		RETURNING `+jobCols, printerName, owner, now, max)
	if err != nil {
		return nil, err
	}
	out, err := collectJobs(rows)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b printer.Job) int { return cmp.Compare(a.Seq, b.Seq) })
	for i := range out {
		out[i].SentAt, out[i].UpdatedAt = now, now
	}
	return out, nil
}

var _ printer.AheadClaimer = (*Store)(nil)

// ClaimAhead implements [printer.AheadClaimer]: the updates of done, and the
// printer's next queued jobs claimed while its queue row is locked, if no job of
// it is Sending but those of held.
func (s *Store) ClaimAhead(ctx context.Context, done []printer.Job, held []string, from printer.JobState, printerName, owner string, now time.Time, max int) ([]printer.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if max < 1 {
		max = 1
	}
	if held == nil {
		held = []string{}
	}
	var out []printer.Job
	err := s.tx(ctx, "claim ahead", func(tx pgx.Tx) error {
		out = nil
		if err := s.updateAllTx(ctx, tx, done, from); err != nil {
			return err
		}
		if err := lockQueue(ctx, tx, printerName); errors.Is(err, errBusy) {
			return nil // the updates stand
		} else if err != nil {
			return err
		}
		var others int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE printer = $1 AND state = 'sending'
			AND NOT (owner = $2 AND id = ANY($3))`, printerName, owner, held).Scan(&others); err != nil {
			return err
		}
		if others > 0 {
			return nil
		}
		var err error
		out, err = claimQueuedTx(ctx, tx, printerName, owner, now, max)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, printer.ErrNoJob
	}
	return out, s.unsealJobs(out)
}

// UpdateJobs implements [printer.BatchClaimer].
func (s *Store) UpdateJobs(ctx context.Context, js []printer.Job, from printer.JobState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.tx(ctx, "update jobs", func(tx pgx.Tx) error {
		return s.updateAllTx(ctx, tx, js, from)
	})
}

// UpdateJob implements [printer.JobStore]. LastError and ReprintReason are
// stored with NUL bytes and invalid UTF-8 replaced (an error message may quote
// what a device sent), so recording a failure cannot fail on its text. An
// update that keeps the job's place and does not queue it is one UPDATE; one
// that queues it (a retry, a reprint, a requeue) or sends it to the back of
// its queue also notifies the printer's listeners.
func (s *Store) UpdateJob(ctx context.Context, j printer.Job, from printer.JobState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j.Data = s.seal(adJob, j.ID, j.Data)
	if inPlace(&j) {
		n, err := s.exec(ctx, "update job", updateFrom, jobSetArgs(&j, from)...)
		if err != nil {
			return err
		}
		if n == 1 {
			return nil
		}
		return s.stateError(ctx, j.ID, from)
	}
	return s.tx(ctx, "update job", func(tx pgx.Tx) error { return s.updateTx(ctx, tx, j, from) })
}

// updateFrom updates a job that is in state from (jobSetArgs' last value).
const updateFrom = `UPDATE jobs SET ` + jobSet + ` WHERE id = $1 AND state = $19`

// inPlace reports whether an update of j needs nothing but its row in the
// expected state: it has its place in the queue and does not go back to it.
func inPlace(j *printer.Job) bool { return j.Seq != 0 && j.State != printer.Queued }

// jobSet is what UpdateJob sets, with jobSetArgs.
const jobSet = `printer = $2, data = $3, media_length = $4, state = $5, seq = $6, owner = $7, attempts = $8,
	print_count = $9, reprint = $10, reprint_reason = $11, rerender = $12, hash = $13, revision = $14,
	updated_at = $15, sent_at = $16, printed_at = $17, last_error = $18`

func jobSetArgs(j *printer.Job, from printer.JobState) []any {
	data := j.Data
	if data == nil {
		data = []byte{}
	}
	return []any{j.ID, j.Printer, data, j.MediaLength, string(j.State), j.Seq, j.Owner, j.Attempts,
		j.PrintCount, j.Reprint, cleanText(j.ReprintReason), j.Rerender, j.Hash, j.Revision,
		j.UpdatedAt, j.SentAt, j.PrintedAt, cleanText(j.LastError), string(from)}
}

// updateTx is UpdateJob in tx.
func (s *Store) updateTx(ctx context.Context, tx pgx.Tx, j printer.Job, from printer.JobState) error {
	if inPlace(&j) {
		tag, err := tx.Exec(ctx, updateFrom, jobSetArgs(&j, from)...)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
	}
	var (
		state, prn string
		seq        int64
	)
	err := tx.QueryRow(ctx, `SELECT state, printer, seq FROM jobs WHERE id = $1 FOR UPDATE`, j.ID).Scan(&state, &prn, &seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: job %q: %w", j.ID, printer.ErrNoJob)
	}
	if err != nil {
		return err
	}
	if printer.JobState(state) != from {
		return &printer.JobStateError{ID: j.ID, Got: printer.JobState(state), Want: from}
	}
	u := j
	if u.Seq == 0 {
		if u.Seq, err = nextSeq(ctx, tx, "job", 1); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, updateFrom, jobSetArgs(&u, from)...); err != nil {
		return err
	}
	if u.State == printer.Queued && (printer.JobState(state) != printer.Queued || seq != u.Seq || prn != u.Printer) {
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, s.channel, u.Printer)
	}
	return err
}

// stateError says why an update of job id from state from matched no row.
func (s *Store) stateError(ctx context.Context, id string, from printer.JobState) error {
	j, err := s.Job(ctx, id)
	if err != nil {
		return err
	}
	return &printer.JobStateError{ID: id, Got: j.State, Want: from}
}

// Job implements [printer.JobStore].
func (s *Store) Job(ctx context.Context, id string) (printer.Job, error) {
	var j printer.Job
	err := s.read(ctx, "job", func() error {
		var err error
		j, err = scanJob(s.pool.QueryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = $1`, id))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return printer.Job{}, fmt.Errorf("postgres: job %q: %w", id, printer.ErrNoJob)
	}
	if err != nil {
		return j, err
	}
	return j, s.unsealJob(&j)
}

// Jobs implements [printer.JobStore].
func (s *Store) Jobs(ctx context.Context, f printer.JobFilter) ([]printer.Job, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Printer != "" {
		add("printer = $%d", f.Printer)
	}
	if f.Order != "" {
		add("key_order = $%d", f.Order)
	}
	if f.Owner != "" {
		add("owner = $%d", f.Owner)
	}
	switch len(f.States) {
	case 0:
	case 1: // the partial indexes need a constant-like equality
		add("state = $%d", string(f.States[0]))
	default:
		sts := make([]string, len(f.States))
		for i, st := range f.States {
			sts[i] = string(st)
		}
		add("state = ANY($%d)", sts)
	}
	if f.AfterSeq > 0 {
		add("seq > $%d", f.AfterSeq)
	}
	q := `SELECT ` + jobCols + ` FROM jobs`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY seq`
	if f.Limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(f.Limit)
	}
	var out []printer.Job
	err := s.read(ctx, "jobs", func() error {
		rows, err := s.pool.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		out, err = collectJobs(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.unsealJobs(out)
}
