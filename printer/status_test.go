package printer_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
)

func hs(s1, s2, s3 string) []byte {
	return []byte("\x02" + s1 + "\x03\r\n\x02" + s2 + "\x03\r\n\x02" + s3 + "\x03\r\n")
}

func TestParseHostStatus(t *testing.T) {
	const (
		ready1 = "030,0,0,1218,000,0,0,0,000,0,0,0"
		ready2 = "001,0,0,0,0,2,6,0,00000000,1,000"
		s3     = "1234,0"
	)
	tests := []struct {
		name  string
		reply []byte
		want  printer.State
		bad   bool
	}{
		{"ready", hs(ready1, ready2, s3), 0, false},
		{"paper out", hs("030,1,0,1218,000,0,0,0,000,0,0,0", ready2, s3), printer.PaperOut, false},
		{"paused", hs("030,0,1,1218,000,0,0,0,000,0,0,0", ready2, s3), printer.Paused, false},
		{"over temperature", hs("030,0,0,1218,000,0,0,0,000,0,0,1", ready2, s3), printer.Fault, false},
		{"under temperature is only a warning", hs("030,0,0,1218,000,0,0,0,000,0,1,0", ready2, s3), 0, false},
		{"head up", hs(ready1, "001,0,1,0,0,2,6,0,00000000,1,000", s3), printer.HeadOpen, false},
		{"ribbon out", hs(ready1, "001,0,0,1,0,2,6,0,00000000,1,000", s3), printer.RibbonOut, false},
		{"everything", hs("030,1,1,1218,000,1,0,1,000,0,0,1", "001,0,1,1,1,2,6,0,00000005,1,000", s3),
			printer.PaperOut | printer.Paused | printer.Fault | printer.HeadOpen | printer.RibbonOut, false},
		{"extra fields are allowed", hs(ready1+",7", ready2+",9,9", s3+",1"), 0, false},
		{"no final CR LF", []byte("\x02" + ready1 + "\x03\r\n\x02" + ready2 + "\x03\r\n\x02" + s3 + "\x03"), 0, false},
		{"empty", nil, 0, true},
		{"two strings", []byte("\x02" + ready1 + "\x03\r\n\x02" + ready2 + "\x03\r\n"), 0, true},
		{"no STX", []byte(ready1 + "\r\n"), 0, true},
		{"no ETX", []byte("\x02" + ready1), 0, true},
		{"short string 1", hs("030,1,0", ready2, s3), 0, true},
		{"short string 2", hs(ready1, "001,0,1", s3), 0, true},
		{"letters", hs("030,X,0,1218,000,0,0,0,000,0,0,0", ready2, s3), 0, true},
		{"empty field", hs("030,,0,1218,000,0,0,0,000,0,0,0", ready2, s3), 0, true},
		{"trailing bytes", append(hs(ready1, ready2, s3), 'x'), 0, true},
		{"HTTP", []byte("HTTP/1.1 400 Bad Request\r\n\r\n"), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := printer.ParseHostStatus(tt.reply)
			assert.Equal(t, string(tt.reply), string(st.Raw), "Raw keeps the reply")
			if tt.bad {
				require.Error(t, err)
				assert.ErrorIs(t, err, printer.ErrNotPrinter)
				var re *printer.ReplyError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "ZPL", re.Language)
				assert.False(t, st.Ready())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, st.States, st.States.String())
			assert.Equal(t, tt.want == 0, st.Ready())
		})
	}
}

func TestParseHostStatusPending(t *testing.T) {
	const s3 = "1234,0"
	for _, tt := range []struct {
		name   string
		s1, s2 string
		want   int
	}{
		{"idle", "030,0,0,1218,000,0,0,0,000,0,0,0", "001,0,0,0,0,2,6,0,00000000,1,000", 0},
		{"formats held during paper out", "030,1,0,1218,002,0,0,0,000,0,0,0", "001,0,0,0,0,2,6,0,00000000,1,000", 2},
		{"labels left in the batch", "030,0,0,1218,000,0,0,0,000,0,0,0", "001,0,0,0,0,2,6,0,00000003,1,000", 3},
		{"both", "030,0,0,1218,001,0,0,0,000,0,0,0", "001,0,0,0,0,2,6,0,00000004,1,000", 5},
		{"label waiting to be taken is printed", "030,0,0,1218,000,0,0,0,000,0,0,0", "001,0,0,0,0,2,6,1,00000000,1,000", 0},
		{"absurd counts saturate", "030,0,0,1218,99999999999999999999,0,0,0,000,0,0,0", "001,0,0,0,0,2,6,0,99999999999999999999,1,000", 2 << 30},
	} {
		st, err := printer.ParseHostStatus(hs(tt.s1, tt.s2, s3))
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, st.Pending, tt.name)
		assert.Equal(t, tt.want > 0, st.Busy(), tt.name)
	}
	st, err := printer.ParseHostStatus(hs("030,1,0,1218,001,0,0,0,000,0,0,0", "001,0,0,0,0,2,6,0,00000000,1,000", s3))
	require.NoError(t, err)
	assert.False(t, st.Ready())
	assert.True(t, st.Busy(), "a format held during paper out prints later")
}

