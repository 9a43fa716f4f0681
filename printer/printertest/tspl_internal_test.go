package printertest

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// nullConn is a connection that swallows replies.
type nullConn struct{ net.Conn }

func (nullConn) Write(p []byte) (int, error) { return len(p), nil }

// feed parses data as one TSPL connection that receives it in the given pieces,
// and returns the jobs and the number of status queries answered.
func feed(pieces ...[]byte) ([]Job, int) {
	p := &Printer{conns: map[net.Conn]struct{}{}, dropAfter: -1, opts: Options{Language: TSPL}}
	cs := &conn{p: p, c: nullConn{}, id: 1}
	for _, b := range pieces {
		cs.tspl(append([]byte(nil), b...))
	}
	return p.jobs, p.queries
}

// FuzzTSPLStream checks that the TSPL parser never panics and finds the same
// jobs and status queries however the stream is split across reads.
func FuzzTSPLStream(f *testing.F) {
	f.Add([]byte("SIZE 40 mm,30 mm\r\nCLS\r\nBITMAP 0,0,2,2,1,\r\nPR\r\nPRINT 3,2\r\n\x1b!?"), 7)
	f.Add([]byte("\x1b!\x1b!?PRINT\nBITMAP 1,1,1,1,0,\x1b!?PRINT 1\r\n"), 3)
	f.Add([]byte("print 1,1\r\nBITMAP 0,0,99999,99999,0,xx"), 12)
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		if len(data) > 4096 {
			return
		}
		whole, q1 := feed(data)
		cut = max(0, min(cut, len(data)))
		split, q2 := feed(data[:cut], data[cut:])
		require.Equal(t, q1, q2)
		require.Equal(t, len(whole), len(split))
		for i := range whole {
			require.Equal(t, string(whole[i].Data), string(split[i].Data))
			require.Equal(t, whole[i].Labels, split[i].Labels)
			require.GreaterOrEqual(t, whole[i].Labels, 0)
		}
	})
}
