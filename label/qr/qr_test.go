package qr_test

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label/qr"
)

var skipLevel = map[qr.Level]qrcode.RecoveryLevel{
	qr.Low: qrcode.Low, qr.Medium: qrcode.Medium, qr.Quartile: qrcode.High, qr.High: qrcode.Highest,
}

// formatInfo reads level and mask from the first copy of a matrix's format
// information.
func formatInfo(t *testing.T, m [][]bool) (qr.Level, int) {
	t.Helper()
	var bits int
	bit := func(i int, on bool) {
		if on {
			bits |= 1 << i
		}
	}
	for i := 0; i <= 5; i++ {
		bit(i, m[i][8])
	}
	bit(6, m[7][8])
	bit(7, m[8][8])
	bit(8, m[8][7])
	for i := 9; i < 15; i++ {
		bit(i, m[8][14-i])
	}
	bits ^= 0x5412
	data := bits >> 10
	lv := map[int]qr.Level{1: qr.Low, 0: qr.Medium, 3: qr.Quartile, 2: qr.High}[data>>3]
	return lv, data & 7
}

func repeat(s string, n int) string { return strings.Repeat(s, n)[:n] }

// cases are varied inputs: digits, tracking numbers, alphanumeric, lower case, URLs,
// Chinese UTF-8, control bytes and near-capacity data.
func cases() []string {
	cs := []string{
		"0", "7", "42", "123", "756123456789", "75612345678912", "123456789012345678901234567890",
		"A", "ZTO", "SF1234567890123", "TB2026111100001", "JD0012345678-1-1", "HELLO WORLD", "$%*+-./: ",
		"a", "hello, world", "https://example.com/t?no=756123456789&c=ZTO",
		"张三", "浙江省杭州市余杭区五常街道文一西路969号", "快递单号：756123456789 收件人：张*",
		"🙂 emoji ✓", "tab\tnew\nline", "\x00\x01\x02\xff\xfe",
		"{\"id\":\"TB2026111100001\",\"carrier\":\"ZTO\",\"tracking_no\":\"756123456789\"}",
		repeat("0123456789", 41), repeat("0123456789", 42), repeat("ABCDEFGHIJ", 25), repeat("abc", 17),
		repeat("abcdefghijklmnopqrstuvwxyz", 78), repeat("0123456789", 187),
		repeat("中文地址", 300), repeat("9", 7089), repeat("X", 4296), repeat("x", 2953),
	}
	for i := 1; i <= 16; i++ {
		cs = append(cs, fmt.Sprintf("75%010d", 31415926+i*7919), repeat("LONGER DATA 1234 ", i*37))
	}
	return cs
}

func TestMatchesSkip2BitForBit(t *testing.T) {
	same, compared := 0, 0
	for _, s := range cases() {
		for _, lv := range []qr.Level{qr.Low, qr.Medium, qr.Quartile, qr.High} {
			c, err := qr.Encode(s, lv)
			if errors.Is(err, qr.ErrTooLong) {
				_, err2 := qrcode.New(s, skipLevel[lv])
				assert.Error(t, err2, "%q %v: too long here only", s, lv)
				continue
			}
			require.NoError(t, err)
			require.Len(t, c.Modules, c.Size())
			ref, err := qrcode.New(s, skipLevel[lv])
			require.NoError(t, err)
			ref.DisableBorder = true
			rm := ref.Bitmap()
			if ref.VersionNumber != c.Version {
				// Data of several modes may be split differently.
				assert.True(t, mixed(s), "%q %v: version %d, skip2 %d", s, lv, c.Version, ref.VersionNumber)
				continue
			}
			rl, rmask := formatInfo(t, rm)
			require.Equal(t, lv, rl)
			forced, err := qr.EncodeMask(s, lv, c.Version, rmask)
			require.NoError(t, err)
			compared++
			if equalMatrix(forced.Modules, rm) {
				same++
			} else {
				// Only data of mixed modes may differ (skip2 segments it).
				assert.True(t, mixed(s), "%q %v differs from skip2 with mask %d", s, lv, rmask)
			}
		}
	}
	t.Logf("%d of %d symbols identical to skip2/go-qrcode at its mask", same, compared)
	assert.Greater(t, same, 150)
}

