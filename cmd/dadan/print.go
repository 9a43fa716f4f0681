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
	neturl "net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
)

// openPrinter opens url and maps URL errors to usage errors. Transport notices
// (a printer taken for one-way) go to stderr.
func openPrinter(ctx context.Context, e *env, cmd, url string) (printer.Printer, int) {
	p, err := dadan.OpenPrinterWith(ctx, url, &dadan.PrinterOptions{Logger: cliLogger(e)})
	if err != nil {
		e.errorf("%s: %v", cmd, err)
		if errors.Is(err, dadan.ErrPrinterURL) {
			return nil, exitUsage
		}
		return nil, exitRefused
	}
	return p, exitOK
}

// cliLogger writes warnings (a printer taken for one-way, a layout warning) to
// stderr, without times.
func cliLogger(e *env) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{
		Level: slog.LevelWarn,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}

func runPrint(ctx context.Context, args []string, e *env) int {
	fs := newFlags("print", e)
	var printers, templates multiFlag
	fs.Var(&printers, "printer", "`KIND=URL` (repeatable): print the documents of KIND (waybill, packing, label) on the printer at URL; "+
		"or, with FILE arguments, one printer URL: tcp://host:9100?lang=zpl|escpos|tspl, serial:///dev/ttyUSB0?baud=9600, file:///dir, cups://queue (options: README, \"Every flag and URL option\")")
	fs.Var(&templates, "template", "`KIND=NAME` (repeatable): the template of KIND; defaults waybill-76x130, packing-80mm, product-60x40")
	db := dbFlag(fs)
	station := fs.String("station", "", "`NAME` of this station in a shared database (default: the host name); a restart with the same name recovers its own jobs at once")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up after this long (a printer out of paper waits until then)")
	retries := fs.Int("retries", 5, "connection attempts in a row before giving up (a printer out of paper is waited for until --timeout)")
	testNumbers := fs.Bool("test-numbers", true, "give orders without a waybill number one from built-in test ranges (not real waybills); false holds those orders")
	mask := fs.Bool("mask", false, "mask recipient name and phone on every document")
	maxRun := fs.Int("max-run", 0, fmt.Sprintf("most jobs of a printer claimed and recorded at once (0: the default, %d; runs also end after 100 ms of printing); 1 records each job before the next, so a crash repeats the fewest labels (repeats are always marked 补打)", printer.DefaultMaxRun))
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: dadan print --db PATH --printer KIND=URL... [--template KIND=NAME]... [--station NAME] [--timeout D] [--retries N] [--max-run N] [--mask] [--test-numbers=false]\n"+
			"       dadan print --printer URL FILE... [--timeout D] [--retries N]\n\n"+
			"With a database: render and print the documents of every approved order not yet printed,\n"+
			"only the kinds given a printer, and return when nothing is left to print.\n"+
			"With files: each file is one job, sent in the given order.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if code, ok := checkAccess(fs); !ok {
		return code
	}
	if *retries < 1 || *timeout <= 0 || *maxRun < 0 {
		e.errorf("print: --retries must be at least 1, --timeout positive and --max-run not negative")
		return exitUsage
	}
	if fs.NArg() > 0 {
		if len(printers) != 1 || len(templates) > 0 {
			e.errorf("print: with files, give exactly one --printer URL and no --template")
			return exitUsage
		}
		return printFiles(ctx, e, printers[0], fs.Args(), *timeout, *retries)
	}
	if len(printers) == 0 {
		e.errorf("print: --printer KIND=URL is required (or --printer URL FILE...)")
		fs.Usage()
		return exitUsage
	}
	cfg := printConfig{db: *db, station: *station, timeout: *timeout, retries: *retries, maxRun: *maxRun, testNumbers: *testNumbers, mask: *mask}
	for _, p := range printers {
		kind, url, ok := strings.Cut(p, "=")
		doc, known := docKinds[kind]
		if !ok || !known || url == "" {
			e.errorf("print: --printer %q: want KIND=URL with KIND waybill, packing or label", p)
			return exitUsage
		}
		if _, dup := cfg.urls[doc]; dup {
			e.errorf("print: two printers for %s", kind)
			return exitUsage
		}
		if cfg.urls == nil {
			cfg.urls = map[printer.DocKind]string{}
		}
		cfg.urls[doc] = url
	}
	cfg.templates = map[printer.DocKind]string{}
	for _, t := range templates {
		kind, name, ok := strings.Cut(t, "=")
		doc, known := docKinds[kind]
		if !ok || !known || name == "" {
			e.errorf("print: --template %q: want KIND=NAME with KIND waybill, packing or label", t)
			return exitUsage
		}
		cfg.templates[doc] = name
	}
	return printDB(ctx, e, &cfg)
}

