package pdf

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// pdfObject is one indirect object of a file: its dictionary text and its decoded
// stream data, if any.
type pdfObject struct {
	dict   string
	stream []byte
}

var (
	startxrefRe = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`)
	lengthRe    = regexp.MustCompile(`/Length (\d+)`)
)

// parsePDF reads a file through its cross-reference table, checking that every
// offset points at the header of its object.
func parsePDF(t testing.TB, b []byte) map[int]pdfObject {
	t.Helper()
	require.True(t, bytes.HasPrefix(b, []byte("%PDF-1.7\n")), "header")
	m := startxrefRe.FindSubmatch(b)
	require.NotNil(t, m, "startxref at end")
	xref, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(b[xref:], []byte("xref\n0 ")), "xref offset")
	rest := b[xref+len("xref\n0 "):]
	nl := bytes.IndexByte(rest, '\n')
	n, err := strconv.Atoi(string(rest[:nl]))
	require.NoError(t, err)
	entries := rest[nl+1:]
	require.Equal(t, "0000000000 65535 f \n", string(entries[:20]))
	objs := make(map[int]pdfObject, n)
	for i := 1; i < n; i++ {
		e := entries[20*i : 20*i+20]
		require.Equal(t, " 00000 n \n", string(e[10:]), "entry %d", i)
		off, err := strconv.Atoi(string(e[:10]))
		require.NoError(t, err)
		hdr := strconv.Itoa(i) + " 0 obj\n"
		require.Equal(t, hdr, string(b[off:off+len(hdr)]), "object %d offset", i)
		body := b[off+len(hdr):]
		var o pdfObject
		if s := bytes.Index(body, []byte(">>\nstream\n")); s >= 0 && s < bytes.Index(body, []byte("endobj")) {
			o.dict = string(body[:s+2])
			lm := lengthRe.FindStringSubmatch(o.dict)
			require.NotNil(t, lm, "stream length of %d", i)
			ln, _ := strconv.Atoi(lm[1])
			data := body[s+len(">>\nstream\n"):]
			require.Equal(t, "\nendstream\nendobj\n", string(data[ln:ln+len("\nendstream\nendobj\n")]), "stream end of %d", i)
			data = data[:ln]
			if bytes.Contains([]byte(o.dict), []byte("/FlateDecode")) {
				zr, err := zlib.NewReader(bytes.NewReader(data))
				require.NoError(t, err, "object %d: %s", i, o.dict)
				data, err = io.ReadAll(zr)
				require.NoError(t, err, "object %d: %s", i, o.dict)
			}
			o.stream = data
		} else {
			end := bytes.Index(body, []byte("\nendobj\n"))
			require.GreaterOrEqual(t, end, 0, "end of object %d", i)
			o.dict = string(body[:end])
		}
		objs[i] = o
	}
	require.Contains(t, string(b[xref:]), "/Size "+strconv.Itoa(n)+" /Root 1 0 R")
	return objs
}

// find returns the objects whose dictionary contains s.
func find(objs map[int]pdfObject, s string) []pdfObject {
	var out []pdfObject
	for i := 1; i <= len(objs); i++ {
		if o, ok := objs[i]; ok && bytes.Contains([]byte(o.dict), []byte(s)) {
			out = append(out, o)
		}
	}
	return out
}
