package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/review"
	"github.com/shopspring/decimal"
	"golang.org/x/text/language"
)

// newFlags returns a flag set that reports errors to e.stderr.
func newFlags(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("dadan "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	addAccessFlags(fs, e)
	return fs
}

// parse parses args and returns the exit status to use when parsing failed.
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return checkAccess(fs)
}

func langTag(s string) (language.Tag, error) {
	switch strings.ToLower(s) {
	case "zh", "zh-cn", "zh-hans", "cn":
		return language.SimplifiedChinese, nil
	case "en", "en-us", "en-gb":
		return language.English, nil
	}
	return language.Und, fmt.Errorf("unknown language %q (want zh or en)", s)
}

// loadStock reads a JSON object of units on hand by SKU.
func loadStock(path string) (review.StockMap, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m map[string]int
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for sku, n := range m {
		if n < 0 {
			return nil, fmt.Errorf("%s: stock of %s is %d: units on hand cannot be negative", path, sku, n)
		}
	}
	return review.StockMap(m), nil
}

// loadPrices reads a JSON object of list prices (decimal strings) by SKU.
func loadPrices(path string) (review.PriceMap, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parsePrices(b, path)
}

func parsePrices(b []byte, name string) (review.PriceMap, error) {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := make(review.PriceMap, len(m))
	for sku, s := range m {
		d, err := decimal.NewFromString(s)
		if err != nil {
			return nil, fmt.Errorf("%s: price of %s: %q is not a decimal", name, sku, s)
		}
		out[sku] = d
	}
	return out, nil
}

// openInput opens a file, or stdin for "-".
func openInput(path string, e *env) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(e.stdin), nil
	}
	return os.Open(path)
}

