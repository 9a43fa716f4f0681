// Package backup writes full and incremental backups of everything a dadan
// store holds and restores a new store from them.
//
// What a backup covers is every store interface: orders and their
// hash-chained journal, print jobs (state, Seq, lease, flags, hash, revision
// and bytes), shipments with their tracking events, courier problems and
// claims, QA inspections and lots, supply items, movements, print records
// and stocktakes, the device ledger (devices with their counters,
// maintenance, faults) and the named sequences ([shipment.Sequence]) that
// offline waybill numbers come from. A store is a [Store]: memstore, sqlite
// and postgres implement it, the last two parts through [Exporter] (listings
// the store interfaces lack) and [Loader] (storing records with their
// identities).
//
// A backup is one self-describing file: a manifest line (JSON: format, kind,
// the journal range it covers with the hashes at both ends, counts of each
// kind of record, and the SHA-256 of what follows) and then one JSON line per
// order, journal event and record, and last the index lines: for each kind
// the identity of every record the store held and a digest of its content.
//
// A full backup holds everything. An incremental one holds the journal events
// after the previous backup's head and the orders they concern, as they are
// when the backup is made, and every other record that is new or whose
// digest differs from the previous backup's index. Digests are the cursor
// because most records change in place without a sequence number moving (a
// job goes from sending to printed, a device's counters grow, a claim is
// paid) and stores keep no change log; the cost is that each backup reads
// every record (not only the changed ones) and each file carries the index,
// about 40 bytes a record. A shipment counts as changed with its tracking
// events, and then the increment holds it and all its events.
//
// [Restore] applies a full backup and then its increments in order, refusing
// a gap, a wrong order, a damaged file or a store that is not empty, and
// checks that the restored journal ends at the hash the backup names: the
// journal's hash chain ([order.Seal]) makes a restored store provably the
// same journal. Restored records keep their IDs and sequence numbers (job
// Seq, maintenance, fault, movement, stocktake and problem IDs, inspection
// and lot Seq, sequence values), and a restored store hands out the next
// ones after them, so a station restored from a backup repeats no number.
// Orders go through the store's own CreateOrder and UpdateOrder, and records
// through its Load, so a store that encrypts personal data at rest encrypts
// what it restores with its own key.
//
// A backup holds the data as the store interfaces return it: decrypted. A
// backup file is therefore plaintext, personal data included, whatever the
// store keeps at rest; keep backup files where only those who may restore
// may read them, and encrypt them for off-site copies ([Write] writes to any
// [io.Writer], so a host can pipe a backup through its own encryption;
// [WriteDir] writes a new file of a directory, readable by its owner only).
//
// A backup reads the store record by record, not as one snapshot: a record
// that changes while a backup runs is in the next one.
//
// Files of the first format (FormatV1, orders and journal only) still
// restore, and an increment written now may follow one.
package backup

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/shipment"
)

// Format is the manifest's format name of the files [Write] makes.
// [Restore] also reads files of FormatV1, which hold orders and the journal
// only.
const (
	Format   = "dadan-backup/2"
	FormatV1 = "dadan-backup/1"
)

// Kind says whether a backup is full or incremental.
type Kind string

// Kinds of backup.
const (
	Full        Kind = "full"
	Incremental Kind = "incremental"
)

// Manifest describes one backup file.
type Manifest struct {
	Format  string    `json:"format"`
	Kind    Kind      `json:"kind"`
	Created time.Time `json:"created"`
	// After is the journal head the backup continues from: zero for a full
	// backup, the previous backup's Head for an incremental one.
	After order.Head `json:"after"`
	// Head is the journal head the backup reaches.
	Head   order.Head `json:"head"`
	Orders int        `json:"orders"`
	Events int        `json:"events"`
	// Records counts the other records the file holds, by kind ([Kinds]).
	Records map[string]int `json:"records,omitempty"`
	SHA256  string         `json:"sha256"` // of every byte after the manifest line

	// index is the state of the store's records at this backup, from the
	// file's index lines; nil for a manifest not read from a whole file.
	index index
}

// Totals returns how many records of each kind the store held when the
// backup was made (not only those in the file), from the file's index; nil
// for a manifest without one. Tracking events are counted with their
// shipments and have no entry.
func (m Manifest) Totals() map[string]int {
	if m.index == nil {
		return nil
	}
	out := make(map[string]int, len(m.index))
	for k, sums := range m.index {
		out[k] = len(sums)
	}
	return out
}

