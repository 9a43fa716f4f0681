package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	"github.com/dadanhq/dadan/order"
)

// wconn is the writer's connection. It talks to the driver directly, without
// database/sql's pool and locks: only the writer goroutine uses it, and the
// saving per statement is most of what an insert costs in Go.
type wconn struct {
	dc    driver.Conn
	stmts map[string]driver.Stmt
	nv    []driver.NamedValue // reused for arguments
	// head is the journal's head as the open write transaction has it:
	// appendEvents reads it once per transaction, and the writer stores it
	// (storeHead) before the commit, not once per operation. Only appendEvents
	// writes journal_head. The writer puts back what an operation it undoes
	// had found, and forgets it when a transaction ends.
	head txHead
}

// txHead is the journal head in a write transaction.
type txHead struct {
	head  order.Head
	known bool // read from journal_head or moved in this transaction
	dirty bool // moved and not stored yet
}

func newWconn(dc driver.Conn) *wconn { return &wconn{dc: dc, stmts: map[string]driver.Stmt{}} }

func (w *wconn) close() error {
	var errs []error
	for _, st := range w.stmts {
		errs = append(errs, st.Close())
	}
	errs = append(errs, w.dc.Close())
	return errors.Join(errs...)
}

func (w *wconn) stmt(q string) (driver.Stmt, error) {
	if st := w.stmts[q]; st != nil {
		return st, nil
	}
	st, err := w.dc.(driver.ConnPrepareContext).PrepareContext(context.Background(), q)
	if err != nil {
		return nil, err
	}
	w.stmts[q] = st
	return st, nil
}

// named converts args to driver values.
func (w *wconn) named(args []any) ([]driver.NamedValue, error) {
	nv := w.nv[:0]
	for i, a := range args {
		var v driver.Value
		switch a := a.(type) {
		case nil, int64, float64, string, []byte:
			v = a
		case int:
			v = int64(a)
		case bool:
			v = b2i(a)
		default:
			return nil, fmt.Errorf("sqlite: argument %d: unsupported type %T", i+1, a)
		}
		nv = append(nv, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	w.nv = nv
	return nv, nil
}

// execRaw runs q, which may hold several statements, unprepared.
func (w *wconn) execRaw(q string) error {
	_, err := w.dc.(driver.ExecerContext).ExecContext(context.Background(), q, nil)
	return err
}

func (w *wconn) exec(q string, args ...any) (driver.Result, error) {
	st, err := w.stmt(q)
	if err != nil {
		return nil, err
	}
	nv, err := w.named(args)
	if err != nil {
		return nil, err
	}
	return st.(driver.StmtExecContext).ExecContext(context.Background(), nv)
}

// query runs q; the caller closes the rows.
func (w *wconn) query(q string, args ...any) (*wrows, error) {
	st, err := w.stmt(q)
	if err != nil {
		return nil, err
	}
	nv, err := w.named(args)
	if err != nil {
		return nil, err
	}
	r, err := st.(driver.StmtQueryContext).QueryContext(context.Background(), nv)
	if err != nil {
		return nil, err
	}
	return &wrows{r: r, vals: make([]driver.Value, len(r.Columns()))}, nil
}

// queryRow scans the first row of q into dest; sql.ErrNoRows when there is none.
func (w *wconn) queryRow(q string, args []any, dest ...any) error {
	return rowOf(w, q, args...).Scan(dest...)
}

// rowOf is the first row of q, scanned when asked.
func rowOf(w *wconn, q string, args ...any) scanner { return &wrow{w: w, q: q, args: args} }

type wrow struct {
	w    *wconn
	q    string
	args []any
}

func (r *wrow) Scan(dest ...any) error {
	rows, err := r.w.query(r.q, r.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if rows.err != nil {
			return rows.err
		}
		return sql.ErrNoRows
	}
	return rows.Scan(dest...)
}

// wrows reads a driver's rows, like sql.Rows.
type wrows struct {
	r    driver.Rows
	vals []driver.Value
	err  error
}

func (r *wrows) Next() bool {
	if r.err != nil {
		return false
	}
	if err := r.r.Next(r.vals); err != nil {
		if err != io.EOF {
			r.err = err
		}
		return false
	}
	return true
}

func (r *wrows) Err() error   { return r.err }
func (r *wrows) Close() error { return r.r.Close() }

// Scan copies the current row into dest: *string, *int64, *int, *float64 or
// *[]byte (a copy; NULL gives nil).
func (r *wrows) Scan(dest ...any) error {
	if len(dest) != len(r.vals) {
		return fmt.Errorf("sqlite: scan of %d columns into %d values", len(r.vals), len(dest))
	}
	for i, v := range r.vals {
		ok := true
		switch d := dest[i].(type) {
		case *string:
			switch v := v.(type) {
			case string:
				*d = v
			case []byte:
				*d = string(v)
			default:
				ok = false
			}
		case *int64:
			*d, ok = v.(int64)
		case *int:
			n, isInt := v.(int64)
			*d, ok = int(n), isInt
		case *float64:
			switch v := v.(type) {
			case float64:
				*d = v
			case int64:
				*d = float64(v)
			default:
				ok = false
			}
		case *[]byte:
			switch v := v.(type) {
			case nil:
				*d = nil
			case []byte:
				*d = append([]byte(nil), v...)
			case string:
				*d = []byte(v)
			default:
				ok = false
			}
		default:
			return fmt.Errorf("sqlite: scan into %T", d)
		}
		if !ok {
			return fmt.Errorf("sqlite: column %d: cannot scan %T into %T", i+1, v, dest[i])
		}
	}
	return nil
}
