// Package order is the order model of dadan: an [Order] as a platform sends it
// (buyer, recipient, sender, items with money in decimal, remarks, flags and an
// optional [Waybill]), its lifecycle, and the append-only journal of what happened
// to it.
//
// The lifecycle is
//
//	received → approved → printed → verified → shipped
//
// with on_hold (review needs a person), rejected (back to received after a
// resolution) and cancelled (a refund, from any state before shipped). [Move]
// changes an order's [Status] and returns the journal [Event] for it, or a
// [*TransitionError] for a change the lifecycle does not allow.
//
// The order JSON format (DESIGN.md) is read by a [Decoder], one order at a time from
// JSON Lines or a JSON array, so a file of any size decodes in flat memory. A record
// that cannot be read is reported as a [*DecodeError] naming its line, order id and
// field, and the decoder goes on with the next. Members dadan does not know are kept
// in [Extra] and written back by [AppendJSON] and [Encoder].
//
// [Store] is what the station needs from storage: orders and the journal, changed
// together atomically. store/memstore implements it; store/storetest checks any
// implementation.
package order