// printConfig is what `dadan print --db` was asked to do.
type printConfig struct {
	db, station       string
	timeout           time.Duration
	retries, maxRun   int
	testNumbers, mask bool
	urls, templates   map[printer.DocKind]string
}

// printDB prints every approved order in the database on the printers given.
// Printers are named by their URL in the database, so stations that share a
// printer share its queue.
func printDB(ctx context.Context, e *env, cfg *printConfig) int {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	ctx, giveUp := context.WithCancelCause(ctx)
	defer giveUp(nil)
	store, closer, ok := openDB(ctx, e, "print", cfg.db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	var counts runCounts
	owner := cfg.station
	if owner == "" {
		owner, _ = os.Hostname()
	}
	opts := &dadan.Options{
		Store:    store,
		Printers: map[string]printer.Printer{},
		Routes:   map[printer.DocKind]string{},
		Spool:    printer.Options{Owner: owner, OnEvent: spoolLines(e, &counts), RetryPolicy: cliRetryPolicy, MaxRun: cfg.maxRun},
		Layout:   label.LayoutOptions{Mask: cfg.mask},
		Logger:   cliLogger(e),
	}
	var names []string
	for _, kind := range []printer.DocKind{printer.Waybill, printer.PackingList, printer.ProductLabel} {
		url, ok := cfg.urls[kind]
		if !ok {
			continue
		}
		name := cfg.templates[kind]
		if name == "" {
			name = defaultTemplates[kind]
		}
		t, err := loadTemplate(name)
		if err != nil {
			e.errorf("print: %v", err)
			return exitUsage
		}
		if got := dadan.TemplateKind(t); got != kind {
			e.errorf("print: template %s prints %s documents, not %s (its \"kind\")", name, kindName(got), kindName(kind))
			return exitUsage
		}
		format, err := urlLang(url)
		if err != nil {
			e.errorf("print: %v", err)
			return exitUsage
		}
		r, err := dadan.NewRenderer(format, nil)
		if err != nil {
			e.errorf("print: %v", err)
			return exitUsage
		}
		dev, code := openPrinter(ctx, e, "print", url)
		if dev == nil {
			return code
		}
		defer dev.Close()
		opts.Printers[url] = countAttempts(ctx, dev, cfg.retries, giveUp)
		opts.Routes[kind] = url
		opts.Documents = append(opts.Documents, dadan.Document{Kind: kind, Template: t, Renderer: r})
		names = append(names, url)
	}
	var tests countingCarrier
	if cfg.testNumbers {
		tests.Carrier = dadan.TestCarrierOn(store)
		opts.Carrier = &tests
	}
	st, err := dadan.New(opts)
	if err != nil {
		e.errorf("print: %v", err)
		return exitUsage
	}
	sum, err := st.PrintAll(withActor(ctx))
	for _, f := range sum.Failed {
		e.errorf("%s (the order is on hold)", readableText(ctx, fmt.Sprint(f)))
	}
	if n := tests.n.Load(); n > 0 {
		e.errorf("%d orders had no waybill number and got test numbers (not real waybills)", n)
	}
	code := jobReport(context.WithoutCancel(ctx), e, store, names, &counts, retriesCause(ctx, err, cfg.retries))
	if ctx.Err() != nil && unqueuedReport(context.WithoutCancel(ctx), e, store, store) > 0 {
		code = exitRefused
	}
	if len(sum.Failed) > 0 {
		code = exitRefused
	}
	return code
}

// unqueuedLines is how many orders unqueuedReport names one by one.
const unqueuedLines = 100

// unqueuedReport lists on stderr the approved orders a run that ended early
// (--timeout, or --retries on a printer) did not queue, and returns how many
// there are: they stay approved, and the next run prints them.
func unqueuedReport(ctx context.Context, e *env, orders order.Store, jobs printer.JobStore) int {
	n := 0
	for o, err := range orders.ListOrders(ctx, order.Approved) {
		if err != nil {
			e.errorf("print: listing orders: %v", err)
			return n + 1
		}
		js, err := jobs.Jobs(ctx, printer.JobFilter{Order: o.ID, Limit: 1})
		if err != nil {
			e.errorf("print: listing jobs: %v", err)
			return n + 1
		}
		if len(js) > 0 {
			continue // its jobs have their lines
		}
		n++
		if n <= unqueuedLines {
			e.errorf("order %s not queued: the run ended first; it stays approved", o.ID)
		}
	}
	if n > unqueuedLines {
		e.errorf("and %d more approved orders not queued", n-unqueuedLines)
	}
	return n
}

// urlLang is the printer language a printer URL names (lang=, default zpl).
func urlLang(raw string) (string, error) {
	u, err := neturl.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", dadan.ErrPrinterURL, err)
	}
	lang := strings.ToLower(u.Query().Get("lang"))
	if lang == "" {
		lang = "zpl"
	}
	if _, ok := dadan.Formats[lang]; !ok || lang == "pdf" || lang == "png" {
		return "", fmt.Errorf("%w: lang=%q", dadan.ErrPrinterURL, lang)
	}
	return lang, nil
}

