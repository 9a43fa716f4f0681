package cups

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeGolden(t *testing.T) {
	m := &message{major: 1, minor: 1, code: opGetPrinterAttributes, requestID: 7}
	m.addString(tagOperation, "attributes-charset", tagCharset, "utf-8")
	m.addString(tagOperation, "requested-attributes", tagKeyword, "a", "bc")
	m.addInt(tagJob, "job-id", tagInteger, 258)
	got := m.appendEncoded(nil)
	want := "0101" + "000b" + "00000007" +
		"01" +
		"47" + "0012" + hex.EncodeToString([]byte("attributes-charset")) + "0005" + hex.EncodeToString([]byte("utf-8")) +
		"44" + "0014" + hex.EncodeToString([]byte("requested-attributes")) + "0001" + "61" +
		"44" + "0000" + "0002" + "6263" + // additional value: empty name
		"02" +
		"21" + "0006" + hex.EncodeToString([]byte("job-id")) + "0004" + "00000102" +
		"03"
	assert.Equal(t, want, hex.EncodeToString(got))

	back, rest, err := decode(append(got, "DOC"...))
	require.NoError(t, err)
	assert.Equal(t, "DOC", string(rest))
	assert.Equal(t, m, back)
	n, ok := back.int(tagJob, "job-id")
	assert.True(t, ok)
	assert.Equal(t, 258, n)
	assert.Equal(t, []string{"a", "bc"}, back.strings(tagOperation, "requested-attributes"))
	_, ok = back.int(tagOperation, "attributes-charset")
	assert.False(t, ok, "a string is not an integer")
}

func TestDecodeRejects(t *testing.T) {
	for name, in := range map[string]string{
		"short":           "0101000000000001",
		"no end tag":      "010100000000000101",
		"value first":     "0101000000000001" + "21000000040000000103",
		"length past end": "0101000000000001" + "01" + "2100ff",
		"orphan value":    "0101000000000001" + "01" + "4400000001" + "61" + "03",
		"extension tag":   "0101000000000001" + "01" + "7f" + "03",
		"truncated value": "0101000000000001" + "01" + "2100016100",
	} {
		b, err := hex.DecodeString(in)
		require.NoError(t, err, name)
		_, _, err = decode(b)
		assert.ErrorIs(t, err, errMalformed, name)
	}
}

func TestReadMessageLimit(t *testing.T) {
	m := &message{major: 1, minor: 1}
	m.addString(tagOperation, "x", tagText, strings.Repeat("y", 100))
	b := m.appendEncoded(nil)
	_, _, err := readMessage(bytes.NewReader(b), 50)
	assert.ErrorIs(t, err, errMalformed)
	got, raw, err := readMessage(bytes.NewReader(b), 1000)
	require.NoError(t, err)
	assert.Equal(t, b, raw)
	assert.Equal(t, strings.Repeat("y", 100), got.strings(tagOperation, "x")[0])
}

// FuzzDecode checks that decoding never panics and that whatever decodes
// encodes back to bytes that decode to the same message.
func FuzzDecode(f *testing.F) {
	m := &message{major: 1, minor: 1, code: 0, requestID: 1}
	m.addString(tagOperation, "attributes-charset", tagCharset, "utf-8")
	m.addString(tagOperation, "status-message", tagText, "successful-ok")
	m.addInt(tagPrinter, "printer-state", tagEnum, 3)
	m.addString(tagPrinter, "printer-state-reasons", tagKeyword, "media-empty-error", "cover-open")
	m.add(tagPrinter, "printer-is-accepting-jobs", tagBoolean, []byte{1})
	f.Add(m.appendEncoded(nil))
	f.Add([]byte("\x01\x01\x00\x00\x00\x00\x00\x01\x03"))
	f.Add([]byte("\x02\x00\x04\x06\x00\x00\x00\x01\x01\x34\x00\x01c\x00\x00\x4a\x00\x00\x00\x01m\x37\x00\x00\x00\x00\x03"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _, err := decode(b)
		if err != nil {
			return
		}
		m2, rest, err := decode(m.appendEncoded(nil))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if len(rest) != 0 {
			t.Fatalf("re-encoded message has %d trailing bytes", len(rest))
		}
		if !equalMessages(m, m2) {
			t.Fatalf("round trip changed the message:\n%#v\n%#v", m, m2)
		}
	})
}

func equalMessages(a, b *message) bool {
	if a.major != b.major || a.minor != b.minor || a.code != b.code || a.requestID != b.requestID || len(a.groups) != len(b.groups) {
		return false
	}
	for i := range a.groups {
		ga, gb := a.groups[i], b.groups[i]
		if ga.tag != gb.tag || len(ga.attrs) != len(gb.attrs) {
			return false
		}
		for j := range ga.attrs {
			x, y := ga.attrs[j], gb.attrs[j]
			if x.name != y.name || len(x.values) != len(y.values) {
				return false
			}
			for k := range x.values {
				if x.values[k].tag != y.values[k].tag || !bytes.Equal(x.values[k].data, y.values[k].data) {
					return false
				}
			}
		}
	}
	return true
}

func BenchmarkDecodeStatus(b *testing.B) {
	m := &message{major: 1, minor: 1, requestID: 1}
	m.addString(tagOperation, "attributes-charset", tagCharset, "utf-8")
	m.addString(tagOperation, "attributes-natural-language", tagLanguage, "en")
	m.addInt(tagPrinter, "printer-state", tagEnum, 3)
	m.addString(tagPrinter, "printer-state-reasons", tagKeyword, "none")
	m.add(tagPrinter, "printer-is-accepting-jobs", tagBoolean, []byte{1})
	raw := m.appendEncoded(nil)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, _, err := decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}
