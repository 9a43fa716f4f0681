package dadan_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/escpos"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/file"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/tcp"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/store/seal"
	"github.com/dadanhq/dadan/store/sqlite"
)

// Recipients no sample order has: rare characters, a middle dot, a character
// outside the Basic Multilingual Plane.
var atRest = []order.Party{
	{Name: "阿依古丽·买买提", Phone: "19937261548", Province: "新疆维吾尔自治区", City: "乌鲁木齐市", District: "天山区", Address: "䶮鑫路𨋢号龘栋"},
	{Name: "𠮷野龘", Phone: "18846203917", Province: "贵州省", City: "黔东南苗族侗族自治州", District: "凯里市", Address: "韡晔巷彧院7号"},
	{Name: "欧阳燚", Phone: "17701938462", Province: "浙江省", City: "杭州市", District: "余杭区", Address: "甪直街㵘楼1203室"},
}

// amendedTo is the recipient the first order is changed to.
var amendedTo = order.Party{Name: "司马彧", Phone: "16655043219", Province: "江苏省", City: "南京市", District: "玄武区", Address: "鼗鼓巷9号"}

// atRestNeedles are what no stored byte may hold: each name (and surname),
// phone and address line, as UTF-8 and as hex.
func atRestNeedles() []string {
	var out []string
	for _, r := range append(append([]order.Party{}, atRest...), amendedTo) {
		for _, s := range []string{r.Name, strings.SplitN(r.Name, "·", 2)[0], r.Phone, r.Address} {
			out = append(out, s, hex.EncodeToString([]byte(s)))
		}
	}
	return out
}

func leaked(raw []byte) []string {
	var found []string
	for _, n := range atRestNeedles() {
		if bytes.Contains(raw, []byte(n)) {
			found = append(found, n)
		}
	}
	return found
}

// atRestOrders returns the first sample orders with atRest's recipients, as
// order JSON lines.
func atRestOrders(t *testing.T) ([]byte, []string) {
	var out bytes.Buffer
	var ids []string
	for i, line := range strings.SplitN(string(sample.Orders), "\n", len(atRest)+1)[:len(atRest)] {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m))
		r := m["recipient"].(map[string]any)
		p := atRest[i]
		r["name"], r["phone"], r["province"], r["city"], r["district"], r["address"] = p.Name, p.Phone, p.Province, p.City, p.District, p.Address
		m["remark"] = map[string]any{"buyer": "到了打 " + p.Phone, "seller": ""}
		b, err := json.Marshal(m)
		require.NoError(t, err)
		out.Write(append(b, '\n'))
		ids = append(ids, m["id"].(string))
	}
	return out.Bytes(), ids
}

// sealedFlow ingests, prints and amends orders with atRest's recipients on
// store: orders, jobs, shipments and their changes are stored.
func sealedFlow(t *testing.T, store order.Store) {
	t.Helper()
	ctx := context.Background()
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { emu.Close() })
	zp, err := tcp.Dial(ctx, emu.Addr(), nil)
	require.NoError(t, err)
	fp, err := file.Open(t.TempDir(), nil)
	require.NoError(t, err)
	waybill, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	packing, err := label.Standard("packing-80mm")
	require.NoError(t, err)
	zr, err := zpl.New(nil)
	require.NoError(t, err)
	er, err := escpos.New(&escpos.Options{ReplaceUnprintable: true})
	require.NoError(t, err)
	st, err := dadan.New(&dadan.Options{
		Store: store, Review: sampleConfig(t), Clock: fakeClock(),
		Printers:  map[string]printer.Printer{"zebra": zp, "receipt": fp},
		Routes:    map[printer.DocKind]string{printer.Waybill: "zebra", printer.PackingList: "receipt"},
		Documents: []dadan.Document{{Kind: printer.Waybill, Template: waybill, Renderer: zr}, {Kind: printer.PackingList, Template: packing, Renderer: er}},
		Carrier:   dadan.TestCarrier(),
		Spool:     printer.Options{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond},
	})
	require.NoError(t, err)
	in, ids := atRestOrders(t)
	sum, err := st.Ingest(ctx, bytes.NewReader(in), nil)
	require.NoError(t, err)
	require.Equal(t, len(atRest), sum.Approved, "every order approved")
	ps, err := st.Print(ctx)
	require.NoError(t, err)
	require.Equal(t, len(atRest), ps.Orders)
	require.NoError(t, st.Drain(ctx))
	require.Len(t, emu.Printed(), len(atRest))

	res, err := st.Amend(ctx, ids[0], amendedTo, "买家改地址", nil)
	require.NoError(t, err)
	require.Equal(t, dadan.AmendRelabelled, res.Action)
	require.NoError(t, st.Drain(ctx))
	require.Len(t, emu.Printed(), len(atRest)+1, "the new waybill printed")
	o, err := store.GetOrder(ctx, ids[0])
	require.NoError(t, err)
	assert.Equal(t, amendedTo.Phone, o.Recipient.Phone, "the store reads its sealed values")
	assert.Equal(t, res.NewTrackingNo, o.Waybill.TrackingNo)
}