// mixed reports data that a segmenting encoder may split into several modes: digits
// with other characters, or upper-case letters in byte-mode data.
func mixed(s string) bool {
	var digit, other, upper bool
	for _, c := range []byte(s) {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
			upper, other = true, true
		default:
			other = true
		}
	}
	return (digit && other) || (upper && strings.ContainsFunc(s, func(r rune) bool {
		return !strings.ContainsRune("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", r)
	}))
}

func equalMatrix(a, b [][]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for y := range a {
		if len(a[y]) != len(b[y]) {
			return false
		}
		for x := range a[y] {
			if a[y][x] != b[y][x] {
				return false
			}
		}
	}
	return true
}

// writePNG draws c with a 4-module quiet zone at scale pixels per module.
func writePNG(t *testing.T, path string, m [][]bool, scale int) {
	t.Helper()
	n := len(m) + 8
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y, row := range m {
		for x, on := range row {
			if !on {
				continue
			}
			for dy := 0; dy < scale; dy++ {
				for dx := 0; dx < scale; dx++ {
					img.SetGray((x+4)*scale+dx, (y+4)*scale+dy, color.Gray{})
				}
			}
		}
	}
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, png.Encode(f, img))
	require.NoError(t, f.Close())
}

func TestZbarimgDecodes(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	dir := t.TempDir()
	n := 0
	for i, s := range cases() {
		if strings.ContainsRune(s, 0) {
			continue // zbarimg prints data up to a NUL byte
		}
		lv := qr.Level(i % 4)
		c, err := qr.Encode(s, lv)
		if errors.Is(err, qr.ErrTooLong) {
			continue
		}
		require.NoError(t, err)
		scale := 4
		if c.Version > 20 {
			scale = 3
		}
		path := filepath.Join(dir, fmt.Sprintf("%d.png", i))
		writePNG(t, path, c.Modules, scale)
		out, err := exec.Command(zbar, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", path).Output()
		require.NoError(t, err, "zbarimg found no code in %q (version %d-%v, mask %d)", s, c.Version, lv, c.Mask)
		assert.Equal(t, s, strings.TrimSuffix(string(out), "\n"), "version %d-%v mask %d", c.Version, lv, c.Mask)
		n++
	}
	assert.GreaterOrEqual(t, n, 50)
}

func TestEveryMaskAndVersionDecodes(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed (apt-get install zbar-tools)")
	}
	dir := t.TempDir()
	// Every version once and every mask with every level on small versions.
	type vm struct{ v, mask int }
	var todo []vm
	for v := 1; v <= qr.MaxVersion; v++ {
		todo = append(todo, vm{v, v % 8})
	}
	for mask := 0; mask < 8; mask++ {
		todo = append(todo, vm{1 + mask%4, mask}, vm{7, mask})
	}
	for _, c := range todo {
		v, mask := c.v, c.mask
		{
			lv := qr.Level((v + mask) % 4)
			s := fmt.Sprintf("v%d m%d %s", v, mask, repeat("QR DATA ", v*9))
			c, err := qr.EncodeMask(s, lv, v, mask)
			if errors.Is(err, qr.ErrTooLong) {
				s = s[:5]
				c, err = qr.EncodeMask(s, lv, v, mask)
			}
			require.NoError(t, err)
			require.Len(t, c.Modules, 4*v+17)
			path := filepath.Join(dir, fmt.Sprintf("v%d-m%d.png", v, mask))
			writePNG(t, path, c.Modules, 2)
			out, err := exec.Command(zbar, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", path).Output()
			require.NoError(t, err, "version %d-%v mask %d", v, lv, mask)
			assert.Equal(t, s, strings.TrimSuffix(string(out), "\n"), "version %d-%v mask %d", v, lv, mask)
		}
	}
}

func TestCapacities(t *testing.T) {
	// Data codewords from the standard's table 7.
	want := map[[2]int]int{
		{1, int(qr.Low)}: 19, {1, int(qr.Medium)}: 16, {1, int(qr.Quartile)}: 13, {1, int(qr.High)}: 9,
		{10, int(qr.Medium)}: 216, {21, int(qr.Quartile)}: 512, {21, int(qr.High)}: 406, {27, int(qr.High)}: 628,
		{40, int(qr.Low)}: 2956, {40, int(qr.Medium)}: 2334, {40, int(qr.Quartile)}: 1666, {40, int(qr.High)}: 1276,
	}
	for k, n := range want {
		assert.Equal(t, n, qr.DataCodewords(k[0], qr.Level(k[1])), "version %d level %v", k[0], qr.Level(k[1]))
	}
	for d := 1; d <= 30; d++ {
		assert.False(t, qr.GeneratorHasZero(d), "degree %d", d)
	}
	// Largest inputs at level L, version 40.
	for _, s := range []string{repeat("1", 7089), repeat("A", 4296), repeat("a", 2953)} {
		c, err := qr.Encode(s, qr.Low)
		require.NoError(t, err)
		assert.Equal(t, 40, c.Version)
		_, err = qr.Encode(s+s[:1], qr.Low)
		assert.ErrorIs(t, err, qr.ErrTooLong)
	}
}

func TestModes(t *testing.T) {
	for s, m := range map[string]qr.Mode{"": qr.Numeric, "0123": qr.Numeric, "ZTO 12": qr.Alphanumeric,
		"zto": qr.Byte, "张": qr.Byte, "A\n": qr.Byte, "TB2026111100001": qr.Mixed,
		"https://example.com/t?no=756123456789012": qr.Mixed, "张三13800138000": qr.Mixed} {
		c, err := qr.Encode(s, qr.Medium)
		require.NoError(t, err)
		assert.Equal(t, m, c.Mode, "%q", s)
	}
}

func TestErrors(t *testing.T) {
	_, err := qr.Encode("x", qr.Level(4))
	assert.ErrorIs(t, err, qr.ErrLevel)
	_, err = qr.EncodeVersion("x", qr.Low, 41)
	assert.Error(t, err)
	_, err = qr.EncodeVersion(repeat("x", 20), qr.High, 1)
	assert.ErrorIs(t, err, qr.ErrTooLong)
	c, err := qr.EncodeVersion("x", qr.High, 5)
	require.NoError(t, err)
	assert.Equal(t, 37, c.Size())
}

func TestRowsShareOneArray(t *testing.T) {
	c, err := qr.Encode("756123456789", qr.Medium)
	require.NoError(t, err)
	require.Equal(t, 21, c.Size())
	for y := range c.Modules {
		assert.Len(t, c.Modules[y], 21)
		assert.Equal(t, 21, cap(c.Modules[y]), "a row must not reach into the next")
	}
}

func TestVersionMatchesEncode(t *testing.T) {
	for _, data := range []string{"", "1", "756123456789", "SF1234567890123", "https://example.com/t?n=75612345",
		"快递单号756123456789", strings.Repeat("A1", 400), strings.Repeat("9", 7089)} {
		for _, lv := range []qr.Level{qr.Low, qr.Medium, qr.Quartile, qr.High} {
			c, errE := qr.Encode(data, lv)
			v, errV := qr.Version(data, lv)
			if errE != nil {
				require.ErrorIs(t, errV, qr.ErrTooLong, "%d bytes at %v", len(data), lv)
				continue
			}
			require.NoError(t, errV)
			require.Equal(t, c.Version, v, "%d bytes at %v", len(data), lv)
		}
	}
	_, err := qr.Version("1", qr.Level(9))
	require.ErrorIs(t, err, qr.ErrLevel)
}
