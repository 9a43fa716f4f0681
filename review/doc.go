// Package review decides whether an order may go on to printing: the order
// receipt and review step of the warehouse rules (订单接收与审核). It checks that
// the recipient's name, address and phone are complete and plausible, that the
// items exist, are priced as listed and add up to the total, that stock covers
// them, and that nothing in the order asks for a person: a duplicate id, another
// order to the same recipient that could ship with it, a remark keyword, a red
// flag, a listed buyer, control characters or printer commands in an address.
//
// An [Engine] runs composable [Rule]s over a batch and returns a [Result] per
// order: its [Outcome] (approve, hold, reject, from the worst [Severity]) and its
// [Finding]s, each with a stable [Code], the JSON path of the field and a message
// in Simplified Chinese and English ([Finding.Message]). After the rules, stock is
// reserved across the batch in paid-at order, so a scarce SKU goes to the earliest
// payers.
//
// The host supplies what review cannot know: an [Inventory] (optionally a
// [Reserver]), a [PriceBook], a [Seen] store (a [SeenMany] is asked once a
// batch, not once an order) and a [Blacklist]. Held and rejected
// orders are settled with a [Resolution] ([Exchange], [Refund], [AdjustPrice])
// through [Apply], which returns the journal events and sends the order back to be
// reviewed again.
//
// [NormalizePhone] parses mobile, landline and virtual numbers for other packages
// too; the subpackage division holds the administrative division tables.
package review
