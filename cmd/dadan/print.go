package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/memstore"
)

// openPrinter opens url and maps URL errors to usage errors.
func openPrinter(ctx context.Context, e *env, cmd, url string) (printer.Printer, int) {
	p, err := dadan.OpenPrinter(ctx, url)
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
	retries := fs.Int("retries", 5, "attempts per job before it fails")
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
	p, code := openPrinter(ctx, e, "print", *url)
	if p == nil {
		return code
	}
	defer p.Close()
	sp, err := printer.New(memstore.New(), map[string]printer.Printer{"p": p}, &printer.Options{
		RetryPolicy: printer.LimitRetries(printer.DefaultRetryPolicy, *retries),
		OnEvent: func(ev printer.Event) {
			switch ev.Kind {
			case printer.EventPaused:
				fmt.Fprintf(e.stderr, "dadan: printer paused: %v (status %s)\n", ev.Err, ev.Status.States)
			case printer.EventResumed:
				fmt.Fprintln(e.stderr, "dadan: printer ready, resuming")
			case printer.EventReprint:
				fmt.Fprintf(e.stderr, "dadan: %s sent again, flagged as a reprint: %s\n", ev.Job.Key.Order, ev.Job.ReprintReason)
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
