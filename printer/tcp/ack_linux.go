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

// sockState reads the connection's TCP state and whether all written bytes are
// acknowledged (tcp_info: no unacknowledged segment, no byte unsent), in one
// call. For a connection no longer established it adds the socket's pending
// error and, for messages, the unacknowledged bytes (SIOCOUTQ).
func sockState(c net.Conn, detail bool) (state uint8, acked bool, unacked int, soErr error, err error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0, false, 0, nil, fmt.Errorf("tcp: %T has no file descriptor", c)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, false, 0, nil, err
	}
	var ierr error
	cerr := rc.Control(func(fd uintptr) {
		info, e := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
		if e != nil {
			ierr = os.NewSyscallError("getsockopt TCP_INFO", e)
			return
		}
		state, acked = info.State, info.Unacked == 0 && info.Notsent_bytes == 0
		if state != tcpEstablished && state != tcpCloseWait {
			if n, e := unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR); e == nil && n != 0 {
				soErr = syscall.Errno(n)
			}
		}
		if detail && !acked {
			unacked, _ = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ)
		}
	})
	if cerr != nil {
		return 0, false, 0, nil, cerr
	}
	return state, acked, unacked, soErr, ierr
}

// alive reports whether an idle connection can still carry a job: the printer
// has neither closed nor reset it.
func alive(c net.Conn) bool {
	state, _, _, _, err := sockState(c, false)
	return err == nil && state == tcpEstablished
}

// waitAcked waits until the peer has acknowledged every byte written on c, until
// dl or until ctx is done. The connection closing or being reset first is an
// error: the printer did not take all of it.
func waitAcked(ctx context.Context, c net.Conn, dl time.Time) error {
	pause := 100 * time.Microsecond
	var t *time.Timer
	for {
		state, acked, unacked, soErr, err := sockState(c, pause > 100*time.Microsecond)
		switch {
		case err != nil:
			return err
		case soErr != nil:
			return soErr
		case state != tcpEstablished && state != tcpCloseWait:
			return errConnLost
		case acked:
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
