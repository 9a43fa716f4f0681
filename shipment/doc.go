// Package shipment follows a parcel from waybill allocation to delivery, the
// part of the workflow after the printer:
//
//   - [Carrier] allocates and cancels waybill numbers (offline ranges in
//     package shipment/pool);
//   - [Shipment] and its ranked lifecycle ([State], [Move], [Advance]), kept in
//     a [Store] (store/memstore, store/sqlite; [Register] and [Sync] create
//     shipments for printed orders);
//   - [Verifier], scan verification before packing: a waybill number opens a
//     parcel, item scans count its items, and refunded, changed or voided
//     parcels are blocked; an ok parcel moves its order to verified;
//   - [PrepareManifest] and [HandOver], the handover to a courier with a
//     manifest (written as CSV and PDF by package shipment/manifest), checked
//     against the courier's pickup scans;
//   - tracking: [ParseKuaidi100], [ParseLine], [Ingest], the push handler
//     [NewHandler], and [Tracker] with [Poll] for hosts that poll;
//   - courier problems: [FindDelays], [ReportProblem], claims ([StartClaim],
//     [SubmitClaim], [SettleClaim]) and the per-carrier [Analyze];
//   - customer changes of recipient: the [ChangeCheck] hook a host supplies and
//     the optional [Interceptor] ability of a Carrier, used by the root
//     package's Station.Amend (which checks access.OrderAmend).
//
// Who may do what: [VerifyOptions], [HandoverOptions] and [HandlerOptions] take
// an access.Authorizer, and [Desk] is tracking, problems and claims checked
// against one; a refusal is an *access.DeniedError, journaled on the order
// concerned. Without an Authorizer nothing is checked; the package functions
// ([Ingest], [ReportProblem], ...) never check, nor do [Register] and [Sync],
// which only derive shipments from printed orders.
//
// The package touches no I/O but through the interfaces it declares; it never
// prints.
package shipment
