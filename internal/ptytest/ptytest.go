// Package ptytest makes a serial line for tests without hardware: a pseudo
// terminal pair joined by socat (Debian package socat), one end for the host to
// open as its printer port, the other read by the test as the printer.
package ptytest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Line is a serial line whose printer end only reads: its transmit wire is not
// connected, as on a one-way printer.
type Line struct {
	Host string // the path the host opens, as in serial://HOST

	mu  sync.Mutex
	got bytes.Buffer
}

// New starts a line; it skips the test when socat is missing, and stops when
// the test ends.
func New(t testing.TB) *Line {
	t.Helper()
	if _, err := exec.LookPath("socat"); err != nil {
		t.Skip("socat not found (Debian package socat): no pty pair for a serial printer")
	}
	dir := t.TempDir()
	host, dev := filepath.Join(dir, "ttyA"), filepath.Join(dir, "ttyB")
	cmd := exec.Command("socat", "pty,raw,echo=0,link="+host, "pty,raw,echo=0,link="+dev)
	if err := cmd.Start(); err != nil {
		t.Fatalf("ptytest: socat: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		_, e1 := os.Stat(host)
		_, e2 := os.Stat(dev)
		if e1 == nil && e2 == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ptytest: socat made no pty pair in 5s")
		}
	}
	d, err := os.OpenFile(dev, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("ptytest: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	l := &Line{Host: host}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := d.Read(buf)
			l.mu.Lock()
			l.got.Write(buf[:n])
			l.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return l
}

// Bytes returns a copy of what the printer end has read so far.
func (l *Line) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.got.Bytes())
}
