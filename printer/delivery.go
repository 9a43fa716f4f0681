package printer

import "errors"

// Delivery errors a transport wraps, so the spooler knows whether a job can have
// reached the printer whole.
var (
	// ErrPartial is wrapped when the connection failed with bytes of a job the
	// printer did not acknowledge: it cannot hold the job whole, so the spooler
	// sends it again, flagged as a reprint.
	ErrPartial = errors.New("printer: job not received whole")
	// ErrNoStatus is wrapped by Status when the printer does not answer in time.
	ErrNoStatus = errors.New("printer: no status reply")
)

// OneWay is implemented by printers that know they report no status (a status
// mode of none, or a printer that never answered). The spooler counts a job such
// a printer received whole as [Sent].
type OneWay interface {
	OneWay() bool
}