// Errors of [Restore].
var (
	ErrDamaged = errors.New("backup: damaged file")
	ErrGap     = errors.New("backup: does not continue the restored journal (a missing or misordered increment)")
	ErrNotNew  = errors.New("backup: the store to restore into is not empty")
)

type eventJSON struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Order  string    `json:"order"`
	Action string    `json:"action"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Detail string    `json:"detail"`
	Prev   string    `json:"prev"`
	Hash   string    `json:"hash"`
}

func toJSON(ev order.Event) *eventJSON {
	return &eventJSON{ev.Seq, ev.Time, ev.Actor, ev.OrderID, string(ev.Action), string(ev.From), string(ev.To), ev.Detail, ev.Prev, ev.Hash}
}

func (e *eventJSON) event() order.Event {
	return order.Event{Seq: e.Seq, Time: e.Time, Actor: e.Actor, OrderID: e.Order, Action: order.Action(e.Action),
		From: order.Status(e.From), To: order.Status(e.To), Detail: e.Detail, Prev: e.Prev, Hash: e.Hash}
}

// indexJSON is an index line: the digests of every record of one kind.
type indexJSON struct {
	Kind string            `json:"kind"`
	Sums map[string]string `json:"sums"`
}

// Write writes a backup of s to w: a full one when after is nil, else an
// incremental one holding what changed since the backup whose manifest after
// is. now is the manifest's creation time. The journal of s must verify
// ([order.Verify]) over what the backup reads.
//
// Orders go by the journal: an increment holds the events after after.Head
// and the orders they name. Every other record goes by content: an increment
// holds the records that are new or differ from what they were at the
// previous backup, whose index (a digest of each record) after carries when
// it comes from [Write] or [ReadManifest]; an after without one (a manifest
// decoded by hand, or of a FormatV1 file) makes the increment hold every
// record. A backup reads the store record by record, not as one snapshot:
// a record changed while it runs is in the next backup.
//
// Write holds what follows the manifest in memory until it has the checksum;
// [WriteDir] streams it to a file instead.
func Write(ctx context.Context, w io.Writer, s Store, after *Manifest, now time.Time) (Manifest, error) {
	var payload bytes.Buffer
	m, err := write(ctx, &payload, s, after, now)
	if err != nil {
		return m, err
	}
	head, err := json.Marshal(m)
	if err != nil {
		return m, err
	}
	if _, err := w.Write(append(head, '\n')); err != nil {
		return m, err
	}
	_, err = w.Write(payload.Bytes())
	return m, err
}

// manifestRoom is the room [WriteDir] keeps for the manifest line: a manifest
// is a few hundred bytes.
const manifestRoom = 4096

// WriteDir writes a backup as [Write] does into a new file of dir named by
// [Name], readable by its owner only, and returns the manifest and the
// file's path. It streams the backup into the file and writes the manifest
// line (padded with spaces) at the start when it has the checksum, so it
// holds little in memory however large the store; the file gets its name
// only once it is complete and synced.
func WriteDir(ctx context.Context, dir string, s Store, after *Manifest, now time.Time) (Manifest, string, error) {
	f, err := os.CreateTemp(dir, ".backup-*")
	if err != nil {
		return Manifest{}, "", err
	}
	defer os.Remove(f.Name()) // after a failure; a renamed file stays
	defer f.Close()
	room := append(bytes.Repeat([]byte{' '}, manifestRoom-1), '\n')
	if _, err := f.Write(room); err != nil {
		return Manifest{}, "", err
	}
	m, err := write(ctx, f, s, after, now)
	if err != nil {
		return m, "", err
	}
	head, err := json.Marshal(m)
	if err != nil {
		return m, "", err
	}
	if len(head) >= manifestRoom {
		return m, "", fmt.Errorf("backup: a manifest of %d bytes", len(head))
	}
	copy(room, head)
	if _, err := f.WriteAt(room, 0); err != nil {
		return m, "", err
	}
	if err := f.Sync(); err != nil {
		return m, "", err
	}
	if err := f.Close(); err != nil {
		return m, "", err
	}
	path := filepath.Join(dir, Name(m))
	if err := os.Rename(f.Name(), path); err != nil {
		return m, "", err
	}
	return m, path, nil
}

// write writes what follows the manifest line to out and returns the
// manifest, its checksum set.
func write(ctx context.Context, out io.Writer, s Store, after *Manifest, now time.Time) (Manifest, error) {
	m := Manifest{Format: Format, Kind: Full, Created: now, Records: map[string]int{}}
	var prev index
	if after != nil {
		m.Kind, m.After, prev = Incremental, after.Head, after.index
	}
	h := sha256.New()
	payload := bufio.NewWriterSize(io.MultiWriter(out, h), 64<<10)
	enc := json.NewEncoder(payload)
	enc.SetEscapeHTML(false)

	// The journal since After, checked link by link; the orders it names.
	var evs []order.Event
	touched := map[string]bool{}
	at := m.After
	for ev, err := range s.Journal(ctx, m.After.Seq) {
		if err != nil {
			return m, err
		}
		if ev.Seq != at.Seq+1 || ev.Hash != "" && ev.Prev != at.Hash {
			return m, fmt.Errorf("backup: journal of the store: %w", &order.TamperError{Seq: at.Seq + 1, Reason: "the journal does not continue from the last backup"})
		}
		evs = append(evs, ev)
		touched[ev.OrderID] = true
		at = order.Head{Seq: ev.Seq, Hash: ev.Hash}
	}
	m.Head = at
	writeOrder := func(o *order.Order) error {
		payload.WriteString(`{"order":`)
		payload.Write(order.AppendJSON(nil, o))
		payload.WriteString("}\n")
		return nil
	}
	var ids []string
	if m.Kind == Full {
		for o, err := range s.ListOrders(ctx) {
			if err != nil {
				return m, err
			}
			ids = append(ids, o.ID)
			if err := writeOrder(o); err != nil {
				return m, err
			}
		}
	} else {
		for id := range touched {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			o, err := s.GetOrder(ctx, id)
			if err != nil {
				return m, fmt.Errorf("backup: order %s of the journal: %w", id, err)
			}
			if err := writeOrder(o); err != nil {
				return m, err
			}
		}
	}
	for _, ev := range evs {
		if err := enc.Encode(map[string]any{"event": toJSON(ev)}); err != nil {
			return m, err
		}
	}
	m.Orders, m.Events = len(ids), len(evs)

	// The other records: those that changed since the previous index.
	m.index = index{}
	for _, k := range kinds {
		m.Records[k] = 0
		if k != KindEvent {
			m.index[k] = map[string]string{}
		}
	}
	err := collect(ctx, s, func(r record) error {
		m.index[r.kind][r.key] = r.sum
		if old, ok := prev[r.kind][r.key]; ok && old == r.sum {
			return nil // as at the previous backup
		}
		payload.Write(r.line)
		payload.WriteByte('\n')
		m.Records[r.kind]++
		for _, b := range r.extra {
			payload.Write(b)
			payload.WriteByte('\n')
			m.Records[KindEvent]++
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	for _, k := range kinds {
		if sums, ok := m.index[k]; ok {
			if err := enc.Encode(map[string]any{"index": indexJSON{Kind: k, Sums: sums}}); err != nil {
				return m, err
			}
		}
	}
	if err := payload.Flush(); err != nil {
		return m, err
	}
	m.SHA256 = hex.EncodeToString(h.Sum(nil))
	return m, nil
}

// contents is what a backup file holds.
type contents struct {
	orders  []*order.Order
	events  []order.Event
	records Records
}

// read reads and checks a whole backup from r and returns its manifest and
// contents, or an error wrapping [ErrDamaged].
func read(r io.Reader) (Manifest, *contents, error) {
	var m Manifest
	br := bufio.NewReader(r)
	first, err := br.ReadBytes('\n')
	if err != nil {
		return m, nil, fmt.Errorf("%w: no manifest: %v", ErrDamaged, err)
	}
	if err := json.Unmarshal(first, &m); err != nil || m.Format != Format && m.Format != FormatV1 {
		return m, nil, fmt.Errorf("%w: not a %s manifest", ErrDamaged, Format)
	}
	if m.Kind != Full && m.Kind != Incremental {
		return m, nil, fmt.Errorf("%w: unknown kind of backup %q", ErrDamaged, m.Kind)
	}
	payload, err := io.ReadAll(br)
	if err != nil {
		return m, nil, err
	}
	sum := sha256.Sum256(payload)
	if hex.EncodeToString(sum[:]) != m.SHA256 {
		return m, nil, fmt.Errorf("%w: checksum does not match the manifest", ErrDamaged)
	}
	c := new(contents)
	counts := map[string]int{}
	if m.Format != FormatV1 {
		m.index = index{}
	}
	for n, l := range bytes.Split(payload, []byte{'\n'}) {
		if len(l) == 0 {
			if n == bytes.Count(payload, []byte{'\n'}) {
				break // the end of the last line
			}
			return m, nil, fmt.Errorf("%w: line %d is empty", ErrDamaged, n+2)
		}
		if err := c.line(&m, l, counts); err != nil {
			return m, nil, fmt.Errorf("%w: line %d: %v", ErrDamaged, n+2, err)
		}
	}
	if len(c.orders) != m.Orders || len(c.events) != m.Events {
		return m, nil, fmt.Errorf("%w: %d orders and %d events, the manifest says %d and %d", ErrDamaged, len(c.orders), len(c.events), m.Orders, m.Events)
	}
	for k, n := range c.records.Counts() {
		if n != m.Records[k] {
			return m, nil, fmt.Errorf("%w: %d records of kind %s, the manifest says %d", ErrDamaged, n, k, m.Records[k])
		}
	}
	for k := range m.Records {
		if !slices.Contains(kinds, k) {
			return m, nil, fmt.Errorf("%w: the manifest counts an unknown kind %q", ErrDamaged, k)
		}
	}
	return m, c, nil
}

// line decodes one line after the manifest into c (or m's index).
func (c *contents) line(m *Manifest, l []byte, counts map[string]int) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(l, &fields); err != nil {
		return err
	}
	if len(fields) != 1 {
		return fmt.Errorf("%d fields, not one", len(fields))
	}
	for k, raw := range fields {
		switch k {
		case "order":
			o := new(order.Order)
			if err := order.Unmarshal(raw, o); err != nil {
				return err
			}
			c.orders = append(c.orders, o)
		case "event":
			var e eventJSON
			if err := json.Unmarshal(raw, &e); err != nil {
				return err
			}
			c.events = append(c.events, e.event())
		case "index":
			var ix indexJSON
			if err := json.Unmarshal(raw, &ix); err != nil {
				return err
			}
			if m.index == nil || !slices.Contains(kinds, ix.Kind) || m.index[ix.Kind] != nil {
				return fmt.Errorf("an index of kind %q out of place", ix.Kind)
			}
			if ix.Sums == nil {
				ix.Sums = map[string]string{}
			}
			m.index[ix.Kind] = ix.Sums
		default:
			if m.Format == FormatV1 {
				return fmt.Errorf("a %s line in a %s file", k, FormatV1)
			}
			if err := c.records.add(k, raw); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReadManifest returns the manifest of the backup in r after checking the whole
// file against it. The manifest carries the file's index, so it can be the
// after of the next incremental [Write].
func ReadManifest(r io.Reader) (Manifest, error) {
	m, _, err := read(r)
	return m, err
}

// Restore applies the backups in rs, in order, to dst: the first must be a full
// backup and dst empty, each next one an increment continuing where the one
// before ended. Every file is checked before anything of it is applied; the
// restored journal must end at the hash each backup names. It returns the
// manifest of the last backup applied; on an error, the backups before the bad
// one stay applied.
func Restore(ctx context.Context, dst Store, rs ...io.Reader) (Manifest, error) {
	var last Manifest
	uses := map[string]bool{}
	for i, r := range rs {
		m, c, err := read(r)
		if err != nil {
			return last, fmt.Errorf("backup %d: %w", i+1, err)
		}
		if i == 0 {
			if m.Kind != Full {
				return last, fmt.Errorf("backup 1: %w: the first backup must be full, not %s", ErrGap, m.Kind)
			}
			if err := empty(ctx, dst); err != nil {
				return last, err
			}
		} else if m.Kind != Incremental || m.After != last.Head {
			return last, fmt.Errorf("backup %d: %w: it continues from seq %d, the restored journal ends at seq %d", i+1, ErrGap, m.After.Seq, last.Head.Seq)
		}
		if err := apply(ctx, dst, c.orders, c.events); err != nil {
			return last, fmt.Errorf("backup %d: %w", i+1, err)
		}
		head, err := order.VerifyStore(ctx, dst)
		if err != nil {
			return last, fmt.Errorf("backup %d: restored journal: %w", i+1, err)
		}
		if head != m.Head {
			return last, fmt.Errorf("backup %d: %w: the restored journal ends at seq %d %s, the backup at seq %d %s", i+1, ErrDamaged, head.Seq, head.Hash, m.Head.Seq, m.Head.Hash)
		}
		c.records.dropLoaded(uses)
		if !c.records.Empty() {
			if err := dst.Load(ctx, &c.records); err != nil {
				return last, fmt.Errorf("backup %d: %w", i+1, err)
			}
		}
		last = m
	}
	return last, nil
}

// empty returns [ErrNotNew] unless s holds nothing.
func empty(ctx context.Context, s Store) error {
	head, err := order.VerifyStore(ctx, s)
	if err != nil {
		return err
	}
	n := 0
	if head != (order.Head{}) {
		n++
	}
	for range s.ListOrders(ctx) {
		n++
		break
	}
	js, err := s.Jobs(ctx, printer.JobFilter{Limit: 1})
	n += len(js)
	shs, err2 := s.ListShipments(ctx, shipment.Filter{Limit: 1})
	n += len(shs)
	ps, err3 := s.ListProblems(ctx, shipment.ProblemFilter{})
	n += len(ps)
	ds, err4 := s.Devices(ctx)
	n += len(ds)
	its, err5 := s.Supplies(ctx)
	n += len(its)
	seqs, err6 := s.Sequences(ctx)
	n += len(seqs)
	sts, err7 := s.Stocktakes(ctx)
	n += len(sts)
	for _, err := range s.Inspections(ctx, qa.Filter{}) {
		n++
		err2 = cmp.Or(err2, err)
		break
	}
	for _, err := range s.Lots(ctx) {
		n++
		err2 = cmp.Or(err2, err)
		break
	}
	if err := errors.Join(err, err2, err3, err4, err5, err6, err7); err != nil {
		return err
	}
	if n > 0 {
		return ErrNotNew
	}
	return nil
}

// apply stores orders in their backed-up state and appends evs in order: the
// first event of an order not yet stored creates it.
func apply(ctx context.Context, dst order.Store, orders []*order.Order, evs []order.Event) error {
	byID := make(map[string]*order.Order, len(orders))
	for _, o := range orders {
		byID[o.ID] = o
	}
	done := map[string]bool{}
	put := func(id string, evs ...order.Event) error {
		o := byID[id]
		if o == nil {
			return fmt.Errorf("%w: event of order %s without the order", ErrDamaged, id)
		}
		if !done[id] {
			err := dst.CreateOrder(ctx, o.Clone(), evs...)
			if err == nil {
				done[id] = true
				return nil
			}
			if !errors.Is(err, order.ErrExists) {
				return err
			}
			done[id] = true
		}
		return dst.UpdateOrder(ctx, id, func(so *order.Order) ([]order.Event, error) {
			*so = *o.Clone()
			return evs, nil
		})
	}
	for i := 0; i < len(evs); {
		// consecutive events of one order go in one step
		j := i + 1
		for j < len(evs) && evs[j].OrderID == evs[i].OrderID {
			j++
		}
		batch := make([]order.Event, j-i)
		for k, ev := range evs[i:j] {
			ev.Seq, ev.Prev, ev.Hash = 0, "", "" // the store seals them again
			batch[k] = ev
		}
		if err := put(evs[i].OrderID, batch...); err != nil {
			return err
		}
		i = j
	}
	for _, o := range orders {
		if !done[o.ID] {
			if err := put(o.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// Name is the file name of a backup with manifest m in a backup directory:
// sortable, with the kind and the journal range.
func Name(m Manifest) string {
	return fmt.Sprintf("%s-%s-%012d-%012d.dadan-backup", m.Created.UTC().Format("20060102T150405Z"), m.Kind, m.After.Seq, m.Head.Seq)
}

// IsName reports whether a file name is one [Name] makes.
func IsName(name string) bool { return strings.HasSuffix(name, ".dadan-backup") }

// Due returns the kind of backup a schedule of a full backup every week and an
// incremental one every day calls for at now, given the manifests of the backups
// made so far (in order), or "" when none is due yet.
func Due(made []Manifest, now time.Time) Kind {
	var lastFull, last *Manifest
	for i := range made {
		if made[i].Kind == Full {
			lastFull = &made[i]
		}
		last = &made[i]
	}
	switch {
	case lastFull == nil || now.Sub(lastFull.Created) >= 7*24*time.Hour:
		return Full
	case now.Sub(last.Created) >= 24*time.Hour:
		return Incremental
	}
	return ""
}