func sqliteFiles(t *testing.T, path string) []byte {
	var all []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if !errors.Is(err, os.ErrNotExist) {
			require.NoError(t, err)
		}
		all = append(all, b...)
	}
	return all
}

func atRestKeys(t *testing.T) *seal.Ring {
	r, err := seal.New("2026-12", map[string][]byte{"2026-12": bytes.Repeat([]byte{7}, seal.KeySize)})
	require.NoError(t, err)
	return r
}

// TestSealedAtRestSQLite: after ingesting, printing and amending orders, the
// database file and its WAL hold no name, phone or address, while the store
// is open and once it is closed. Without keys the same flow leaves them
// there, which shows the check can fail.
func TestSealedAtRestSQLite(t *testing.T) {
	for _, keys := range []*seal.Ring{atRestKeys(t), nil} {
		name := map[bool]string{true: "sealed", false: "plaintext"}[keys != nil]
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "dadan.db")
			s, err := sqlite.Open(context.Background(), path, &sqlite.Options{Keys: keys})
			require.NoError(t, err)
			sealedFlow(t, s)
			open := sqliteFiles(t, path)
			require.NoError(t, s.Close())
			closed := sqliteFiles(t, path)
			if keys == nil {
				assert.Contains(t, string(open)+string(closed), atRest[1].Phone)
				assert.Contains(t, string(closed), amendedTo.Name)
				return
			}
			assert.Empty(t, leaked(open), "database and WAL while open")
			assert.Empty(t, leaked(closed), "database once closed")
		})
	}
}

// TestSealedAtRestPostgres: the same flow on PostgreSQL; every row of every
// table of the schema, as text (bytea as hex), holds no name, phone or
// address.
func TestSealedAtRestPostgres(t *testing.T) {
	dsn := os.Getenv("DADAN_PG_DSN")
	if dsn == "" {
		t.Skip("DADAN_PG_DSN is not set: no PostgreSQL to test against (CI sets it; see .ci/run)")
	}
	ctx := context.Background()
	for _, keys := range []*seal.Ring{atRestKeys(t), nil} {
		name := map[bool]string{true: "sealed", false: "plaintext"}[keys != nil]
		t.Run(name, func(t *testing.T) {
			var b [6]byte
			_, _ = rand.Read(b[:])
			schema := "t_" + hex.EncodeToString(b[:])
			c, err := pgx.Connect(ctx, dsn)
			require.NoError(t, err)
			t.Cleanup(func() {
				_, _ = c.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
				c.Close(ctx)
			})
			s, err := postgres.Open(ctx, dsn, &postgres.Options{Schema: schema, Keys: keys})
			require.NoError(t, err)
			defer s.Close()
			sealedFlow(t, s)
			rows, err := c.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, schema)
			require.NoError(t, err)
			tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
			require.NoError(t, err)
			var raw []byte
			for _, tb := range tables {
				var text string
				require.NoError(t, c.QueryRow(ctx, `SELECT coalesce(string_agg(t::text, E'\n'), '') FROM `+schema+`.`+tb+` t`).Scan(&text))
				raw = append(raw, text...)
			}
			if keys == nil {
				assert.Contains(t, string(raw), hex.EncodeToString([]byte(atRest[1].Phone)))
				return
			}
			assert.Empty(t, leaked(raw))
		})
	}
}
