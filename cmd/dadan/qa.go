package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/dadanhq/dadan/qa"
)

// qaCommands are the subcommands of `dadan qa`.
func qaCommands() []command {
	return []command{
		{"plan", "the ISO 2859-1 single sampling plan for a lot", runQAPlan},
	}
}

// runQA runs a subcommand of `dadan qa`.
func runQA(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, "usage: dadan qa SUBCOMMAND [flags]\n\nsubcommands:")
		for _, c := range qaCommands() {
			fmt.Fprintf(e.stderr, "  %-8s %s\n", c.name, c.summary)
		}
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range qaCommands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], e)
		}
	}
	e.errorf("qa: unknown subcommand %q", args[0])
	return exitUsage
}

// planLine is the output of `dadan qa plan --json`.
type planLine struct {
	Code   string `json:"code"`
	Sample int    `json:"sample"`
	Accept int    `json:"accept"`
	Reject int    `json:"reject"`
}

// aqlFlag parses --aql values such as 2.5 or 0.65.
type aqlFlag float64

func (a *aqlFlag) String() string { return strconv.FormatFloat(float64(*a), 'g', -1, 64) }
func (a *aqlFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*a = aqlFlag(v)
	return nil
}

func runQAPlan(ctx context.Context, args []string, e *env) int {
	fs := newFlags("qa plan", e)
	lot := fs.Int("lot", 0, "lot size `N` (required)")
	var aql aqlFlag
	fs.Var(&aql, "aql", "acceptance quality limit `A`: 0.010 … 1000 (required)")
	level := fs.String("level", "II", "inspection `LEVEL`: S-1 … S-4, I, II, III")
	severity := fs.String("severity", "normal", "`SEVERITY` of inspection: normal, tightened or reduced")
	asJSON := fs.Bool("json", false, "print the plan as a JSON line")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *lot == 0 || aql == 0 {
		e.errorf("qa plan: --lot and --aql are required")
		return exitUsage
	}
	r, err := qa.ParseRegime(*severity)
	if err != nil || r == qa.Discontinued {
		e.errorf("qa plan: --severity %q: want normal, tightened or reduced", *severity)
		return exitUsage
	}
	p, err := qa.PlanFor(*lot, qa.Level(*level), float64(aql), r)
	if err != nil {
		e.errorf("qa plan: %v", err)
		return exitUsage
	}
	if *asJSON {
		return writeJSONLine(e, planLine{Code: p.Code, Sample: p.Sample, Accept: p.Accept, Reject: p.Reject})
	}
	full := ""
	if p.Full {
		full = " (100 % inspection)"
	}
	fmt.Fprintf(e.stdout, "code %s (lot %d, level %s, AQL %v, %s): inspect %d%s, accept with %d or fewer, reject with %d or more\n",
		p.Code, p.Lot, p.Level, p.AQL, p.Regime, p.Sample, full, p.Accept, p.Reject)
	return exitOK
}

func writeJSONLine(e *env, v any) int {
	if err := encodeLine(e.stdout, v); err != nil {
		e.errorf("%v", err)
		return exitRefused
	}
	return exitOK
}

func encodeLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
