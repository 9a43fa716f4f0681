package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/supplies"
)

// Store is what a backup is made of and restored into: every store interface
// of dadan, plus [Exporter] and [Loader]. memstore, sqlite and postgres
// implement it.
type Store interface {
	order.Store
	printer.JobStore
	printer.LedgerStore
	shipment.Store
	shipment.Sequence
	qa.Store
	supplies.Store
	Exporter
	Loader
}

// Exporter lists what the store interfaces have no listing for.
type Exporter interface {
	// Sequences returns the last value each named sequence
	// ([shipment.Sequence]) handed out.
	Sequences(ctx context.Context) (map[string]int64, error)
	// Stocktakes returns every stocktake, oldest ID first.
	Stocktakes(ctx context.Context) ([]supplies.Stocktake, error)
	// PrintUses returns every print record, in the order they were added.
	PrintUses(ctx context.Context) ([]supplies.PrintUse, error)
}

// Loader stores backed-up records with the identities they have in the backup.
type Loader interface {
	// Load stores r in one atomic step. Records with the identity of a stored
	// one replace it (jobs, devices, faults, supply items, stocktakes,
	// shipments, problems by ID, tracking number or spec); maintenance records,
	// movements, inspections and lots keep their IDs and Seq; tracking events
	// already stored (the same [shipment.Event.Key]) are skipped; print records
	// (which have no identity) are added, [Restore] passing each once; a sequence is set to its value when that is higher than the
	// stored one. IDs and sequence numbers the store hands out afterwards
	// (job Seq, record IDs, inspection Seq, sequence values) follow the
	// highest loaded. Stock on hand is recomputed from the movements.
	Load(ctx context.Context, r *Records) error
}

// Records is what a backup holds beside orders and their journal. Devices
// come before their maintenance and faults, supply items before their
// movements, shipments before their events.
type Records struct {
	Jobs        []printer.Job
	Devices     []printer.Device
	Maintenance []printer.MaintenanceRecord
	Faults      []printer.FaultRecord
	Supplies    []supplies.Item
	Movements   []supplies.Movement
	PrintUses   []supplies.PrintUse
	Stocktakes  []supplies.Stocktake
	Shipments   []*shipment.Shipment
	Events      []shipment.Event // tracking events, each shipment's in stored order
	Problems    []*shipment.Problem
	Inspections []qa.Inspection
	Lots        []qa.Lot
	Sequences   map[string]int64

	useKeys []string // the key of each print record, as a file holds it
}

// printUseJSON is a print record as a file holds it, with its key.
type printUseJSON struct {
	supplies.PrintUse
	Key string `json:"key,omitempty"`
}

// dropLoaded removes from r the print records whose key is in loaded, and adds
// the keys of the others to it: an increment that holds print records a
// restore added already (after a backup without an index) adds them once.
func (r *Records) dropLoaded(loaded map[string]bool) {
	if len(r.useKeys) != len(r.PrintUses) {
		return
	}
	var uses []supplies.PrintUse
	var keys []string
	for i, k := range r.useKeys {
		if k != "" && loaded[k] {
			continue
		}
		loaded[k] = k != ""
		uses, keys = append(uses, r.PrintUses[i]), append(keys, k)
	}
	r.PrintUses, r.useKeys = uses, keys
}

// Kinds of record, as the manifest counts them and the file names them.
const (
	KindJob         = "job"
	KindDevice      = "device"
	KindMaintenance = "maintenance"
	KindFault       = "fault"
	KindSupply      = "supply"
	KindMovement    = "movement"
	KindPrintUse    = "print_use"
	KindStocktake   = "stocktake"
	KindShipment    = "shipment"
	KindEvent       = "tracking_event"
	KindProblem     = "problem"
	KindInspection  = "inspection"
	KindLot         = "lot"
	KindSequence    = "sequence"
)

// Kinds returns the kinds of record in the order a backup file holds them.
func Kinds() []string { return slices.Clone(kinds) }

var kinds = []string{KindDevice, KindMaintenance, KindFault, KindSupply, KindMovement, KindPrintUse,
	KindStocktake, KindShipment, KindEvent, KindProblem, KindJob, KindInspection, KindLot, KindSequence}

// Counts returns how many records of each kind r holds.
func (r *Records) Counts() map[string]int {
	return map[string]int{
		KindJob: len(r.Jobs), KindDevice: len(r.Devices), KindMaintenance: len(r.Maintenance),
		KindFault: len(r.Faults), KindSupply: len(r.Supplies), KindMovement: len(r.Movements),
		KindPrintUse: len(r.PrintUses), KindStocktake: len(r.Stocktakes), KindShipment: len(r.Shipments),
		KindEvent: len(r.Events), KindProblem: len(r.Problems), KindInspection: len(r.Inspections),
		KindLot: len(r.Lots), KindSequence: len(r.Sequences),
	}
}

