package tcp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// TCP states of tcp_info (include/net/tcp_states.h).
const (
	tcpEstablished = 1
	tcpCloseWait   = 8
)

// errConnLost is the cause when the connection failed while waiting for
// acknowledgements and the socket kept no error of its own.
var errConnLost = errors.New("connection lost")

// sockState reads the connection's TCP state, its unacknowledged bytes
// (SIOCOUTQ: bytes written and not yet acknowledged by the peer, sent or not) and
// its pending socket error.
func sockState(c net.Conn) (state uint8, unacked int, soErr error, err error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0, 0, nil, fmt.Errorf("tcp: %T has no file descriptor", c)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, 0, nil, err
	}
	var ierr error
	cerr := rc.Control(func(fd uintptr) {
		info, e := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
		if e != nil {
			ierr = os.NewSyscallError("getsockopt TCP_INFO", e)
			return
		}
		state = info.State
		if unacked, e = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ); e != nil {
			ierr = os.NewSyscallError("ioctl SIOCOUTQ", e)
			return
		}
		if n, e := unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR); e == nil && n != 0 {
			soErr = syscall.Errno(n)
		}
	})
	if cerr != nil {
		return 0, 0, nil, cerr
	}
	return state, unacked, soErr, ierr
}

// alive reports whether an idle connection can still carry a job: the printer
// has neither closed nor reset it.
func alive(c net.Conn) bool {
	state, _, soErr, err := sockState(c)
	return err == nil && soErr == nil && state == tcpEstablished
}

// waitAcked waits until the peer has acknowledged every byte written on c, until
// dl or until ctx is done. The connection closing or being reset first is an
// error: the printer did not take all of it.
func waitAcked(ctx context.Context, c net.Conn, dl time.Time) error {
	pause := 100 * time.Microsecond
	var t *time.Timer
	for {
		state, unacked, soErr, err := sockState(c)
		switch {
		case err != nil:
			return err
		case soErr != nil:
			return soErr
		case state != tcpEstablished && state != tcpCloseWait:
			return errConnLost
		case unacked == 0:
			return nil
		}
		now := time.Now()
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%w (%d bytes not acknowledged)", err, unacked)
		}
		if !now.Before(dl) {
			if cdl, ok := ctx.Deadline(); ok && !cdl.After(dl) {
				return fmt.Errorf("%w (%d bytes not acknowledged)", context.DeadlineExceeded, unacked)
			}
			return fmt.Errorf("%d bytes not acknowledged in time: %w", unacked, os.ErrDeadlineExceeded)
		}
		d := min(pause, dl.Sub(now))
		if t == nil {
			t = time.NewTimer(d)
			defer t.Stop()
		} else {
			t.Reset(d)
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("%w (%d bytes not acknowledged)", ctx.Err(), unacked)
		}
		pause = min(2*pause, 20*time.Millisecond)
	}
}
