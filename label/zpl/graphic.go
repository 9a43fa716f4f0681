package zpl

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"strconv"

	"github.com/dadanhq/dadan/label"
)

// compressor holds the buffers and zlib state one graphic reuses.
type compressor struct {
	raw []byte
	z   bytes.Buffer
	zw  *zlib.Writer
}

// appendGraphic appends ^GFA for bm with the data encoded as c; zc may be nil.
func appendGraphic(dst []byte, bm *label.Bitmap, c Compression, zc *compressor) ([]byte, error) {
	bpr := (bm.Width + 7) / 8
	if bm.Width <= 0 || bm.Height <= 0 || bm.Stride < bpr || len(bm.Bits) < bm.Stride*(bm.Height-1)+bpr {
		return dst, ErrBitmap
	}
	total := bpr * bm.Height
	dst = append(dst, "^GFA,"...)
	dst = strconv.AppendInt(dst, int64(total), 10)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(total), 10)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(bpr), 10)
	dst = append(dst, ',')
	switch c {
	case CompressZ64:
		if zc == nil {
			zc = &compressor{}
		}
		zc.raw = appendPacked(zc.raw[:0], bm, bpr)
		dst = zc.appendZ64(dst, zc.raw)
	case CompressACS:
		dst = appendACS(dst, bm, bpr)
	default:
		for y := 0; y < bm.Height; y++ {
			for _, b := range rowBits(bm, y, bpr) {
				dst = append(dst, hexDigits[b>>4], hexDigits[b&0xF])
			}
		}
	}
	return append(dst, "^FS"...), nil
}

// rowBits returns row y with the pad bits past Width cleared when needed.
func rowBits(bm *label.Bitmap, y, bpr int) []byte {
	row := bm.Bits[y*bm.Stride : y*bm.Stride+bpr]
	if r := bm.Width % 8; r != 0 && row[bpr-1]&(0xFF>>r) != 0 {
		c := make([]byte, bpr)
		copy(c, row)
		c[bpr-1] &= 0xFF << (8 - r)
		return c
	}
	return row
}

// appendPacked appends the rows of bm, bpr bytes each, with pad bits cleared.
func appendPacked(dst []byte, bm *label.Bitmap, bpr int) []byte {
	for y := 0; y < bm.Height; y++ {
		dst = append(dst, rowBits(bm, y, bpr)...)
	}
	return dst
}

// appendZ64 appends ":Z64:" + base64(zlib(raw)) + ":" + CRC-16 of the base64 text.
func (zc *compressor) appendZ64(dst, raw []byte) []byte {
	zc.z.Reset()
	if zc.zw == nil {
		zc.zw = zlib.NewWriter(&zc.z)
	} else {
		zc.zw.Reset(&zc.z)
	}
	_, _ = zc.zw.Write(raw) // writes to a bytes.Buffer cannot fail
	_ = zc.zw.Close()
	dst = append(dst, ":Z64:"...)
	start := len(dst)
	dst = base64.StdEncoding.AppendEncode(dst, zc.z.Bytes())
	crc := crc16(dst[start:])
	dst = append(dst, ':')
	return append(dst, hexDigits[crc>>12], hexDigits[crc>>8&0xF], hexDigits[crc>>4&0xF], hexDigits[crc&0xF])
}

// crc16 is CRC-16/CCITT as ZPL uses it for Z64: polynomial 0x1021, initial 0, no
// reflection (also known as CRC-16/XMODEM).
func crc16(p []byte) uint16 {
	var crc uint16
	for _, b := range p {
		crc ^= uint16(b) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// appendACS appends the rows as hexadecimal with ZPL ASCII compression: a row equal
// to the previous one is ":", trailing zeros are ",", trailing ones "!", and runs of
// one hex digit are prefixed by repeat letters (G-Y = 1-19, g-z = 20-400).
func appendACS(dst []byte, bm *label.Bitmap, bpr int) []byte {
	var prev []byte
	for y := 0; y < bm.Height; y++ {
		row := rowBits(bm, y, bpr)
		if prev != nil && bytes.Equal(row, prev) {
			dst = append(dst, ':')
			continue
		}
		prev = row
		n := 2 * bpr
		nib := func(i int) byte {
			b := row[i/2]
			if i%2 == 0 {
				return b >> 4
			}
			return b & 0xF
		}
		// Trailing run of 0 or F to the end of the row.
		end := n
		for end > 0 && nib(end-1) == 0 {
			end--
		}
		tail := byte(0)
		if end < n {
			tail = ','
		} else {
			for end > 0 && nib(end-1) == 0xF {
				end--
			}
			if end < n {
				tail = '!'
			}
		}
		for i := 0; i < end; {
			v := nib(i)
			j := i + 1
			for j < end && nib(j) == v {
				j++
			}
			dst = appendRepeat(dst, j-i)
			dst = append(dst, hexDigits[v])
			i = j
		}
		if tail != 0 {
			dst = append(dst, tail)
		}
	}
	return dst
}

// appendRepeat appends the ACS repeat letters for a run of n (nothing for 1).
func appendRepeat(dst []byte, n int) []byte {
	if n == 1 {
		return dst
	}
	for n >= 400 {
		dst = append(dst, 'z')
		n -= 400
	}
	if n >= 20 {
		dst = append(dst, byte('g'+n/20-1))
		n %= 20
	}
	if n > 0 {
		dst = append(dst, byte('G'+n-1))
	}
	return dst
}
