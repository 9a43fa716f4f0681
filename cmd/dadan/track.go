package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/dadanhq/dadan/shipment"
)

// trackLine is one line of `dadan track --json`: what became of one event.
type trackLine struct {
	TrackingNo string `json:"tracking_no"`
	Time       string `json:"time"`
	State      string `json:"state"`
	// Result is moved (the shipment's state changed), stored (kept without a
	// change: late, or only a place), repeat (stored before), unknown (no such
	// shipment) or refused (the parcel is not handed over).
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
}

// maxEventLine is the longest event line read; a kuaidi100 push with a long
// history fits easily.
const maxEventLine = 1 << 20

// runTrack ingests tracking events from a file of JSON lines, in either format.
func runTrack(ctx context.Context, args []string, e *env) int {
	fs := newFlags("track", e)
	db := dbFlag(fs)
	events := fs.String("events", "", "`FILE` of JSON lines: kuaidi100 pushes or {\"tracking_no\",\"time\",\"status\",\"text\"}; - for standard input")
	asJSON := fs.Bool("json", false, "one JSON line per event")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *events == "" {
		e.errorf("track: --events FILE is required")
		return exitUsage
	}
	in := e.stdin
	if *events != "-" {
		f, err := os.Open(*events)
		if err != nil {
			e.errorf("track: %v", err)
			return exitUsage
		}
		defer f.Close()
		in = f
	}
	store, closer, ok := openDB(ctx, e, "track", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	ctx = withActor(ctx)
	desk := &shipment.Desk{Store: store, Orders: store, Authorizer: authorizer(ctx)}
	// Nothing to take in: this only asks whether the user may track.
	if _, err := desk.Ingest(ctx, nil); err != nil {
		if code, ok := refusal(e, err); ok {
			return code
		}
		e.errorf("track: %v", err)
		return exitRefused
	}
	if _, err := shipment.Sync(ctx, store, store, time.Now()); err != nil {
		e.errorf("track: %v", err)
		return exitRefused
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	code, n := exitOK, 0
	err := eachLine(in, maxEventLine, func(line string) error {
		n++
		if len(line) > maxEventLine {
			e.errorf("track: line %d: longer than %d bytes", n, maxEventLine)
			code = exitRefused
			return nil
		}
		if len(line) == 0 {
			return nil
		}
		evs, err := shipment.ParseEvents([]byte(line))
		if err != nil {
			e.errorf("track: line %d: %s", n, readableText(ctx, err.Error()))
			code = exitRefused
			return nil
		}
		as, err := desk.Ingest(ctx, evs)
		if err != nil {
			return err
		}
		for _, a := range as {
			l := trackLine{TrackingNo: a.TrackingNo, Time: a.Time.Format(time.RFC3339), State: string(a.To)}
			switch {
			case errors.Is(a.Err, shipment.ErrNotFound):
				l.Result, l.Error = "unknown", a.Err.Error()
				code = exitRefused
			case a.Err != nil:
				l.Result, l.Error = "refused", a.Err.Error()
				code = exitRefused
			case !a.Added:
				l.Result = "repeat"
			case a.Moved:
				l.Result = "moved"
			default:
				l.Result = "stored"
			}
			if a.Err != nil {
				l.Error = readableText(ctx, l.Error)
				e.errorf("track: line %d: %s: %s", n, a.TrackingNo, readableText(ctx, a.Err.Error()))
			}
			if *asJSON {
				if err := enc.Encode(l); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(out, "%-20s %-25s %-8s %s\n", l.TrackingNo, l.Time, l.Result, l.State)
			}
		}
		return nil
	})
	if err != nil {
		out.Flush()
		if code, ok := refusal(e, err); ok {
			return code
		}
		e.errorf("track: %v", err)
		return exitRefused
	}
	return code
}
