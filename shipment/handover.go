package shipment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
)

// Manifest is the list of parcels handed to one courier at once (交接单): the
// verified parcels not yet handed over, optionally checked against the
// courier's pickup scans.
type Manifest struct {
	Carrier string
	Date    time.Time // the day of the handover
	Batch   string    // the day's batch number for the carrier: 001, 002, ...
	Parcels []Parcel
	// Missing lists parcels on the list the courier did not scan; Unknown lists
	// numbers the courier scanned that are not on the list. Both are empty
	// until [Manifest.Reconcile].
	Missing []string
	Unknown []string
}

// Parcel is one line of a [Manifest].
type Parcel struct {
	TrackingNo  string
	OrderID     string
	Recipient   order.Party // manifests mask it when they are written
	Piece       int         // piece n of Pieces; 0 for a single parcel
	Pieces      int
	WeightGrams int
}

// Name is the manifest's name: carrier, date and batch, as in ZTO-20261111-001.
func (m *Manifest) Name() string {
	return m.Carrier + "-" + m.Date.Format("20060102") + "-" + m.Batch
}

// TotalGrams is the weight of the parcels weighed.
func (m *Manifest) TotalGrams() int {
	n := 0
	for _, p := range m.Parcels {
		n += p.WeightGrams
	}
	return n
}

// Reconcile checks the manifest against the numbers the courier scanned at
// pickup: parcels not scanned go to Missing and leave the list (only scanned
// parcels are handed over); numbers scanned but not listed go to Unknown.
func (m *Manifest) Reconcile(scans []string) {
	scanned := make(map[string]bool, len(scans))
	for _, s := range scans {
		scanned[s] = true
	}
	listed := make(map[string]bool, len(m.Parcels))
	kept := m.Parcels[:0]
	m.Missing, m.Unknown = []string{}, []string{}
	for _, p := range m.Parcels {
		listed[p.TrackingNo] = true
		if scanned[p.TrackingNo] {
			kept = append(kept, p)
		} else {
			m.Missing = append(m.Missing, p.TrackingNo)
		}
	}
	m.Parcels = kept
	for _, s := range scans {
		if !listed[s] && !slices.Contains(m.Unknown, s) {
			m.Unknown = append(m.Unknown, s)
		}
	}
}

// HandoverOptions wire [PrepareManifest] and [HandOver]. Orders and Shipments are
// required.
type HandoverOptions struct {
	Orders    order.Store
	Shipments Store
	// Sequence numbers the batches of a carrier's day; nil numbers every
	// manifest 001.
	Sequence Sequence
	Actor    string
	Clock    func() time.Time // nil means time.Now
	// Authorizer, if set, is asked by PrepareManifest and HandOver whether the
	// principal the context carries may hand parcels over ([access.ShipHandover]);
	// a refusal is a [*access.DeniedError] and changes nothing. HandOver journals
	// it on every order of the manifest. The manifest's recipients are masked
	// ([access.MaskParty]) unless the principal may read personal data
	// ([access.OrderReadPII]). Nil means no checks, nothing masked.
	Authorizer access.Authorizer
}

func (o *HandoverOptions) now() time.Time {
	if o.Clock != nil {
		return o.Clock()
	}
	return time.Now()
}

// PrepareManifest lists carrier's packed parcels whose orders are verified, and
// numbers the batch. Nothing changes until [HandOver].
func PrepareManifest(ctx context.Context, opts *HandoverOptions, carrier string) (*Manifest, error) {
	if err := access.Check(ctx, opts.Authorizer, access.ShipHandover); err != nil {
		return nil, err
	}
	if opts.Orders == nil || opts.Shipments == nil {
		return nil, errors.New("shipment: a handover needs Orders and Shipments")
	}
	if carrier == "" {
		return nil, errors.New("shipment: a handover needs a carrier")
	}
	pii := access.Allowed(ctx, opts.Authorizer, access.OrderReadPII)
	now := opts.now()
	m := &Manifest{Carrier: carrier, Date: now, Batch: "001", Parcels: []Parcel{}}
	after := ""
	for {
		shs, err := opts.Shipments.ListShipments(ctx, Filter{Carrier: carrier, States: []State{Packed}, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, sh := range shs {
			o, err := opts.Orders.GetOrder(ctx, sh.OrderID)
			if errors.Is(err, order.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if o.Status != order.Verified || blocked(o, sh) != "" {
				continue // refunded or changed since it was verified: not on the list
			}
			rec := o.Recipient
			if !pii {
				rec = access.MaskParty(rec)
			}
			m.Parcels = append(m.Parcels, Parcel{TrackingNo: sh.TrackingNo, OrderID: o.ID, Recipient: rec,
				Piece: sh.Piece, Pieces: sh.Pieces, WeightGrams: sh.WeightGrams})
		}
		if len(shs) < 500 {
			break
		}
		after = shs[len(shs)-1].TrackingNo
	}
	if opts.Sequence != nil {
		n, err := opts.Sequence.NextValue(ctx, "handover:"+carrier+":"+now.Format("20060102"))
		if err != nil {
			return nil, err
		}
		m.Batch = fmt.Sprintf("%03d", n)
	}
	return m, nil
}

// HandOver records m as handed over: its shipments move to handed_over with the
// batch, and each order whose parcels are all handed over moves to shipped. A
// parcel that changed since the manifest was made (voided, refunded) is left
// out; HandOver returns the numbers it handed over.
func HandOver(ctx context.Context, opts *HandoverOptions, m *Manifest) ([]string, error) {
	if err := access.Check(ctx, opts.Authorizer, access.ShipHandover); err != nil {
		seen := map[string]bool{}
		for _, p := range m.Parcels {
			if !seen[p.OrderID] {
				seen[p.OrderID] = true
				err = access.JournalRefusal(ctx, err, access.ShipHandover, opts.Orders, p.OrderID, opts.now)
			}
		}
		return nil, err
	}
	now := opts.now()
	var done []string
	orders := map[string]bool{}
	for _, p := range m.Parcels {
		err := opts.Shipments.UpdateShipment(ctx, p.TrackingNo, func(sh *Shipment) error {
			if err := Move(sh, HandedOver, now); err != nil {
				return err
			}
			sh.Batch = m.Name()
			return nil
		})
		if errors.Is(err, ErrIllegalTransition) {
			continue
		}
		if err != nil {
			return done, err
		}
		done = append(done, p.TrackingNo)
		orders[p.OrderID] = true
	}
	ids := make([]string, 0, len(orders))
	for id := range orders {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		shs, err := opts.Shipments.ListShipments(ctx, Filter{OrderID: id})
		if err != nil {
			return done, err
		}
		all := true
		for _, sh := range shs {
			if sh.State != Voided && sh.State.Rank() < HandedOver.Rank() {
				all = false
			}
		}
		if !all {
			continue
		}
		err = opts.Orders.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
			if o.Status == order.Shipped {
				return nil, nil
			}
			ev, err := order.Move(o, order.Shipped, now, opts.Actor, order.ActShipped, "handed over to "+m.Carrier+" in batch "+m.Name())
			return []order.Event{ev}, err
		})
		if err != nil {
			return done, err
		}
	}
	return done, nil
}
