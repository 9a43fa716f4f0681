package cups

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The IPP 1.1 binary encoding (RFC 8010), as much as a raw print client needs.

// IPP operation codes.
const (
	opPrintJob               uint16 = 0x0002
	opCancelJob              uint16 = 0x0008
	opGetJobAttributes       uint16 = 0x0009
	opGetPrinterAttributes   uint16 = 0x000B
	statusOKMax              uint16 = 0x00FF
	statusNotFound           uint16 = 0x0406
	statusNotPossible        uint16 = 0x0404
	statusNotAcceptingJobs   uint16 = 0x0506
	statusServiceUnavailable uint16 = 0x0502
)

// Delimiter tags.
const (
	tagOperation   byte = 0x01
	tagJob         byte = 0x02
	tagEnd         byte = 0x03
	tagPrinter     byte = 0x04
	tagUnsupported byte = 0x05
)

// Value tags.
const (
	tagInteger    byte = 0x21
	tagBoolean    byte = 0x22
	tagEnum       byte = 0x23
	tagText       byte = 0x41
	tagName       byte = 0x42
	tagKeyword    byte = 0x44
	tagURI        byte = 0x45
	tagCharset    byte = 0x47
	tagLanguage   byte = 0x48
	tagMimeType   byte = 0x49
	tagBegCollect byte = 0x34
	tagMemberName byte = 0x4A
	tagExtension  byte = 0x7F
)

// errMalformed is wrapped by every decoding error.
var errMalformed = errors.New("cups: malformed IPP message")

type value struct {
	tag  byte
	data []byte
}

type attribute struct {
	name   string
	values []value
}

type group struct {
	tag   byte
	attrs []attribute
}

// message is an IPP request or response. code is the operation in a request
// and the status in a response.
type message struct {
	major, minor byte
	code         uint16
	requestID    uint32
	groups       []group
}

func (m *message) add(gtag byte, name string, vtag byte, data ...[]byte) {
	if len(m.groups) == 0 || m.groups[len(m.groups)-1].tag != gtag {
		m.groups = append(m.groups, group{tag: gtag})
	}
	g := &m.groups[len(m.groups)-1]
	a := attribute{name: name}
	for _, d := range data {
		a.values = append(a.values, value{tag: vtag, data: d})
	}
	g.attrs = append(g.attrs, a)
}

func (m *message) addString(gtag byte, name string, vtag byte, s ...string) {
	data := make([][]byte, len(s))
	for i := range s {
		data[i] = []byte(s[i])
	}
	m.add(gtag, name, vtag, data...)
}

func (m *message) addInt(gtag byte, name string, vtag byte, n int32) {
	m.add(gtag, name, vtag, binary.BigEndian.AppendUint32(nil, uint32(n)))
}

// find returns the first attribute called name in a group tagged gtag.
func (m *message) find(gtag byte, name string) (attribute, bool) {
	for _, g := range m.groups {
		if g.tag != gtag {
			continue
		}
		for _, a := range g.attrs {
			if a.name == name {
				return a, true
			}
		}
	}
	return attribute{}, false
}

// int returns the integer or enum value of an attribute.
func (m *message) int(gtag byte, name string) (int, bool) {
	a, ok := m.find(gtag, name)
	if !ok || len(a.values) == 0 || len(a.values[0].data) != 4 {
		return 0, false
	}
	switch a.values[0].tag {
	case tagInteger, tagEnum:
		return int(int32(binary.BigEndian.Uint32(a.values[0].data))), true
	}
	return 0, false
}

// strings returns the values of an attribute as strings.
func (m *message) strings(gtag byte, name string) []string {
	a, _ := m.find(gtag, name)
	s := make([]string, 0, len(a.values))
	for _, v := range a.values {
		s = append(s, string(v.data))
	}
	return s
}

// bool returns a boolean attribute's value.
func (m *message) bool(gtag byte, name string) (bool, bool) {
	a, ok := m.find(gtag, name)
	if !ok || len(a.values) == 0 || a.values[0].tag != tagBoolean || len(a.values[0].data) != 1 {
		return false, false
	}
	return a.values[0].data[0] != 0, true
}

// appendEncoded appends the binary form of m.
func (m *message) appendEncoded(b []byte) []byte {
	b = append(b, m.major, m.minor)
	b = binary.BigEndian.AppendUint16(b, m.code)
	b = binary.BigEndian.AppendUint32(b, m.requestID)
	for _, g := range m.groups {
		b = append(b, g.tag)
		for _, a := range g.attrs {
			for i, v := range a.values {
				b = append(b, v.tag)
				name := a.name
				if i > 0 {
					name = ""
				}
				b = binary.BigEndian.AppendUint16(b, uint16(len(name)))
				b = append(b, name...)
				b = binary.BigEndian.AppendUint16(b, uint16(len(v.data)))
				b = append(b, v.data...)
			}
		}
	}
	return append(b, tagEnd)
}

// decode parses an IPP message from p and returns it with the bytes that
// follow the end-of-attributes tag (document data).
func decode(p []byte) (*message, []byte, error) {
	if len(p) < 9 {
		return nil, nil, fmt.Errorf("%w: %d bytes", errMalformed, len(p))
	}
	m := &message{
		major:     p[0],
		minor:     p[1],
		code:      binary.BigEndian.Uint16(p[2:]),
		requestID: binary.BigEndian.Uint32(p[4:]),
	}
	i := 8
	var g *group
	for {
		if i >= len(p) {
			return nil, nil, fmt.Errorf("%w: no end-of-attributes tag", errMalformed)
		}
		tag := p[i]
		i++
		switch {
		case tag == tagEnd:
			return m, p[i:], nil
		case tag < 0x10: // delimiter: a new group
			m.groups = append(m.groups, group{tag: tag})
			g = &m.groups[len(m.groups)-1]
			continue
		case g == nil:
			return nil, nil, fmt.Errorf("%w: value tag 0x%02x outside a group", errMalformed, tag)
		case tag == tagExtension:
			return nil, nil, fmt.Errorf("%w: extended value tags are not supported", errMalformed)
		}
		name, n, err := field(p, i)
		if err != nil {
			return nil, nil, err
		}
		i = n
		data, n, err := field(p, i)
		if err != nil {
			return nil, nil, err
		}
		i = n
		v := value{tag: tag, data: data}
		if len(name) == 0 {
			if len(g.attrs) == 0 {
				return nil, nil, fmt.Errorf("%w: additional value without an attribute", errMalformed)
			}
			a := &g.attrs[len(g.attrs)-1]
			a.values = append(a.values, v)
			continue
		}
		g.attrs = append(g.attrs, attribute{name: string(name), values: []value{v}})
	}
}

// field reads a 16-bit length and that many bytes at p[i:].
func field(p []byte, i int) ([]byte, int, error) {
	if i+2 > len(p) {
		return nil, 0, fmt.Errorf("%w: truncated length at %d", errMalformed, i)
	}
	n := int(binary.BigEndian.Uint16(p[i:]))
	i += 2
	if i+n > len(p) {
		return nil, 0, fmt.Errorf("%w: field of %d bytes at %d runs past the end", errMalformed, n, i)
	}
	return p[i : i+n : i+n], i + n, nil
}

// readMessage reads at most limit bytes of an IPP response from r.
func readMessage(r io.Reader, limit int64) (*message, []byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(body)) > limit {
		return nil, nil, fmt.Errorf("%w: response over %d bytes", errMalformed, limit)
	}
	m, _, err := decode(body)
	return m, body, err
}
