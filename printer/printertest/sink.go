package printertest

import (
	"bytes"
	"fmt"
	"net"
	"sync"
)

// Sink is a plain socket on 127.0.0.1 that accepts connections and reads
// everything sent to it, and never answers: a one-way network device, or a port
// that is no printer at all. Its methods are safe for concurrent use.
type Sink struct {
	ln   net.Listener
	mu   sync.Mutex
	data bytes.Buffer
	nc   int
	wg   sync.WaitGroup
	cs   map[net.Conn]struct{}
}

// NewSink starts a sink on a free port. readBuffer, when positive, is the
// receive buffer of its connections (see [Options.ReadBuffer]).
func NewSink(readBuffer int) (*Sink, error) {
	p := &Printer{opts: Options{ReadBuffer: readBuffer}}
	ln, err := p.listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("printertest: %w", err)
	}
	s := &Sink{ln: ln, cs: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Addr is the host:port the sink listens on.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Bytes returns a copy of everything read so far, from all connections in turn.
func (s *Sink) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.data.Bytes())
}

// Connections is the number of connections accepted.
func (s *Sink) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nc
}

// Close stops the sink, closes its connections and waits for its goroutines.
func (s *Sink) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	for c := range s.cs {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Sink) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.nc++
		s.cs[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			buf := make([]byte, 32<<10)
			for {
				n, err := c.Read(buf)
				s.mu.Lock()
				s.data.Write(buf[:n])
				s.mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
}
