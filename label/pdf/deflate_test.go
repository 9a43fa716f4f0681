package pdf

import (
	"bytes"
	"compress/zlib"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func inflate(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := zlib.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	out, err := io.ReadAll(zr)
	require.NoError(t, err)
	return out
}

func TestFastZlibRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 100000)
	for i := range random {
		random[i] = byte(rng.IntN(256))
	}
	long := strings.Repeat("12 0 3 1 re\n", 20000) // matches up to 258 bytes, far distances
	var z fastZlib
	for _, in := range [][]byte{nil, []byte("a"), []byte("abcd"), []byte("aaaaaaaaaaaaaaaaaaaa"),
		[]byte(long), random, random[:1000], append([]byte(long[:5000]), random[:5000]...),
		// Far matches carry 13 extra distance bits.
		bytes.Repeat(random[:20000], 3), append(bytes.Repeat(random[:17001], 2), random[5:30011]...)} {
		out := z.compress(nil, in)
		assert.Equal(t, len(in), len(inflate(t, out)))
		assert.True(t, bytes.Equal(in, inflate(t, out)))
	}
	assert.Less(t, len(z.compress(nil, []byte(long))), len(long)/50)
}

func TestBitWriterKeepsEveryBit(t *testing.T) {
	for pre := 0; pre < 130; pre++ {
		var z fastZlib
		for range pre {
			z.bits(1, 1)
		}
		z.bits(0x2ABCD, 18) // the longest code: a distance with 13 extra bits
		z.bits(0, 7)
		z.lit(256)
		for z.nacc > 0 {
			z.out = append(z.out, byte(z.acc))
			z.acc >>= 8
			z.nacc -= min(z.nacc, 8)
		}
		bit := func(i int) uint32 { return uint32(z.out[i/8]>>(i%8)) & 1 }
		var got uint32
		for i := 0; i < 18; i++ {
			got |= bit(pre+i) << i
		}
		require.Equal(t, uint32(0x2ABCD), got, "after %d bits", pre)
		for i := 0; i < pre; i++ {
			require.Equal(t, uint32(1), bit(i))
		}
	}
}

func TestDistCode(t *testing.T) {
	for d := 1; d <= maxDist; d++ {
		c := distCode(d)
		require.True(t, int(distBase[c]) <= d && (c == 29 || d < int(distBase[c+1])), "distance %d code %d", d, c)
		require.Less(t, d-int(distBase[c]), 1<<distExtra[c])
	}
}

func FuzzFastZlib(f *testing.F) {
	f.Add([]byte("q 0.709 0 0 -34.016 22.677 340.157 cm\n0 0 2 1 re\n3 0 1 1 re\n"))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 255})
	var z fastZlib
	f.Fuzz(func(t *testing.T, in []byte) {
		out := z.compress(nil, in)
		zr, err := zlib.NewReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}