type jsonFinding struct {
	Code    string `json:"code"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

type jsonResult struct {
	ID       string        `json:"id"`
	Line     int           `json:"line,omitempty"`
	Outcome  string        `json:"outcome"`
	Findings []jsonFinding `json:"findings"`
}

// reviewFlags are the flags review and ingest share.
type reviewFlags struct {
	orders, stock, prices, lang *string
	asJSON                      *bool
}

func addReviewFlags(fs *flag.FlagSet) *reviewFlags {
	return &reviewFlags{
		orders: fs.String("orders", "", "orders `FILE`: JSON Lines or a JSON array; - for stdin (required)"),
		stock:  fs.String("stock", "", "stock `FILE`: JSON object of units on hand by SKU"),
		prices: fs.String("prices", "", "price book `FILE`: JSON object of list prices by SKU"),
		asJSON: fs.Bool("json", false, "print one JSON line per input order, in input order"),
		lang:   fs.String("lang", "zh", "language of messages: zh or en"),
	}
}

// config checks the flags and loads the review configuration.
func (rf *reviewFlags) config(fs *flag.FlagSet, e *env, cmd string) (review.Config, language.Tag, bool) {
	var cfg review.Config
	tag, err := langTag(*rf.lang)
	if err != nil {
		e.errorf("%s: %v", cmd, err)
		return cfg, tag, false
	}
	if *rf.orders == "" {
		e.errorf("%s: --orders is required", cmd)
		fs.Usage()
		return cfg, tag, false
	}
	if *rf.stock != "" {
		stock, err := loadStock(*rf.stock)
		if err != nil {
			e.errorf("%s: stock: %v", cmd, err)
			return cfg, tag, false
		}
		cfg.Inventory = stock
	}
	if *rf.prices != "" {
		prices, err := loadPrices(*rf.prices)
		if err != nil {
			e.errorf("%s: prices: %v", cmd, err)
			return cfg, tag, false
		}
		cfg.Prices = prices
	}
	return cfg, tag, true
}

func runReview(ctx context.Context, args []string, e *env) int {
	fs := newFlags("review", e)
	rf := addReviewFlags(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	cfg, tag, ok := rf.config(fs, e, "review")
	if !ok {
		return exitUsage
	}
	st, err := dadan.New(&dadan.Options{Review: cfg})
	if err != nil {
		e.errorf("review: %v", err)
		return exitUsage
	}
	return ingestFile(ctx, e, "review", st, rf, tag, false)
}

// ingestFile runs the orders file of rf through st and prints each result.
func ingestFile(ctx context.Context, e *env, cmd string, st *dadan.Station, rf *reviewFlags, tag language.Tag, stored bool) int {
	in, err := openInput(*rf.orders, e)
	if err != nil {
		e.errorf("%s: %v", cmd, err)
		return exitUsage
	}
	defer in.Close()
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	sum, err := st.Ingest(ctx, in, &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
		r = readableResult(ctx, r)
		if r.Refused() {
			e.errorf("refused: %v", r.Err)
		}
		if *rf.asJSON {
			return enc.Encode(toJSON(r, tag))
		}
		printResult(out, r, tag)
		return nil
	}})
	if err != nil {
		out.Flush()
		if code, ok := refusal(e, err); ok {
			return code
		}
		e.errorf("%s: %v", cmd, err)
		return exitRefused
	}
	switch {
	case stored:
		out.Flush()
		printStored(e.stderr, sum, tag)
	case !*rf.asJSON:
		printSummary(out, sum, tag)
	}
	if sum.Refused > 0 {
		return exitRefused
	}
	return exitOK
}

func toJSON(r dadan.Result, tag language.Tag) jsonResult {
	jr := jsonResult{ID: r.OrderID, Outcome: string(r.Outcome), Findings: []jsonFinding{}}
	if r.Refused() {
		jr.Line = r.Line
		field := ""
		if d := decodeErr(r.Err); d != nil {
			field = d.Field
		}
		jr.Findings = append(jr.Findings, jsonFinding{Code: "order.unreadable", Field: field, Message: r.Err.Error()})
		return jr
	}
	for _, f := range r.Findings {
		jr.Findings = append(jr.Findings, jsonFinding{Code: string(f.Code), Field: f.Field, Message: f.Message(tag)})
	}
	return jr
}

func printResult(w io.Writer, r dadan.Result, tag language.Tag) {
	if r.Refused() || r.Outcome == review.Approve && len(r.Findings) == 0 {
		return
	}
	fmt.Fprint(w, pad(r.OrderID, 18), " ", pad(outcomeName(r.Outcome, tag), 7))
	for i, f := range r.Findings {
		sep := "  "
		if i > 0 {
			sep = "; "
		}
		fmt.Fprint(w, sep, f.Message(tag))
	}
	fmt.Fprintln(w)
}

func outcomeName(o review.Outcome, tag language.Tag) string {
	if tag == language.SimplifiedChinese {
		switch o {
		case review.Approve:
			return "通过"
		case review.Hold:
			return "待处理"
		case review.Reject:
			return "驳回"
		}
	}
	return string(o)
}

func printSummary(w io.Writer, s dadan.Summary, tag language.Tag) {
	if tag == language.SimplifiedChinese {
		fmt.Fprintf(w, "订单 %d：通过 %d，待处理 %d，驳回 %d，无法读取 %d\n", s.Orders, s.Approved, s.Held, s.Rejected, s.Refused)
		return
	}
	fmt.Fprintf(w, "orders %d: approved %d, held %d, rejected %d, refused %d\n", s.Orders, s.Approved, s.Held, s.Rejected, s.Refused)
}

// printStored says what an ingest stored.
func printStored(w io.Writer, s dadan.Summary, tag language.Tag) {
	if tag == language.SimplifiedChinese {
		fmt.Fprintf(w, "订单 %d：通过 %d，待处理 %d，驳回 %d，无法读取 %d；新存入 %d，已存在 %d\n",
			s.Orders, s.Approved, s.Held, s.Rejected, s.Refused, s.Orders-s.Refused-s.Stored, s.Stored)
		return
	}
	fmt.Fprintf(w, "orders %d: approved %d, held %d, rejected %d, refused %d; %d stored, %d already stored\n",
		s.Orders, s.Approved, s.Held, s.Rejected, s.Refused, s.Orders-s.Refused-s.Stored, s.Stored)
}

// readableResult returns r as the user may see it: unless it may read personal
// data, the arguments of findings about a person's name, phone or address are
// masked, and phone numbers in the error of an unreadable order.
func readableResult(ctx context.Context, r dadan.Result) dadan.Result {
	if mayReadPII(ctx) {
		return r
	}
	if r.Err != nil {
		r.Err = &maskedError{msg: access.MaskText(r.Err.Error()), err: r.Err}
	}
	fs := make([]review.Finding, len(r.Findings))
	for i, f := range r.Findings {
		args := make([]any, len(f.Args))
		for j, a := range f.Args {
			s, ok := a.(string)
			if !ok {
				args[j] = a
				continue
			}
			switch {
			case strings.HasSuffix(f.Field, "phone"):
				s = access.MaskPhone(s)
			case strings.HasSuffix(f.Field, "name") || strings.HasSuffix(f.Field, "nick"):
				s = access.MaskName(s)
			case strings.HasSuffix(f.Field, "address"):
				s = access.MaskAddress(s)
			default:
				s = access.MaskText(s)
			}
			args[j] = s
		}
		f.Args = args
		fs[i] = f
	}
	r.Findings = fs
	return r
}

// maskedError is an error shown with personal data masked; errors.As still
// finds what it wraps.
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }
