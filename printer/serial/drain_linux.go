package serial

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// openControl opens a second, non-blocking descriptor of the port (tarm/serial
// keeps its own to itself and blocks): jobs are written through it with
// deadlines, and its output queue is watched. Nil when it cannot be opened.
func openControl(name string) *os.File {
	f, err := os.OpenFile(name, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil
	}
	return f
}

// waitDrained waits until the port's output queue is empty (TIOCOUTQ), until dl
// or until ctx is done, then lets tcdrain wait out the bytes in the UART. A
// descriptor that is no terminal has nothing to drain.
func waitDrained(ctx context.Context, ctl *os.File, dl time.Time) error {
	if ctl == nil {
		return nil
	}
	fd := int(ctl.Fd())
	pause := time.Millisecond
	for {
		n, err := unix.IoctlGetInt(fd, unix.TIOCOUTQ)
		if errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EINVAL) {
			return nil
		}
		if err != nil {
			return os.NewSyscallError("ioctl TIOCOUTQ", err)
		}
		if n == 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%w (%d bytes not sent)", err, n)
		}
		if !time.Now().Before(dl) {
			return fmt.Errorf("%d bytes not sent in time: %w", n, os.ErrDeadlineExceeded)
		}
		time.Sleep(min(pause, time.Until(dl)))
		pause = min(2*pause, 20*time.Millisecond)
	}
	// TCSBRK with a non-zero argument is tcdrain: the queue is empty, so this
	// waits only for the UART's FIFO and shift register.
	if err := unix.IoctlSetInt(fd, unix.TCSBRK, 1); err != nil && !errors.Is(err, unix.ENOTTY) && !errors.Is(err, unix.EINVAL) {
		return os.NewSyscallError("tcdrain", err)
	}
	return nil
}

// discard drops what the port has not sent yet, so that a job reported cut short
// does not trickle out after.
func discard(ctl *os.File) {
	if ctl != nil {
		unix.IoctlSetInt(int(ctl.Fd()), unix.TCFLSH, unix.TCOFLUSH)
	}
}
