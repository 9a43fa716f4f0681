// Package file prints to a spool directory, a device node or a plain file.
//
// A directory is a spool: each job becomes a new file whose name starts with
// a zero-padded sequence number, so names sort in job order, then, for a job the
// spooler sends (see [printer.JobFromContext]), its order and document kind, and
// the time (UTC): "000000000042-TB2026111100000-waybill-20261111T000509.123456789Z.prn",
// with "-copy2" after the kind for further copies and "-reprint" for a reprint.
// Files are created with [Options.Mode] (default 0600). Jobs are written to a
// temporary file, synced and then linked into place, so a reader never sees half
// a job and an existing file is never overwritten.
//
// A character device (such as /dev/usb/lp0) or a named pipe is opened for
// each job, written to directly and closed. A regular file has each job
// appended to it (O_APPEND).
package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dadanhq/dadan/printer"
)

// Options configure a [Printer]. The zero value means defaults.
type Options struct {
	// MaxJobBytes refuses larger jobs before writing. Default
	// [printer.DefaultMaxJobBytes].
	MaxJobBytes int64
	// Ext is the extension of spooled files, without the dot. Default "prn".
	Ext string
	// Now is the clock for spool file names. Default time.Now.
	Now func() time.Time
	// Mode is the permission of spool files, such as 0o644 for a print server
	// that runs as another user. 0 means 0o600.
	Mode fs.FileMode
}

