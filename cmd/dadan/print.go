package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/memstore"
)

// openPrinter opens url and maps URL errors to usage errors. Transport notices
// (a printer taken for one-way) go to stderr.
func openPrinter(ctx context.Context, e *env, cmd, url string) (printer.Printer, int) {
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{
		Level: slog.LevelWarn,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	p, err := dadan.OpenPrinterWith(ctx, url, &dadan.PrinterOptions{Logger: log})
	if err != nil {
		e.errorf("%s: %v", cmd, err)
		if errors.Is(err, dadan.ErrPrinterURL) {
			return nil, exitUsage
		}
		return nil, exitRefused
	}
	return p, exitOK
}

func runPrint(ctx context.Context, args []string, e *env) int {
	fs := newFlags("print", e)
	url := fs.String("printer", "", "printer `URL`: tcp://host:9100, serial:///dev/ttyUSB0?baud=9600, file:///dir, cups://queue (required)")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long (a printer out of paper waits until then)")
	retries := fs.Int("retries", 5, "connection attempts in a row before giving up (a printer out of paper is waited for until --timeout)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: dadan print --printer URL FILE...\n\nEach file is one job, sent in the given order.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	files := fs.Args()
	if *url == "" || len(files) == 0 {
		e.errorf("print: --printer and at least one file are required")
		fs.Usage()
		return exitUsage
	}
	if *retries < 1 || *timeout <= 0 {
		e.errorf("print: --retries must be at least 1 and --timeout positive")
		return exitUsage
	}
	jobs := make([][]byte, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			e.errorf("print: %v", err)
			return exitUsage
		}
		if len(b) > printer.DefaultMaxJobBytes {
			e.errorf("print: refused %s: %v (%d bytes); nothing was sent", f, printer.ErrTooLarge, len(b))
			return exitRefused
		}
		jobs[i] = b
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	dev, code := openPrinter(ctx, e, "print", *url)
	if dev == nil {
		return code
	}
	defer dev.Close()
	ctx, giveUp := context.WithCancelCause(ctx)
	defer giveUp(nil)
	p := countAttempts(ctx, dev, *retries, giveUp)
	sp, err := printer.New(memstore.New(), map[string]printer.Printer{"p": p}, &printer.Options{
		RetryPolicy: func(ctx context.Context, attempt int, err error) (bool, error) {
			if errors.Is(err, printer.ErrNotPrinter) {
				return false, nil // another try gets the same answer
			}
			return printer.DefaultRetryPolicy(ctx, attempt, err)
		},
		OnEvent: func(ev printer.Event) {
			switch ev.Kind {
			case printer.EventSending:
				if ev.Job.Reprint {
					fmt.Fprintf(e.stderr, "dadan: %s sent again, flagged as a reprint: %s\n", ev.Job.Key.Order, ev.Job.ReprintReason)
				}
			case printer.EventPaused:
				if ev.Status.States == 0 {
					fmt.Fprintf(e.stderr, "dadan: printer paused: %v\n", ev.Err)
				} else {
					fmt.Fprintf(e.stderr, "dadan: printer paused: %v (status %s)\n", ev.Err, ev.Status.States)
				}
			case printer.EventResumed:
				fmt.Fprintln(e.stderr, "dadan: printer ready, resuming")
			case printer.EventReprint:
				fmt.Fprintf(e.stderr, "dadan: %s not confirmed printed (%v); it goes again as a reprint\n", ev.Job.Key.Order, ev.Err)
			case printer.EventFailed:
				fmt.Fprintf(e.stderr, "dadan: %s failed: %v\n", ev.Job.Key.Order, ev.Err)
			}
		},
	})
	if err != nil {
		e.errorf("print: %v", err)
		return exitRefused
	}
	for i, b := range jobs {
		sum := sha256.Sum256(b)
		key := printer.JobKey{Order: files[i], Doc: "file", Version: hex.EncodeToString(sum[:6]), Copy: i + 1}
		if _, err := sp.Submit(ctx, printer.JobSpec{Key: key, Printer: "p", Data: b}); err != nil {
			e.errorf("print: %s: %v", files[i], err)
			return exitRefused
		}
	}
	if err := sp.Drain(ctx); err != nil {
		var re *printer.RetryError
		if cause := context.Cause(ctx); errors.As(cause, &re) {
			err = fmt.Errorf("%d connection attempts in a row failed (--retries %d): %w", re.Attempts, *retries, re.Err)
		}
		e.errorf("print: %v", err)
		return exitRefused
	}
	fmt.Fprintf(e.stdout, "%d jobs printed\n", len(jobs))
	return exitOK
}

func runStatus(ctx context.Context, args []string, e *env) int {
	fs := newFlags("status", e)
	url := fs.String("printer", "", "printer `URL` (required)")
	asJSON := fs.Bool("json", false, "print the status as JSON")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *url == "" {
		e.errorf("status: --printer is required")
		fs.Usage()
		return exitUsage
	}
	p, code := openPrinter(ctx, e, "status", *url)
	if p == nil {
		return code
	}
	defer p.Close()
	sr, ok := p.(printer.StatusReporter)
	if !ok {
		e.errorf("status: %v: %s cannot report status", printer.ErrUnsupported, *url)
		return exitRefused
	}
	st, err := sr.Status(ctx)
	if err != nil {
		e.errorf("status: %v", err)
		return exitRefused
	}
	if *asJSON {
		states := []string{}
		if st.States != 0 {
			states = strings.Split(st.States.String(), "|")
		}
		b, _ := json.Marshal(struct {
			Printer string   `json:"printer"`
			Ready   bool     `json:"ready"`
			States  []string `json:"states"`
			Raw     string   `json:"raw"`
		}{*url, st.Ready(), states, string(st.Raw)})
		fmt.Fprintln(e.stdout, string(b))
	} else {
		fmt.Fprintln(e.stdout, st.States)
	}
	return exitOK
}

// attempts wraps a printer and counts the calls in a row that fail to reach it
// (errors wrapping printer.ErrOffline: a refused dial, a broken connection, a
// port that went away). At max it gives up through giveUp, whatever the spooler
// would do next; any call that reaches the printer starts the count again. A
// printer that answers but is faulted, or answers nothing, is not unreachable.
type attempts struct {
	printer.Printer
	max    int
	n      int
	giveUp context.CancelCauseFunc
}

func (a *attempts) note(err error) {
	var se *printer.StatusError
	if err == nil || errors.As(err, &se) || !errors.Is(err, printer.ErrOffline) {
		a.n = 0
		return
	}
	a.n++
	if a.n >= a.max {
		a.giveUp(&printer.RetryError{Attempts: a.n, Err: err})
	}
}

func (a *attempts) Print(ctx context.Context, b []byte) error {
	err := a.Printer.Print(ctx, b)
	if ctx.Err() == nil {
		a.note(err)
	}
	return err
}

// OneWay passes on the transport's answer.
func (a *attempts) OneWay() bool {
	ow, ok := a.Printer.(printer.OneWay)
	return ok && ow.OneWay()
}

// statusAttempts is attempts for a printer that reports status.
type statusAttempts struct {
	*attempts
	sr printer.StatusReporter
}

func (a statusAttempts) Status(ctx context.Context) (printer.Status, error) {
	st, err := a.sr.Status(ctx)
	if ctx.Err() == nil {
		a.note(err)
	}
	return st, err
}

// countAttempts wraps p so that max connection attempts in a row end the run.
// The wrapper reports status when p does and is not one-way: a transport with
// status=auto asks its one query here, before any job, so that the spooler
// knows from the start whether it can confirm jobs.
func countAttempts(ctx context.Context, p printer.Printer, max int, giveUp context.CancelCauseFunc) printer.Printer {
	a := &attempts{Printer: p, max: max, giveUp: giveUp}
	sr, ok := p.(printer.StatusReporter)
	if !ok {
		return a
	}
	if ow, ok := p.(printer.OneWay); ok {
		if !ow.OneWay() {
			_, err := sr.Status(ctx)
			a.note(err)
		}
		if ow.OneWay() {
			return a // a nil error from Print is all there is to know
		}
	}
	return statusAttempts{a, sr}
}
