// Command dadan runs the order-printing workflow from the command line: review
// orders, render print documents, print them and ask printers for their status.
//
// Usage:
//
//	dadan demo [--out DIR] [--lang zh|en]
//	dadan review --orders FILE [--stock FILE] [--prices FILE] [--json] [--lang zh|en]
//	dadan render --orders FILE --template NAME --format zpl|escpos|tspl|pdf|png --out DIR [--dpi 203|300|600] [--mask] [--sort KEY] [--scale] [--strict]
//	dadan ingest --db PATH --orders FILE [--stock FILE] [--prices FILE] [--json] [--lang zh|en]
//	dadan print --db PATH --printer KIND=URL... [--template KIND=NAME]... [--timeout D] [--retries N]
//	dadan print --printer URL FILE...
//	dadan orders --db PATH [--status S] [--order ID] [--json]
//	dadan journal --db PATH [--order ID] [--json]
//	dadan journal --db PATH --verify [--json]
//	dadan jobs --db PATH [--state S] [--order ID] [--json]
//	dadan status --printer URL [--json]
//	dadan verify --db PATH [--json] < scans
//	dadan handover --db PATH --carrier CODE --out DIR [--scans FILE] [--json]
//	dadan track --db PATH --events FILE [--json]
//	dadan shipments --db PATH [--state S] [--carrier CODE] [--json]
//	dadan problems --db PATH [--carrier CODE] [--json]
//	dadan problems report --db PATH [--json]
//	dadan amend --db PATH --order ID --recipient FILE --reason TEXT
//	dadan carriers [--json]
//	dadan address [--json] TEXT...
//	dadan import --format taobao|top|pdd|douyin|csv --orders FILE [--items FILE] [--mapping FILE]
//	dadan qa plan --lot N --aql A [--level II] [--severity normal|tightened|reduced] [--json]
//	dadan qa sample|inspect|lot|report --db PATH … (see dadan qa -h)
//	dadan reprint --db PATH --order ID [--kind waybill|packing|label] --reason TEXT [--new-number]
//	dadan backup --db PATH --out DIR [--incremental]
//	dadan restore --from DIR --db NEWPATH
//	dadan retention --db PATH --days N [--dry-run] [--json]
//	dadan rekey --db PATH --keys FILE [--json]
//
// Every command takes --as USER (default $DADAN_USER) and --policy FILE (default
// $DADAN_POLICY): {"users": {"USER": ["ROLE", ...]}, "roles": {"ROLE": ["PERMISSION", ...]}},
// roles optional (the built-in roles of package access). Without a policy the
// local user may do everything; with one, a user it does not name may do nothing,
// and listings mask personal data unless the user may order.read_pii.
//
// Every command that opens a database takes --keys FILE (default $DADAN_KEYS):
// names, phones and addresses are then sealed in it (package store/seal).
//
// Every flag and printer URL option is described in the README, section "Every
// flag and URL option".
//
// Exit status is 0 on success, 1 when some input was refused (each refusal is on
// stderr with the order id and line), 2 for usage errors, 3 when the user may not
// do the action ("not permitted: USER may not PERMISSION" on stderr; nothing changed).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"strings"
)

// Exit statuses.
const (
	exitOK      = 0
	exitRefused = 1
	exitUsage   = 2
)

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	if path := os.Getenv("DADAN_CPUPROFILE"); path != "" { // for measuring whole runs
		if f, err := os.Create(path); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	if path := os.Getenv("DADAN_TRACE"); path != "" { // for measuring whole runs
		if f, err := os.Create(path); err == nil {
			if trace.Start(f) == nil {
				defer trace.Stop()
			}
		}
	}
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	pprof.StopCPUProfile()
	trace.Stop()
	os.Exit(code)
}

// The collector's settings of the command, unless GOGC or GOMEMLIMIT say
// otherwise: a shift's run allocates much and keeps little (pages of orders,
// documents on their way to a printer), so the collector runs less often and a
// soft limit keeps the heap from growing past what a station needs. A 100k
// print measured 6% less time (ingest 7%) than with Go's defaults; peak RSS
// stays under 200 MB (BENCHMARKS.md).
const (
	gcPercent = 400
	gcLimit   = 160 << 20
)

// tuneGC applies gcPercent and gcLimit unless getenv names GOGC or GOMEMLIMIT,
// and reports whether it did.
func tuneGC(getenv func(string) string) bool {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(gcLimit)
	return true
}

// command is one subcommand: it returns an exit status.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, env *env) int
}

// env is the process environment a command sees, replaceable in tests.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	sess           *session // --as and --policy
}

// errorf prints one message on stderr, prefixed "dadan: ". Errors of the
// library start with "dadan: " too; that prefix is said once.
func (e *env) errorf(format string, a ...any) {
	msg := strings.TrimPrefix(fmt.Sprintf(format, a...), "dadan: ")
	fmt.Fprintln(e.stderr, "dadan: "+strings.ReplaceAll(msg, ": dadan: ", ": "))
}

func commandList() []command {
	return []command{
		{"demo", "the whole flow on built-in sample orders", runDemo},
		{"review", "review orders and print the outcome of each", runReview},
		{"ingest", "review orders and store them in the database", runIngest},
		{"orders", "list the stored orders, or print one", runOrders},
		{"journal", "print the journal of every step, in order", runJournal},
		{"jobs", "list the print jobs and what became of each", runJobs},
		{"render", "render a template for each order to ZPL, ESC/POS, PDF or PNG", runRender},
		{"print", "send files to a printer through the spooler, in order", runPrint},
		{"status", "ask a printer for its status", runStatus},
		{"verify", "check parcels against their orders before packing, from scans", runVerify},
		{"handover", "hand a carrier's verified parcels over with a manifest (CSV and PDF)", runHandover},
		{"track", "take in tracking events (kuaidi100 pushes or plain lines)", runTrack},
		{"shipments", "list the shipments and where each is", runShipments},
		{"problems", "courier problems and claims; 'problems report' compares carriers", runProblems},
		{"amend", "change an order's recipient at the customer's request", runAmend},
		{"carriers", "list the courier codes an order's carrier field takes", runCarriers},
		{"address", "split one-line addresses into province, city, district, street and detail", runAddress},
		{"import", "read a platform export (taobao, top, pdd, douyin, csv) into order JSON lines", runImport},
		{"qa", "quality inspection: sampling, inspections, lots, reports", runQA},
		{"reprint", "queue a printed document again, flagged as a reprint, for the next dadan print", runReprint},
		{"backup", "write a full or incremental backup of everything the database holds", runBackup},
		{"restore", "build a new database from a full backup and its increments", runRestore},
		{"retention", "erase the personal data of orders delivered or cancelled more than N days ago", runRetention},
		{"rekey", "seal the database's personal data with the active key of --keys (rotation)", runRekey},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, sess: &session{}}
	ctx = withSession(ctx, e.sess)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commandList() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], e)
		}
	}
	e.errorf("unknown command %q", args[0])
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: dadan COMMAND [flags]\n\ncommands:")
	for _, c := range commandList() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'dadan COMMAND -h' for the flags of a command.")
}
