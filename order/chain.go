package order

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
)

// Head is where a journal ends: the Seq and Hash of its last event.
type Head struct {
	Seq  uint64
	Hash string
}

// HeadReader is the optional ability of a [Store] to tell the head it recorded
// when it last appended, kept apart from the events, so [VerifyStore] finds a
// journal whose last events were removed.
type HeadReader interface {
	JournalHead(ctx context.Context) (Head, error)
}

// HashEvent returns the hash of ev: hex SHA-256 over Prev, Seq and every field,
// each length-prefixed, with Time in microseconds since the epoch (the precision
// every store keeps), so the hash survives a copy from one store to another.
func HashEvent(ev *Event) string {
	h := sha256.New()
	var b [binary.MaxVarintLen64]byte
	str := func(s string) {
		h.Write(b[:binary.PutUvarint(b[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	str("dadan journal 1")
	str(ev.Prev)
	h.Write(b[:binary.PutUvarint(b[:], ev.Seq)])
	var us int64
	if !ev.Time.IsZero() {
		us = ev.Time.UnixMicro()
	}
	h.Write(b[:binary.PutVarint(b[:], us)])
	for _, s := range [...]string{ev.Actor, ev.OrderID, string(ev.Action), string(ev.From), string(ev.To), ev.Detail} {
		str(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Seal makes ev the event after head: it sets Seq to head.Seq+1, Prev to head.Hash
// and Hash, and returns the new head. Stores call it as they append.
func Seal(ev *Event, head Head) Head {
	ev.Seq, ev.Prev = head.Seq+1, head.Hash
	ev.Hash = HashEvent(ev)
	return Head{Seq: ev.Seq, Hash: ev.Hash}
}

// ErrTampered is matched (with errors.Is) by a [*TamperError].
var ErrTampered = errors.New("order: journal tampered with")

// TamperError names the first journal event that is not what was appended.
type TamperError struct {
	Seq    uint64 // the first bad sequence number
	Reason string // edited, missing, out of order, …
}

func (e *TamperError) Error() string {
	return fmt.Sprintf("order: journal tampered with at seq %d: %s", e.Seq, e.Reason)
}

// Is reports whether target is [ErrTampered].
func (e *TamperError) Is(target error) bool { return target == ErrTampered }

// Verify checks a journal read from its start: sequence numbers run 1, 2, 3…
// without gaps (every store hands them out so), each event's Hash must be its
// [HashEvent] and its Prev the Hash of the event before. When head is not nil the journal must end there (a journal whose
// last events were cut off ends early). Events without Prev and Hash before the
// first sealed one were appended before the journal was chained and are only
// checked for their sequence numbers. It returns the head it read, or a [*TamperError] naming the
// first bad sequence number.
func Verify(events iter.Seq2[Event, error], head *Head) (Head, error) {
	var (
		at     Head
		sealed bool
	)
	for ev, err := range events {
		if err != nil {
			return at, err
		}
		switch {
		case ev.Seq <= at.Seq:
			return at, &TamperError{Seq: ev.Seq, Reason: fmt.Sprintf("out of order: after seq %d", at.Seq)}
		case ev.Seq != at.Seq+1:
			return at, &TamperError{Seq: at.Seq + 1, Reason: fmt.Sprintf("missing: seq %d follows seq %d", ev.Seq, at.Seq)}
		case ev.Hash == "" && ev.Prev == "" && !sealed:
			at = Head{Seq: ev.Seq}
			continue
		case ev.Hash == "":
			return at, &TamperError{Seq: ev.Seq, Reason: "not sealed"}
		case ev.Prev != at.Hash:
			return at, &TamperError{Seq: ev.Seq, Reason: "does not follow the event before (removed or reordered)"}
		case HashEvent(&ev) != ev.Hash:
			return at, &TamperError{Seq: ev.Seq, Reason: "edited"}
		}
		sealed = true
		at = Head{Seq: ev.Seq, Hash: ev.Hash}
	}
	if head != nil && *head != at {
		if head.Seq > at.Seq {
			return at, &TamperError{Seq: at.Seq + 1, Reason: fmt.Sprintf("missing: the journal ends at seq %d, the store appended up to %d", at.Seq, head.Seq)}
		}
		return at, &TamperError{Seq: head.Seq, Reason: "the store's recorded head differs from the journal"}
	}
	return at, nil
}

// VerifyStore verifies the whole journal of s, against its recorded head when s
// is a [HeadReader].
func VerifyStore(ctx context.Context, s Store) (Head, error) {
	var head *Head
	if hr, ok := s.(HeadReader); ok {
		h, err := hr.JournalHead(ctx)
		if err != nil {
			return Head{}, err
		}
		head = &h
	}
	return Verify(s.Journal(ctx, 0), head)
}