func TestParseTSPLStatus(t *testing.T) {
	tests := []struct {
		b       byte
		want    printer.State
		pending int
	}{
		{0x00, 0, 0},
		{0x01, printer.HeadOpen, 0},
		{0x02, printer.Fault, 0},
		{0x04, printer.PaperOut, 0},
		{0x08, printer.RibbonOut, 0},
		{0x10, printer.Paused, 0},
		{0x20, 0, 1},
		{0x40, printer.HeadOpen, 0},
		{0x80, printer.Fault, 0},
		{0x24, printer.PaperOut, 1},
		{0xff, printer.HeadOpen | printer.Fault | printer.PaperOut | printer.RibbonOut | printer.Paused, 1},
	}
	for _, tt := range tests {
		st, err := printer.ParseTSPLStatus([]byte{tt.b})
		require.NoError(t, err, "%#x", tt.b)
		assert.Equal(t, tt.want, st.States, "%#x: %s", tt.b, st.States)
		assert.Equal(t, tt.pending, st.Pending, "%#x", tt.b)
		assert.Equal(t, []byte{tt.b}, st.Raw)
	}
	st, _ := printer.ParseTSPLStatus([]byte{0x20})
	assert.True(t, st.Ready(), "printing is not a fault")
	assert.True(t, st.Busy())
	for _, reply := range [][]byte{nil, {0, 0}, []byte("HTTP/1.1 400 Bad Request\r\n")} {
		st, err := printer.ParseTSPLStatus(reply)
		var re *printer.ReplyError
		require.ErrorAs(t, err, &re, "%q", reply)
		assert.Equal(t, "TSPL", re.Language)
		assert.ErrorIs(t, err, printer.ErrNotPrinter)
		assert.True(t, st.Has(printer.Unknown))
		assert.Equal(t, string(reply), string(st.Raw))
	}
}

func FuzzParseTSPLStatus(f *testing.F) {
	f.Add([]byte{0x00})
	f.Add([]byte{0x24})
	f.Add([]byte{0xff})
	f.Add([]byte("\x02030"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := printer.ParseTSPLStatus(b)
		assert.Equal(t, string(b), string(st.Raw))
		if err != nil {
			assert.ErrorIs(t, err, printer.ErrNotPrinter)
			assert.True(t, st.Has(printer.Unknown))
			assert.NotEqual(t, 1, len(b))
			return
		}
		require.Len(t, b, 1)
		assert.False(t, st.Has(printer.Unknown|printer.Offline|printer.PaperNearEnd))
		assert.Equal(t, b[0] == 0 || b[0] == 0x20, st.Ready())
		assert.Equal(t, b[0]&0x20 != 0, st.Busy())
	})
}

