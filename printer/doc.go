// Package printer sends print jobs to label and receipt printers and keeps a
// durable, per-printer FIFO queue of them.
//
// A [Printer] only sends bytes; a transport that can also ask the device how it is
// implements [StatusReporter]. Transports live in sub-packages (printer/tcp,
// printer/serial, printer/file, printer/cups); printer/printertest emulates a
// network printer for tests.
//
// The [Spooler] journals every job in a [JobStore] before sending it and marks it
// printed only after the printer confirms it (where the transport can tell). On a
// printer fault that printer's queue pauses, polls the status with a [Backoff] and
// resumes in FIFO order; a job whose send state is unknown (a crash while sending, a
// connection lost after the bytes left) is sent again flagged as a reprint, never
// silently. With a [BatchClaimer] store the spooler claims a short run of jobs at
// once (up to [DefaultMaxRun], a fraction of a second of printing) and stores their outcome
// with the next claim; with an [AheadClaimer] store the next run is claimed while
// one is sent. Still one job at a time on the printer, in queue order, but after
// a crash the jobs of the runs in flight come back flagged as reprints whether or
// not they had printed.
//
// [ParseHostStatus] reads a Zebra ZPL ~HS reply, [ParseRealTimeStatus] an ESC/POS
// DLE EOT byte and [ParseTSPLStatus] a TSPL <ESC>!? byte. A transport that may face
// a printer that answers nothing implements [OneWay]; its status mode
// ([StatusAuto], [StatusQuery], [StatusNone]) says whether it asks.
package printer