// countingCarrier counts the numbers it hands out.
type countingCarrier struct {
	shipment.Carrier
	n atomic.Int64
}

func (c *countingCarrier) Allocate(ctx context.Context, req shipment.AllocateRequest) (shipment.Waybill, error) {
	w, err := c.Carrier.Allocate(ctx, req)
	if err == nil {
		c.n.Add(1)
	}
	return w, err
}

// docKinds maps the CLI's document kinds to the spooler's.
var docKinds = map[string]printer.DocKind{"waybill": printer.Waybill, "packing": printer.PackingList, "label": printer.ProductLabel}

// defaultTemplates are printed when --template does not say otherwise.
var defaultTemplates = map[printer.DocKind]string{printer.Waybill: "waybill-76x130", printer.PackingList: "packing-80mm", printer.ProductLabel: "product-60x40"}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// printFiles sends files as jobs, in order, through a spooler in memory.
func printFiles(ctx context.Context, e *env, url string, files []string, timeout time.Duration, retries int) int {
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
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dev, code := openPrinter(ctx, e, "print", url)
	if dev == nil {
		return code
	}
	defer dev.Close()
	ctx, giveUp := context.WithCancelCause(ctx)
	defer giveUp(nil)
	p := countAttempts(ctx, dev, retries, giveUp)
	store := memstore.New()
	var counts runCounts
	sp, err := printer.New(store, map[string]printer.Printer{"p": p}, &printer.Options{
		RetryPolicy: cliRetryPolicy,
		OnEvent:     spoolLines(e, &counts),
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
	derr := retriesCause(ctx, sp.Drain(ctx), retries)
	return jobReport(context.WithoutCancel(ctx), e, store, []string{"p"}, &counts, derr)
}

// spoolLines turns spooler events into progress lines on stderr; none claims a
// send that did not happen.
func spoolLines(e *env, n *runCounts) func(printer.Event) {
	return func(ev printer.Event) {
		switch ev.Kind {
		case printer.EventPrinted:
			n.printed.Add(1)
		case printer.EventSent:
			n.sent.Add(1)
		case printer.EventPaused:
			e.errorf("printer %s paused: %v", ev.Printer, ev.Err)
		case printer.EventResumed:
			e.errorf("printer %s ready, resuming", ev.Printer)
		case printer.EventSending:
			if ev.Job.Reprint {
				e.errorf("%s %s sent again, flagged as a reprint: %s", ev.Job.Key.Order, ev.Job.Key.Doc, ev.Job.ReprintReason)
			}
		case printer.EventUnconfirmed:
			e.errorf("%s %s reached the printer but is not confirmed (%v); it is not sent again", ev.Job.Key.Order, ev.Job.Key.Doc, ev.Err)
		case printer.EventFailed:
			e.errorf("%s %s failed: %v", ev.Job.Key.Order, ev.Job.Key.Doc, ev.Err)
		}
	}
}

// runCounts counts the jobs a run saw done.
type runCounts struct{ printed, sent atomic.Int64 }

// jobReport says how many jobs this run printed and lists on stderr every job of
// the printers that is not done, with what became of it, and returns the exit
// status: 0 when every job printed (or, on a printer without status, was sent
// whole), 1 otherwise.
func jobReport(ctx context.Context, e *env, store printer.JobStore, printers []string, n *runCounts, cause error) int {
	notDone := []printer.JobState{printer.Queued, printer.Sending, printer.Unconfirmed, printer.Failed}
	printed, sent, open := n.printed.Load(), n.sent.Load(), 0
	for _, name := range printers {
		for after := int64(0); ; {
			js, err := store.Jobs(ctx, printer.JobFilter{Printer: name, States: notDone, AfterSeq: after, Limit: 1000})
			if err != nil {
				e.errorf("print: listing jobs: %v", err)
				return exitRefused
			}
			for _, j := range js {
				after = j.Seq
				open++
				e.errorf("job %s %s %s on %s: %s", j.ID, j.Key.Order, j.Key.Doc, name, jobOutcome(j))
			}
			if len(js) < 1000 {
				break
			}
		}
	}
	msg := fmt.Sprintf("%d printed", printed)
	if sent > 0 {
		msg += fmt.Sprintf(", %d sent to printers that report no status", sent)
	}
	if open > 0 {
		msg += fmt.Sprintf(", %d not done", open)
	}
	fmt.Fprintln(e.stdout, "jobs: "+msg)
	if cause != nil && !errors.Is(cause, printer.ErrJobFailed) {
		e.errorf("print: %v", cause)
	}
	if open > 0 || cause != nil {
		return exitRefused
	}
	return exitOK
}

// cliRetryPolicy retries every failure the spooler would, but a device that is
// no printer: another try gets the same answer. Connection attempts are counted
// by [countAttempts], which ends the run at --retries.
func cliRetryPolicy(ctx context.Context, attempt int, err error) (bool, error) {
	if errors.Is(err, printer.ErrNotPrinter) {
		return false, nil
	}
	return printer.DefaultRetryPolicy(ctx, attempt, err)
}

// retriesCause names --retries in the error of a run that gave up on a
// printer it could not reach.
func retriesCause(ctx context.Context, err error, retries int) error {
	var re *printer.RetryError
	if cause := context.Cause(ctx); err != nil && errors.As(cause, &re) {
		return fmt.Errorf("%d connection attempts in a row failed (--retries %d): %w", re.Attempts, retries, re.Err)
	}
	return err
}

// jobOutcome says in words what became of a job that is not done.
func jobOutcome(j printer.Job) string {
	switch j.State {
	case printer.Queued:
		if j.PrintCount > 0 {
			return "not sent again yet (an earlier send may have printed in part)"
		}
		return "not sent"
	case printer.Sending:
		return "sending, outcome unknown"
	case printer.Unconfirmed:
		return "sent-unconfirmed: the printer received it whole but did not confirm it (" + j.LastError + ")"
	}
	return "failed: " + j.LastError
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
	u, _ := neturl.Parse(*url)
	if !ok && u != nil && u.Scheme == "file" {
		// Opened means the path exists and can be written; that is all a file knows.
		const note = "a file printer reports no printer status: the path exists and can be written, and a job counts as sent once written whole (see dadan jobs)"
		if *asJSON {
			b, _ := json.Marshal(struct {
				Printer string   `json:"printer"`
				Ready   bool     `json:"ready"`
				States  []string `json:"states"`
				Note    string   `json:"note"`
			}{*url, true, []string{}, note})
			fmt.Fprintln(e.stdout, string(b))
		} else {
			fmt.Fprintln(e.stdout, "writable; "+note)
		}
		return exitOK
	}
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
		fmt.Fprintln(e.stdout, string(statusJSON(*url, st)))
	} else {
		fmt.Fprintln(e.stdout, st.States)
	}
	return exitOK
}

// statusJSON is the line `status --json` prints for st of the printer at url:
// the raw reply as text when it is printable (a ZPL ~HS reply), else in hex,
// and none for CUPS, whose reply is an IPP message already read into states.
func statusJSON(url string, st printer.Status) []byte {
	states := []string{}
	if st.States != 0 {
		states = strings.Split(st.States.String(), "|")
	}
	out := struct {
		Printer string   `json:"printer"`
		Ready   bool     `json:"ready"`
		States  []string `json:"states"`
		Raw     string   `json:"raw,omitempty"`
		RawHex  string   `json:"raw_hex,omitempty"`
	}{Printer: url, Ready: st.Ready(), States: states}
	u, _ := neturl.Parse(url)
	switch {
	case u != nil && (u.Scheme == "cups" || u.Scheme == "ipp" || u.Scheme == "ipps"):
	case printableASCII(st.Raw):
		out.Raw = string(st.Raw)
	default:
		out.RawHex = hex.EncodeToString(st.Raw)
	}
	b, _ := json.Marshal(out)
	return b
}

// printableASCII reports whether b is printable ASCII text (a ZPL ~HS reply).
func printableASCII(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\r' && c != '\n' && c != '\t' && c != 0x02 && c != 0x03 {
			return false
		}
	}
	return true
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