// Validate reports whether o is usable.
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	if o.MaxJobBytes < 0 {
		return fmt.Errorf("file: negative MaxJobBytes %d", o.MaxJobBytes)
	}
	if strings.ContainsAny(o.Ext, `/\`) || strings.HasPrefix(o.Ext, ".") {
		return fmt.Errorf("file: bad extension %q", o.Ext)
	}
	if o.Mode&^fs.ModePerm != 0 {
		return fmt.Errorf("file: mode %v is not a permission", o.Mode)
	}
	return nil
}

// Kind is what a [Printer] writes to.
type Kind int

// Kinds of targets.
const (
	Spool  Kind = iota + 1 // a directory, one file per job
	Device                 // a character device or a named pipe
	Append                 // a regular file, jobs appended
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case Spool:
		return "spool"
	case Device:
		return "device"
	case Append:
		return "append"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is a failure on a path. It wraps [printer.ErrNotPrinter] when the
// path cannot be a printer, [printer.ErrOffline] when it is missing or
// nothing reads from it, and the operating system's error; and
// [printer.ErrNotSent] when no byte of a job was written.
type Error struct {
	Op      string // "open", "print"
	Path    string
	Err     error
	NotSent bool
	Partial bool // a device or file got part of the job: wraps printer.ErrPartial
}

// Error implements error.
func (e *Error) Error() string { return "file: " + e.Op + " " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the cause and, when NotSent is set, [printer.ErrNotSent]; when
// Partial is set, [printer.ErrPartial].
func (e *Error) Unwrap() []error {
	errs := []error{e.Err}
	if e.NotSent {
		errs = append(errs, printer.ErrNotSent)
	}
	if e.Partial {
		errs = append(errs, printer.ErrPartial)
	}
	return errs
}

// Printer writes jobs to a path. It is safe for concurrent use.
type Printer struct {
	path string
	kind Kind
	opts Options

	mu     sync.Mutex
	seq    uint64 // last spool sequence number used
	closed bool
}

var _ printer.Printer = (*Printer)(nil)

// Open returns a printer for path: a directory (spool), a character device or
// named pipe (device) or a regular file (append). A path that does not exist
// gives an [*Error] wrapping [printer.ErrOffline]; any other kind of file, or
// one that cannot be written, an [*Error] wrapping [printer.ErrNotPrinter].
func Open(path string, opts *Options) (*Printer, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	p := &Printer{path: path}
	if opts != nil {
		p.opts = *opts
	}
	if p.opts.MaxJobBytes == 0 {
		p.opts.MaxJobBytes = printer.DefaultMaxJobBytes
	}
	if p.opts.Ext == "" {
		p.opts.Ext = "prn"
	}
	if p.opts.Now == nil {
		p.opts.Now = time.Now
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{Op: "open", Path: path, Err: fmt.Errorf("%w: %w", printer.ErrOffline, err)}
	}
	if err != nil {
		return nil, &Error{Op: "open", Path: path, Err: fmt.Errorf("%w: %w", printer.ErrNotPrinter, err)}
	}
	switch m := fi.Mode(); {
	case m.IsDir():
		p.kind = Spool
		if p.seq, err = lastSeq(path); err != nil {
			return nil, &Error{Op: "open", Path: path, Err: fmt.Errorf("%w: %w", printer.ErrNotPrinter, err)}
		}
	case m&fs.ModeCharDevice != 0, m&fs.ModeNamedPipe != 0:
		p.kind = Device
	case m.IsRegular():
		p.kind = Append
	default:
		return nil, &Error{Op: "open", Path: path, Err: fmt.Errorf("%w: %s is a %v", printer.ErrNotPrinter, path, m.Type())}
	}
	if err := syscall.Access(path, 2 /* W_OK */); err != nil {
		return nil, &Error{Op: "open", Path: path, Err: fmt.Errorf("%w: %w", printer.ErrNotPrinter, err)}
	}
	return p, nil
}

// Kind returns what p writes to.
func (p *Printer) Kind() Kind { return p.kind }

// lastSeq returns the highest sequence number among the spool files in dir.
func lastSeq(dir string) (uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var last uint64
	for _, e := range entries {
		head, _, ok := strings.Cut(e.Name(), "-")
		if !ok || len(head) != seqWidth {
			continue
		}
		if n, err := strconv.ParseUint(head, 10, 64); err == nil && n > last {
			last = n
		}
	}
	return last, nil
}

const seqWidth = 12

// Print writes b as one job. A spooled or appended job is synced to disk
// when Print returns; a device has had every byte written and its descriptor
// closed (a USB printer's driver waits on close for the writes to finish). A
// write cut short after some bytes gives an [*Error] wrapping
// [printer.ErrPartial].
func (p *Printer) Print(ctx context.Context, b []byte) error {
	_, err := p.PrintFile(ctx, b)
	return err
}

// PrintFile is Print that also returns the path written: the new spool file,
// or the device or file path.
func (p *Printer) PrintFile(ctx context.Context, b []byte) (string, error) {
	if int64(len(b)) > p.opts.MaxJobBytes {
		return "", fmt.Errorf("file: job of %d bytes, limit %d: %w", len(b), p.opts.MaxJobBytes, printer.ErrTooLarge)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return "", printer.ErrClosed
	}
	if p.kind == Spool {
		return p.spool(ctx, b)
	}
	return p.path, p.write(ctx, b)
}

func (p *Printer) spool(ctx context.Context, b []byte) (string, error) {
	// Until the link below succeeds no job file exists: every error is NotSent.
	tmp, err := os.CreateTemp(p.path, ".job-*.tmp")
	if err != nil {
		return "", p.fail(err, true)
	}
	defer os.Remove(tmp.Name())
	mode := p.opts.Mode
	if mode == 0 {
		mode = 0o600
	}
	err = tmp.Chmod(mode)
	if err == nil {
		_, err = tmp.Write(b)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", p.fail(err, true)
	}
	if err := ctx.Err(); err != nil {
		return "", p.fail(err, true)
	}
	stamp := p.opts.Now().UTC().Format("20060102T150405.000000000Z")
	if j := printer.JobFromContext(ctx); j != nil {
		stamp = jobName(j) + stamp
	}
	for {
		p.seq++
		name := filepath.Join(p.path, fmt.Sprintf("%0*d-%s.%s", seqWidth, p.seq, stamp, p.opts.Ext))
		// A hard link, unlike rename, fails instead of replacing a file that
		// another process wrote under the same name.
		err := os.Link(tmp.Name(), name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", p.fail(err, true)
		}
		syncDir(p.path)
		return name, nil
	}
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// chunk bounds each write to a device so that ctx is looked at between writes.
const chunk = 32 << 10

func (p *Printer) write(ctx context.Context, b []byte) error {
	flag := os.O_WRONLY | os.O_APPEND
	if p.kind == Device {
		// Non-blocking open: a pipe without a reader fails (ENXIO) instead
		// of hanging; Go then polls the descriptor, so deadlines work on pipes.
		flag |= syscall.O_NONBLOCK
	}
	f, err := os.OpenFile(p.path, flag, 0)
	if err != nil {
		return p.fail(err, true)
	}
	stop := context.AfterFunc(ctx, func() { _ = f.SetWriteDeadline(time.Unix(1, 0)) })
	defer stop()
	written := 0
	for written < len(b) {
		if err := ctx.Err(); err != nil {
			f.Close()
			return p.cut(err, written)
		}
		w, err := f.Write(b[written:min(len(b), written+chunk)])
		written += w
		if err != nil {
			f.Close()
			if ctxErr := ctx.Err(); ctxErr != nil {
				err = ctxErr
			}
			return p.cut(err, written)
		}
	}
	if p.kind == Append {
		if err := f.Sync(); err != nil {
			f.Close()
			return p.fail(err, false)
		}
	}
	if err := f.Close(); err != nil {
		return p.fail(err, false)
	}
	return nil
}

// fail wraps an I/O error: a missing path, a pipe without a reader, a
// device that went away or a full disk is offline; the rest is passed on.
func (p *Printer) fail(err error, notSent bool) error {
	var errno syscall.Errno
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) ||
		(errors.As(err, &errno) && (errno == syscall.ENXIO || errno == syscall.ENODEV || errno == syscall.EPIPE || errno == syscall.EIO || errno == syscall.ENOSPC)) {
		err = fmt.Errorf("%w: %w", printer.ErrOffline, err)
	}
	return &Error{Op: "print", Path: p.path, Err: err, NotSent: notSent}
}

// cut is fail for a write that stopped after written bytes of a job.
func (p *Printer) cut(err error, written int) error {
	e := p.fail(err, written == 0)
	if fe, ok := e.(*Error); ok && written > 0 {
		fe.Partial = true
	}
	return e
}

// Close makes later Print calls fail with [printer.ErrClosed].
func (p *Printer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	return nil
}

// jobName is the part of a spool file name that names job j: "ORDER-KIND-",
// with "copyN-" for copies after the first and "reprint-" for a reprint. Order
// IDs are untrusted: anything but letters, digits, '_' and '.' becomes '_', and
// the ID is cut at 64 bytes.
func jobName(j *printer.Job) string {
	var b strings.Builder
	for _, r := range j.Key.Order {
		if b.Len() >= 64 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.' && b.Len() > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	kind := string(j.Key.Doc)
	switch j.Key.Doc {
	case printer.PackingList:
		kind = "packing"
	case printer.ProductLabel:
		kind = "label"
	}
	b.WriteString("-")
	for _, r := range kind {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	b.WriteString("-")
	if j.Key.Copy > 1 {
		b.WriteString("copy" + strconv.Itoa(j.Key.Copy) + "-")
	}
	if j.Reprint {
		b.WriteString("reprint-")
	}
	return b.String()
}