func TestStatusMode(t *testing.T) {
	for _, m := range []printer.StatusMode{printer.StatusAuto, printer.StatusQuery, printer.StatusNone} {
		got, err := printer.ParseStatusMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	got, err := printer.ParseStatusMode("")
	require.NoError(t, err)
	assert.Equal(t, printer.StatusAuto, got)
	_, err = printer.ParseStatusMode("sometimes")
	assert.Error(t, err)
}

func TestParseHostStatusGolden(t *testing.T) {
	// Replies laid out as the ZPL manual gives them, one per file.
	want := map[string]printer.State{
		"hs-ready.bin":     0,
		"hs-paperout.bin":  printer.PaperOut | printer.Paused,
		"hs-headopen.bin":  printer.HeadOpen,
		"hs-ribbonout.bin": printer.RibbonOut,
	}
	for name, st := range want {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		got, err := printer.ParseHostStatus(b)
		require.NoError(t, err, name)
		assert.Equal(t, st, got.States, name)
		assert.Equal(t, b, got.Raw)
	}
}

func TestParseRealTimeStatus(t *testing.T) {
	tests := []struct {
		n, b byte
		want printer.State
	}{
		{1, 0x12, 0},
		{1, 0x16, 0}, // drawer pin high is not a fault
		{1, 0x1a, printer.Offline},
		{2, 0x12, 0},
		{2, 0x16, printer.HeadOpen},
		{2, 0x1a, 0}, // paper being fed by the button
		{2, 0x32, printer.PaperOut},
		{2, 0x52, printer.Fault},
		{2, 0x76, printer.HeadOpen | printer.PaperOut | printer.Fault},
		{3, 0x12, 0},
		{3, 0x16, printer.Fault},
		{3, 0x1a, printer.Fault},
		{3, 0x32, printer.Fault},
		{3, 0x52, printer.Fault},
		{4, 0x12, 0},
		{4, 0x1e, printer.PaperNearEnd},
		{4, 0x72, printer.PaperOut},
		{4, 0x7e, printer.PaperOut | printer.PaperNearEnd},
	}
	for _, tt := range tests {
		st, err := printer.ParseRealTimeStatus(tt.n, tt.b)
		require.NoError(t, err, "n=%d b=%#x", tt.n, tt.b)
		assert.Equal(t, tt.want, st.States, "n=%d b=%#x: %s", tt.n, tt.b, st.States)
		assert.Equal(t, []byte{tt.b}, st.Raw)
	}
	assert.True(t, printer.Status{States: printer.PaperNearEnd}.Ready(), "near end still prints")
}

func TestParseRealTimeStatusFixedBits(t *testing.T) {
	// Every byte whose fixed bits are wrong is refused, for every n.
	for n := byte(1); n <= 4; n++ {
		for b := range 256 {
			_, err := printer.ParseRealTimeStatus(n, byte(b))
			if byte(b)&0x93 == 0x12 {
				assert.NoError(t, err)
				continue
			}
			var re *printer.ReplyError
			require.ErrorAs(t, err, &re, "n=%d b=%#x", n, b)
			assert.ErrorIs(t, err, printer.ErrNotPrinter)
		}
	}
	for _, n := range []byte{0, 5, 255} {
		_, err := printer.ParseRealTimeStatus(n, 0x12)
		assert.ErrorIs(t, err, printer.ErrUnsupported)
		assert.False(t, errors.Is(err, printer.ErrNotPrinter))
	}
}

func TestStateString(t *testing.T) {
	assert.Equal(t, "ready", printer.State(0).String())
	assert.Equal(t, "paper out|head open", (printer.PaperOut | printer.HeadOpen).String())
	assert.Equal(t, "fault|0x8000", (printer.Fault | 0x8000).String())
}

func FuzzParseHostStatus(f *testing.F) {
	for _, name := range []string{"hs-ready.bin", "hs-paperout.bin", "hs-headopen.bin", "hs-ribbonout.bin"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte("\x02\x03\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := printer.ParseHostStatus(b)
		assert.Equal(t, string(b), string(st.Raw))
		if err != nil {
			assert.ErrorIs(t, err, printer.ErrNotPrinter)
			assert.True(t, st.Has(printer.Unknown))
			return
		}
		assert.False(t, st.Has(printer.Unknown))
		again, err := printer.ParseHostStatus(st.Raw)
		require.NoError(t, err)
		assert.Equal(t, st.States, again.States)
		assert.GreaterOrEqual(t, st.Pending, 0)
	})
}

func FuzzParseRealTimeStatus(f *testing.F) {
	f.Add(byte(1), byte(0x12))
	f.Add(byte(2), byte(0x76))
	f.Add(byte(4), byte(0x7e))
	f.Fuzz(func(t *testing.T, n, b byte) {
		st, err := printer.ParseRealTimeStatus(n, b)
		assert.Equal(t, []byte{b}, st.Raw)
		if err != nil {
			assert.True(t, st.Has(printer.Unknown))
			return
		}
		assert.Equal(t, byte(0x12), b&0x93)
		assert.Zero(t, st.States&(printer.Unknown|printer.Paused|printer.RibbonOut))
	})
}

func TestParseRealTimeReplies(t *testing.T) {
	// Online, cover open, no error, paper near end.
	st, err := printer.ParseRealTimeReplies([]byte{0x12, 0x16, 0x12, 0x1e})
	require.NoError(t, err)
	assert.True(t, st.Has(printer.HeadOpen))
	assert.True(t, st.Has(printer.PaperNearEnd))
	assert.Equal(t, []byte{0x12, 0x16, 0x12, 0x1e}, st.Raw)
	st, err = printer.ParseRealTimeReplies([]byte{0x12, 0x12, 0x12, 0x12})
	require.NoError(t, err)
	assert.True(t, st.Ready())
	_, err = printer.ParseRealTimeReplies([]byte{0x12, 0x12})
	assert.ErrorIs(t, err, printer.ErrNotPrinter)
	_, err = printer.ParseRealTimeReplies([]byte{0xff, 0x12, 0x12, 0x12})
	assert.ErrorIs(t, err, printer.ErrNotPrinter)
}
