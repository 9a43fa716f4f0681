package shipment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrEvent is wrapped by the errors for tracking input that cannot be read.
var ErrEvent = errors.New("shipment: bad tracking event")

// china is the time zone of courier timestamps without one.
var china = time.FixedZone("CST", 8*3600)

// kuaidi100 status codes (lastResult.state and a step's statusCode) and words.
var kuaidi100 = map[string]State{
	"0": InTransit, "1": InTransit, "2": Exception, "3": Delivered, "4": Returned,
	"5": OutForDelivery, "6": Returned, "7": InTransit, "8": InTransit, "14": Returned,
	"在途": InTransit, "揽收": InTransit, "疑难": Exception, "签收": Delivered, "退签": Returned,
	"派件": OutForDelivery, "退回": Returned, "转投": InTransit, "清关": InTransit, "拒签": Returned,
}

// synonyms are status words of plain event lines.
var synonyms = map[string]State{
	"picked_up": InTransit, "collected": InTransit, "transit": InTransit, "accepted": InTransit,
	"delivering": OutForDelivery, "signed": Delivered, "problem": Exception, "return": Returned,
}

// Normalise maps a status code or word to a shipment state: the state names
// themselves, kuaidi100's codes (0 在途 … 14 拒签, and their three- and four-digit
// sub-codes such as 301 or 1401) and words, and a few English synonyms. ok is
// false for a status it does not know.
func Normalise(status string) (State, bool) {
	s := strings.TrimSpace(status)
	if st := State(strings.ToLower(s)); st.Valid() {
		return st, true
	}
	if st, ok := kuaidi100[s]; ok {
		return st, true
	}
	if st, ok := synonyms[strings.ToLower(s)]; ok {
		return st, true
	}
	if n := len(s); n >= 3 && n <= 4 && allDigits(s) {
		if st, ok := kuaidi100[s[:n-2]]; ok {
			return st, true
		}
	}
	return "", false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseTime reads RFC 3339 or a courier's "2006-01-02 15:04:05" in China time.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006/01/02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, china); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: time %q", ErrEvent, s)
}

type kuaidi100Push struct {
	LastResult *struct {
		Nu    string `json:"nu"`
		Com   string `json:"com"`
		State string `json:"state"`
		Data  []struct {
			Time       string `json:"time"`
			FTime      string `json:"ftime"`
			Context    string `json:"context"`
			Status     string `json:"status"`
			StatusCode string `json:"statusCode"`
			AreaName   string `json:"areaName"`
		} `json:"data"`
	} `json:"lastResult"`
}

// ParseKuaidi100 reads a kuaidi100 push (the JSON of its param field): one
// event per step of lastResult.data. A step's state comes from its status code
// or word; the newest step without one takes lastResult.state.
func ParseKuaidi100(b []byte) ([]Event, error) {
	var p kuaidi100Push
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEvent, err)
	}
	lr := p.LastResult
	if lr == nil || strings.TrimSpace(lr.Nu) == "" {
		return nil, fmt.Errorf("%w: kuaidi100 push without lastResult.nu", ErrEvent)
	}
	no := strings.TrimSpace(lr.Nu)
	evs := make([]Event, 0, len(lr.Data))
	newest := -1
	for i, d := range lr.Data {
		at, err := parseTime(firstNonEmpty(d.Time, d.FTime))
		if err != nil {
			return nil, err
		}
		ev := Event{TrackingNo: no, Time: at, Code: firstNonEmpty(d.StatusCode, d.Status), Text: d.Context,
			Location: d.AreaName, Source: "kuaidi100"}
		if st, ok := Normalise(d.StatusCode); ok {
			ev.State = st
		} else if st, ok := Normalise(d.Status); ok {
			ev.State = st
		}
		if newest < 0 || at.After(evs[newest].Time) {
			newest = i
		}
		evs = append(evs, ev)
	}
	if newest >= 0 && evs[newest].State == "" {
		if st, ok := Normalise(lr.State); ok {
			evs[newest].State, evs[newest].Code = st, lr.State
		}
	}
	return evs, nil
}

func firstNonEmpty(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

type plainEvent struct {
	TrackingNo *string `json:"tracking_no"`
	Time       string  `json:"time"`
	Status     string  `json:"status"`
	Text       string  `json:"text"`
	Location   string  `json:"location"`
}

// ParseLine reads a plain event line:
// {"tracking_no","time","status","text"} (and optionally "location"). A status
// [Normalise] does not know gives an event without a state.
func ParseLine(b []byte) (Event, error) {
	var p plainEvent
	if err := json.Unmarshal(b, &p); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrEvent, err)
	}
	if p.TrackingNo == nil || strings.TrimSpace(*p.TrackingNo) == "" {
		return Event{}, fmt.Errorf("%w: no tracking_no", ErrEvent)
	}
	at, err := parseTime(p.Time)
	if err != nil {
		return Event{}, err
	}
	st, _ := Normalise(p.Status)
	return Event{TrackingNo: strings.TrimSpace(*p.TrackingNo), Time: at, State: st, Code: p.Status, Text: p.Text,
		Location: p.Location, Source: "line"}, nil
}