// Empty reports whether r holds no record.
func (r *Records) Empty() bool {
	for _, n := range r.Counts() {
		if n > 0 {
			return false
		}
	}
	return true
}

// index is the state of a store's records at a backup: for each kind, the
// identity of each record and a digest of its content. An incremental backup
// holds the records whose digest differs from the previous backup's index.
type index map[string]map[string]string

func digest(b ...[]byte) string {
	h := sha256.New()
	for _, p := range b {
		h.Write(p)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// record is one record read from the store, encoded as the file holds it.
type record struct {
	kind, key string
	line      []byte   // the encoded line, or nil for a shipment's events (see extra)
	extra     [][]byte // a shipment's tracking events, encoded
	sum       string
}

// collect reads every record of s but the orders and calls emit with each, in
// file order, with its identity and digest.
func collect(ctx context.Context, s Store, emit func(record) error) error {
	enc := func(kind string, v any) ([]byte, error) {
		b, err := json.Marshal(map[string]any{kind: v})
		if err != nil {
			return nil, fmt.Errorf("backup: encoding a %s: %w", kind, err)
		}
		return b, nil
	}
	put := func(kind, key string, v any) error {
		b, err := enc(kind, v)
		if err != nil {
			return err
		}
		return emit(record{kind: kind, key: key, line: b, sum: digest(b)})
	}
	devs, err := s.Devices(ctx)
	if err := putEach(put, KindDevice, func(d printer.Device) string { return d.ID })(devs, err); err != nil {
		return err
	}
	for _, d := range devs {
		if err := putEach(put, KindMaintenance, func(m printer.MaintenanceRecord) string { return m.ID })(s.Maintenance(ctx, d.ID)); err != nil {
			return err
		}
	}
	if err := putEach(put, KindFault, func(f printer.FaultRecord) string { return f.ID })(s.Faults(ctx, "")); err != nil {
		return err
	}
	if err := putEach(put, KindSupply, func(it supplies.Item) string { return it.Spec })(s.Supplies(ctx)); err != nil {
		return err
	}
	movs, err := s.Movements(ctx, "", minTime, maxTime)
	if err != nil {
		return err
	}
	slices.SortStableFunc(movs, func(a, b supplies.Movement) int { return cmpID(a.ID, b.ID) })
	for _, m := range movs {
		if err := put(KindMovement, m.ID, m); err != nil {
			return err
		}
	}
	uses, err := s.PrintUses(ctx)
	if err != nil {
		return err
	}
	seen := map[string]int{}
	for _, u := range uses {
		b, err := enc(KindPrintUse, u)
		if err != nil {
			return err
		}
		// A print record has no identity and never changes: its digest, and a
		// count for identical ones, is its key, which the line carries so a
		// restore adds it once; the index needs no digest.
		sum := digest(b)
		seen[sum]++
		key := sum + "#" + strconv.Itoa(seen[sum])
		if b, err = enc(KindPrintUse, printUseJSON{u, key}); err != nil {
			return err
		}
		if err := emit(record{kind: KindPrintUse, key: key, line: b}); err != nil {
			return err
		}
	}
	if err := putEach(put, KindStocktake, func(st supplies.Stocktake) string { return st.ID })(s.Stocktakes(ctx)); err != nil {
		return err
	}
	for after := ""; ; {
		shs, err := s.ListShipments(ctx, shipment.Filter{After: after, Limit: pageSize})
		if err != nil {
			return err
		}
		for _, sh := range shs {
			b, err := enc(KindShipment, sh)
			if err != nil {
				return err
			}
			evs, err := s.Events(ctx, sh.TrackingNo)
			if err != nil {
				return err
			}
			r := record{kind: KindShipment, key: sh.TrackingNo, line: b}
			parts := [][]byte{b}
			for _, ev := range evs {
				eb, err := enc(KindEvent, ev)
				if err != nil {
					return err
				}
				r.extra = append(r.extra, eb)
				parts = append(parts, eb)
			}
			r.sum = digest(parts...)
			if err := emit(r); err != nil {
				return err
			}
			after = sh.TrackingNo
		}
		if len(shs) < pageSize {
			break
		}
	}
	if err := putEach(put, KindProblem, func(p *shipment.Problem) string { return p.ID })(s.ListProblems(ctx, shipment.ProblemFilter{})); err != nil {
		return err
	}
	for afterSeq := int64(0); ; {
		js, err := s.Jobs(ctx, printer.JobFilter{AfterSeq: afterSeq, Limit: pageSize})
		if err != nil {
			return err
		}
		for _, j := range js {
			if err := put(KindJob, j.ID, j); err != nil {
				return err
			}
			afterSeq = j.Seq
		}
		if len(js) < pageSize {
			break
		}
	}
	for in, err := range s.Inspections(ctx, qa.Filter{}) {
		if err != nil {
			return err
		}
		if err := put(KindInspection, in.ID, in); err != nil {
			return err
		}
	}
	for l, err := range s.Lots(ctx) {
		if err != nil {
			return err
		}
		if err := put(KindLot, l.ID, l); err != nil {
			return err
		}
	}
	seqs, err := s.Sequences(ctx)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(seqs))
	for n := range seqs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := put(KindSequence, n, sequenceJSON{Name: n, Value: seqs[n]}); err != nil {
			return err
		}
	}
	return nil
}

