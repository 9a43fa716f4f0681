package backup_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "write testdata/v2-*.dadan-backup anew")

// v2Files are a full backup and an increment in the current format, of a small
// workload, as testdata holds them: later versions must keep reading them.
func v2Files(t testing.TB) [][]byte {
	names := []string{"v2-0-full.dadan-backup", "v2-1-incremental.dadan-backup"}
	if u, ok := t.(*testing.T); ok && *update {
		src := memstore.New()
		setup(u, src)
		var last *backup.Manifest
		for k := range 2 {
			work(u, src, k*40, 40)
			var b bytes.Buffer
			m, err := backup.Write(ctx, &b, src, last, t0.AddDate(0, 0, k))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join("testdata", names[k]), b.Bytes(), 0o644))
			last = &m
		}
	}
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		require.NoError(t, err)
		out = append(out, b)
	}
	return out
}

func TestReadsFormatV2(t *testing.T) {
	files := v2Files(t)
	dst := newSQLite(t)
	m, err := restore(dst, files...)
	require.NoError(t, err)
	assert.Equal(t, backup.Format, m.Format)
	c := dumpAll(t, dst)
	assert.Len(t, c["order"], 80)
	assert.Equal(t, m.Totals()[backup.KindJob], len(c["job"]))
	assert.Equal(t, m.Totals()[backup.KindShipment], len(c["shipment"]))
	assert.NotEmpty(t, c["inspection"])
	assert.NotEmpty(t, c["maintenance"])
	storetest.Restored(t, dst)
}

// FuzzRead feeds damaged backup files to the parser: it must refuse them
// with ErrDamaged (or accept a file that checks out) and never panic, and
// what it accepts restores or is refused with an error.
func FuzzRead(f *testing.F) {
	for _, b := range v2Files(f) {
		f.Add(b)
	}
	for _, n := range []string{"v1-0-full.dadan-backup", "v1-1-incremental.dadan-backup"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte("{}\n"))
	f.Add([]byte(`{"format":"dadan-backup/2","kind":"full","sha256":"` + hexSum(nil) + `"}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Give mutations of the payload a chance: fix the checksum up.
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			if old := bytes.Index(b[:i], []byte(`"sha256":"`)); old >= 0 && old+10+64 <= i {
				b = bytes.Clone(b)
				copy(b[old+10:], hexSum(b[i+1:]))
			}
		}
		m, err := backup.ReadManifest(bytes.NewReader(b))
		if err != nil {
			if !assert.ErrorIs(t, err, backup.ErrDamaged) {
				t.Logf("%q", b)
			}
			return
		}
		assert.Contains(t, []string{backup.Format, backup.FormatV1}, m.Format)
		if m.Kind == backup.Full && len(b) < 1<<14 {
			_, _ = backup.Restore(ctx, memstore.New(), bytes.NewReader(b))
		}
	})
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