// ParseEvents reads one JSON object in either format: a kuaidi100 push (it has
// lastResult) or a plain event line.
func ParseEvents(b []byte) ([]Event, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrEvent)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEvent, err)
	}
	if _, ok := probe["lastResult"]; ok {
		return ParseKuaidi100(b)
	}
	ev, err := ParseLine(b)
	if err != nil {
		return nil, err
	}
	return []Event{ev}, nil
}

// Applied is what became of one tracking event.
type Applied struct {
	Event
	Added    bool  // stored now; false for an event stored before
	Moved    bool  // the shipment's state changed
	From, To State // the shipment's state before and after
	// Err is set for an event that was not applied: an unknown number
	// ([ErrNotFound], nothing stored) or a parcel not handed over (a
	// [*TransitionError]; the event is stored).
	Err error
	// Problem is the id of the problem the event opened (a lost or damaged
	// parcel), if any.
	Problem string
}

// Ingest stores each event and moves its shipment forward (see [Advance]):
// repeats are stored once, late events are kept without moving the shipment
// back. An exception whose text reports a lost (丢失, 遗失) or damaged (破损)
// parcel opens a problem, once per parcel and kind. The error is the store's;
// per-event outcomes are in the results.
func Ingest(ctx context.Context, st Store, evs []Event) ([]Applied, error) {
	out := make([]Applied, 0, len(evs))
	for _, ev := range evs {
		a := Applied{Event: ev}
		var sh Shipment
		added, err := st.AddEvent(ctx, ev, func(s *Shipment) error {
			a.From, a.Err = s.State, nil
			moved, err := Advance(s, ev.State, ev.Time)
			if err != nil {
				a.Err = err
			}
			a.Moved, a.To, sh = moved, s.State, *s
			return nil
		})
		switch {
		case errors.Is(err, ErrNotFound):
			a.Err = err
		case err != nil:
			return out, err
		}
		a.Added = added
		if !added && a.Err == nil {
			a.From, a.To = "", ""
		}
		if added && ev.State == Exception {
			if kind := problemKind(ev.Text); kind != "" {
				id, err := openOnce(ctx, st, &Problem{TrackingNo: ev.TrackingNo, OrderID: sh.OrderID, Carrier: sh.Carrier,
					Kind: kind, Detail: ev.Text, OpenedBy: "tracking", OpenedAt: ev.Time})
				if err != nil {
					return out, err
				}
				a.Problem = id
			}
		}
		out = append(out, a)
	}
	return out, nil
}

func problemKind(text string) ProblemKind {
	switch {
	case strings.Contains(text, "丢失") || strings.Contains(text, "遗失"):
		return Lost
	case strings.Contains(text, "破损"):
		return Damaged
	}
	return ""
}

// openOnce opens p unless the parcel has an open problem of its kind; it returns
// the id of the problem opened, "" if none.
func openOnce(ctx context.Context, st ProblemStore, p *Problem) (string, error) {
	open, err := st.ListProblems(ctx, ProblemFilter{TrackingNo: p.TrackingNo, Kind: p.Kind, OpenOnly: true})
	if err != nil || len(open) > 0 {
		return "", err
	}
	if err := st.CreateProblem(ctx, p); err != nil {
		return "", err
	}
	return p.ID, nil
}

// Tracker asks a courier's or an aggregator's API for the events of a parcel,
// for hosts that poll rather than receive pushes. Implementations must be safe
// for concurrent use.
type Tracker interface {
	Track(ctx context.Context, carrier, trackingNo string) ([]Event, error)
}

// TrackerFunc adapts a function to [Tracker].
type TrackerFunc func(ctx context.Context, carrier, trackingNo string) ([]Event, error)

// Track implements [Tracker].
func (f TrackerFunc) Track(ctx context.Context, carrier, trackingNo string) ([]Event, error) {
	return f(ctx, carrier, trackingNo)
}

// Poll asks t for the events of every shipment the courier holds (handed over
// and not delivered or returned) and ingests them. A parcel t cannot track is
// skipped; the errors are returned joined after the others are done.
func Poll(ctx context.Context, st Store, t Tracker) ([]Applied, error) {
	var out []Applied
	var errs []error
	after := ""
	for {
		shs, err := st.ListShipments(ctx, Filter{States: []State{HandedOver, InTransit, OutForDelivery, Exception}, After: after, Limit: 500})
		if err != nil {
			return out, err
		}
		for _, sh := range shs {
			evs, err := t.Track(ctx, sh.Carrier, sh.TrackingNo)
			if err != nil {
				if ctx.Err() != nil {
					return out, ctx.Err()
				}
				errs = append(errs, fmt.Errorf("track %s: %w", sh.TrackingNo, err))
				continue
			}
			for i := range evs {
				evs[i].TrackingNo = sh.TrackingNo
			}
			as, err := Ingest(ctx, st, evs)
			out = append(out, as...)
			if err != nil {
				return out, err
			}
		}
		if len(shs) < 500 {
			return out, errors.Join(errs...)
		}
		after = shs[len(shs)-1].TrackingNo
	}
}