// putEach returns a function that calls put with each record of a store's
// listing (as the listing returns them, with its error), keyed by key.
func putEach[T any](put func(kind, key string, v any) error, kind string, key func(T) string) func([]T, error) error {
	return func(xs []T, err error) error {
		if err != nil {
			return err
		}
		for _, x := range xs {
			if err := put(kind, key(x), x); err != nil {
				return err
			}
		}
		return nil
	}
}

// The bounds of Movements that select every movement.
var (
	minTime = time.Time{}
	maxTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// pageSize is how many jobs or shipments a backup reads at a time.
const pageSize = 10000

// sequenceJSON is a named sequence as a backup holds it.
type sequenceJSON struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

// cmpID orders IDs made of a prefix and a number by the number.
func cmpID(a, b string) int {
	na, nb := idNumber(a), idNumber(b)
	if na != nb {
		if na < nb {
			return -1
		}
		return 1
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func idNumber(id string) int64 {
	i := len(id)
	for i > 0 && id[i-1] >= '0' && id[i-1] <= '9' {
		i--
	}
	n, _ := strconv.ParseInt(id[i:], 10, 64)
	return n
}

// add decodes one record line of kind into r.
func (r *Records) add(kind string, raw json.RawMessage) error {
	var err error
	switch kind {
	case KindJob:
		var v printer.Job
		err = json.Unmarshal(raw, &v)
		r.Jobs = append(r.Jobs, v)
	case KindDevice:
		var v printer.Device
		err = json.Unmarshal(raw, &v)
		r.Devices = append(r.Devices, v)
	case KindMaintenance:
		var v printer.MaintenanceRecord
		err = json.Unmarshal(raw, &v)
		r.Maintenance = append(r.Maintenance, v)
	case KindFault:
		var v printer.FaultRecord
		err = json.Unmarshal(raw, &v)
		r.Faults = append(r.Faults, v)
	case KindSupply:
		var v supplies.Item
		err = json.Unmarshal(raw, &v)
		r.Supplies = append(r.Supplies, v)
	case KindMovement:
		var v supplies.Movement
		err = json.Unmarshal(raw, &v)
		r.Movements = append(r.Movements, v)
	case KindPrintUse:
		var v printUseJSON
		err = json.Unmarshal(raw, &v)
		r.PrintUses = append(r.PrintUses, v.PrintUse)
		r.useKeys = append(r.useKeys, v.Key)
	case KindStocktake:
		var v supplies.Stocktake
		err = json.Unmarshal(raw, &v)
		r.Stocktakes = append(r.Stocktakes, v)
	case KindShipment:
		v := new(shipment.Shipment)
		if err = json.Unmarshal(raw, v); err == nil {
			err = v.Validate()
		}
		r.Shipments = append(r.Shipments, v)
	case KindEvent:
		var v shipment.Event
		err = json.Unmarshal(raw, &v)
		r.Events = append(r.Events, v)
	case KindProblem:
		v := new(shipment.Problem)
		err = json.Unmarshal(raw, v)
		r.Problems = append(r.Problems, v)
	case KindInspection:
		var v qa.Inspection
		err = json.Unmarshal(raw, &v)
		r.Inspections = append(r.Inspections, v)
	case KindLot:
		var v qa.Lot
		err = json.Unmarshal(raw, &v)
		r.Lots = append(r.Lots, v)
	case KindSequence:
		var v sequenceJSON
		if err = json.Unmarshal(raw, &v); err == nil && v.Name == "" {
			err = fmt.Errorf("a sequence without a name")
		}
		if r.Sequences == nil {
			r.Sequences = map[string]int64{}
		}
		r.Sequences[v.Name] = v.Value
	default:
		return fmt.Errorf("unknown kind of record %q", kind)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	return nil
}
