package order_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func decodeAll(t *testing.T, in string) ([]*order.Order, []error) {
	t.Helper()
	var orders []*order.Order
	var errs []error
	for o, err := range order.NewDecoder(strings.NewReader(in)).All() {
		if err != nil {
			var de *order.DecodeError
			require.ErrorAs(t, err, &de, "only per-record errors expected")
			errs = append(errs, err)
			continue
		}
		orders = append(orders, o)
	}
	return orders, errs
}

func TestDecodeSample(t *testing.T) {
	orders, errs := decodeAll(t, string(sample.Orders))
	require.Empty(t, errs)
	require.Len(t, orders, 56)
	o := orders[0]
	assert.Equal(t, "TB2026111100000", o.ID)
	assert.Equal(t, order.Taobao, o.Platform)
	assert.Equal(t, "张伟", o.Recipient.Name)
	assert.Equal(t, "浙江省杭州市余杭区五常街道文一西路1号", o.Recipient.FullAddress())
	assert.Equal(t, "59.9", o.Items[0].UnitPrice.String())
	assert.Equal(t, "54.9", o.Total.String())
	assert.Equal(t, 1, o.Units())
	// The control bytes in the hostile address arrive as text.
	var hostile *order.Order
	for _, o := range orders {
		if strings.Contains(o.Recipient.Address, "\x1b@") {
			hostile = o
		}
	}
	require.NotNil(t, hostile, "sample has an address with an ESC byte")
	assert.Contains(t, hostile.Recipient.Address, `(a) Tj \ )`)
}

// Every sample order encodes back to the same JSON value it was decoded from.
func TestRoundTripSample(t *testing.T) {
	for i, line := range bytes.Split(bytes.TrimSpace(sample.Orders), []byte("\n")) {
		var o order.Order
		require.NoError(t, order.Unmarshal(line, &o), "line %d", i+1)
		out := order.AppendJSON(nil, &o)
		var want, got any
		require.NoError(t, json.Unmarshal(line, &want))
		require.NoError(t, json.Unmarshal(out, &got), "output is JSON: %s", out)
		dropEmptyOptional(want)
		dropEmptyOptional(got)
		require.Equal(t, want, got, "line %d", i+1)
	}
}

// dropEmptyOptional removes empty optional address members: absent and "" mean the
// same and the encoder writes neither.
func dropEmptyOptional(v any) {
	m := v.(map[string]any)
	for _, k := range []string{"recipient", "sender"} {
		if p, ok := m[k].(map[string]any); ok {
			for _, f := range []string{"street", "postcode"} {
				if p[f] == "" {
					delete(p, f)
				}
			}
		}
	}
}

func TestUnknownFieldsSurvive(t *testing.T) {
	in := `{"id":"X1","platform":"own","future":{"a":[1,2,{"b":null}]},"recipient":{"name":"张三","geo":[120.1,30.2]},` +
		`"items":[{"sku":"A","qty":1,"unit_price":"1.00","batch":"L7"}],"waybill":{"tracking_no":"1","x":true},"total":"1.00"}`
	var o order.Order
	require.NoError(t, order.Unmarshal([]byte(in), &o))
	v, ok := o.Extra.Get("future")
	require.True(t, ok)
	assert.JSONEq(t, `{"a":[1,2,{"b":null}]}`, string(v))
	out := order.AppendJSON(nil, &o)
	var m map[string]any
	require.NoError(t, json.Unmarshal(out, &m))
	assert.Equal(t, []any{120.1, 30.2}, m["recipient"].(map[string]any)["geo"])
	assert.Equal(t, "L7", m["items"].([]any)[0].(map[string]any)["batch"])
	assert.Equal(t, true, m["waybill"].(map[string]any)["x"])

	var o2 order.Order
	require.NoError(t, order.Unmarshal(out, &o2))
	assert.Equal(t, o.Extra, o2.Extra)
	assert.Equal(t, o.Items[0].Extra, o2.Items[0].Extra)
}

func TestDecodeArray(t *testing.T) {
	in := "[\n" + `{"id":"A","total":"1.00"},` + "\n" + `{"id":"B","total":"x"},` + "\n" + `{"id":"C"}` + "\n]\n"
	orders, errs := decodeAll(t, in)
	require.Len(t, orders, 2)
	assert.Equal(t, "A", orders[0].ID)
	assert.Equal(t, "C", orders[1].ID)
	require.Len(t, errs, 1)
	var de *order.DecodeError
	require.ErrorAs(t, errs[0], &de)
	assert.Equal(t, 3, de.Line)
	assert.Equal(t, "B", de.OrderID)
	assert.Equal(t, "total", de.Field)
	assert.ErrorIs(t, errs[0], order.ErrMoney)
}

func TestBadInput(t *testing.T) {
	good := `{"id":"OK1","total":"1.00"}`
	cases := []struct {
		name  string
		line  string
		id    string
		field string
		err   error
	}{
		{"malformed", `{"id":"M1","total":"1.00"`, "M1", "", order.ErrSyntax},
		{"not an object", `[1,2]`, "", "", order.ErrType},
		{"wrong type qty", `{"id":"W1","items":[{"sku":"A","qty":"2"}]}`, "W1", "items[0].qty", order.ErrType},
		{"fractional qty", `{"id":"W2","items":[{"sku":"A","qty":1.5}]}`, "W2", "items[0].qty", order.ErrType},
		{"wrong type name", `{"id":"W3","recipient":{"name":7}}`, "W3", "recipient.name", order.ErrType},
		{"money not decimal", `{"id":"D1","total":"12,50"}`, "D1", "total", order.ErrMoney},
		{"money exponent", `{"id":"D2","discount":"1e3"}`, "D2", "discount", order.ErrMoney},
		{"money bool", `{"id":"D3","shipping_fee":true}`, "D3", "shipping_fee", order.ErrType},
		{"bad time", `{"id":"T1","paid_at":"yesterday"}`, "T1", "paid_at", order.ErrTime},
		{"invalid utf8", "{\"id\":\"U1\",\"shop\":\"\xff\xfe\"}", "U1", "shop", order.ErrInvalidUTF8},
		{"lone surrogate", `{"id":"U2","shop":"\ud800"}`, "U2", "shop", order.ErrInvalidUTF8},
		{"trailing data", `{"id":"X1"} {"id":"X2"}`, "X1", "", order.ErrSyntax},
		{"unknown status", `{"id":"S1","status":"lost"}`, "S1", "status", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := good + "\n" + c.line + "\n" + good + "\n"
			orders, errs := decodeAll(t, in)
			assert.Len(t, orders, 2, "the rest of the batch goes on")
			require.Len(t, errs, 1)
			var de *order.DecodeError
			require.ErrorAs(t, errs[0], &de)
			assert.Equal(t, 2, de.Line)
			assert.Equal(t, c.id, de.OrderID)
			assert.Equal(t, c.field, de.Field)
			if c.err != nil {
				assert.ErrorIs(t, errs[0], c.err)
			}
			assert.Contains(t, errs[0].Error(), "line 2")
		})
	}
}

func TestHugeField(t *testing.T) {
	big := strings.Repeat("长", 10<<20/3+1)
	in := `{"id":"H0"}` + "\n" + `{"id":"H1","recipient":{"address":"` + big + `"}}` + "\n" + `{"id":"H2"}`
	orders, errs := decodeAll(t, in)
	require.Len(t, orders, 2)
	assert.Equal(t, "H2", orders[1].ID)
	require.Len(t, errs, 1)
	var de *order.DecodeError
	require.ErrorAs(t, errs[0], &de)
	assert.ErrorIs(t, errs[0], order.ErrTooLarge)
	assert.Equal(t, 2, de.Line)
	assert.Equal(t, "H1", de.OrderID)

	// With a larger limit the same record decodes.
	d := order.NewDecoder(strings.NewReader(in))
	d.MaxRecord = 16 << 20
	n := 0
	for o, err := range d.All() {
		require.NoError(t, err)
		n++
		if o.ID == "H1" {
			assert.Len(t, o.Recipient.Address, len(big))
		}
	}
	assert.Equal(t, 3, n)
}

func TestEmptyInput(t *testing.T) {
	for _, in := range []string{"", "\n\n  \n", "[]", " [ \n ] "} {
		var o order.Order
		err := order.NewDecoder(strings.NewReader(in)).Decode(&o)
		assert.ErrorIs(t, err, order.ErrEmpty, "%q", in)
	}
	d := order.NewDecoder(strings.NewReader(`{"id":"A"}`))
	var o order.Order
	require.NoError(t, d.Decode(&o))
	assert.Equal(t, io.EOF, d.Decode(&o), "no newline at the end is fine")
}

func TestBrokenArrayStops(t *testing.T) {
	d := order.NewDecoder(strings.NewReader(`[{"id":"A"} {"id":"B"}]`))
	var o order.Order
	require.NoError(t, d.Decode(&o))
	err := d.Decode(&o)
	require.ErrorIs(t, err, order.ErrSyntax)
	assert.Equal(t, io.EOF, d.Decode(&o))
}

func TestTransitions(t *testing.T) {
	o := &order.Order{ID: "T1"}
	at := sampleTime
	path := []order.Status{order.Received, order.OnHold, order.Approved, order.Printed, order.Verified, order.Shipped}
	for _, s := range path {
		ev, err := order.Move(o, s, at, "alice", order.ActNote, "")
		require.NoError(t, err)
		assert.Equal(t, s, ev.To)
		assert.Equal(t, "alice", ev.Actor)
	}
	_, err := order.Move(o, order.Cancelled, at, "alice", order.ActNote, "")
	var te *order.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, order.Shipped, te.From)
	assert.Equal(t, order.Cancelled, te.To)
	assert.ErrorIs(t, err, order.ErrIllegalTransition)
	assert.Equal(t, order.Shipped, o.Status, "a refused move leaves the order as it was")
	assert.Contains(t, err.Error(), "shipped")

	o2 := &order.Order{ID: "T2", Status: order.Rejected}
	_, err = order.Move(o2, order.Approved, at, "bob", order.ActNote, "")
	assert.ErrorIs(t, err, order.ErrIllegalTransition, "a rejected order is reviewed again first")
	_, err = order.Move(o2, order.Received, at, "bob", order.ActResolved, "exchange")
	assert.NoError(t, err)
}

func TestCloneIsDeep(t *testing.T) {
	var o order.Order
	require.NoError(t, order.Unmarshal([]byte(`{"id":"C1","items":[{"sku":"A","qty":1,"x":1}],"flags":["red"],"waybill":{"tracking_no":"9"},"y":2}`), &o))
	c := o.Clone()
	c.Items[0].SKU = "B"
	c.Items[0].Extra[0].Value[0] = '7'
	c.Flags[0] = "blue"
	c.Waybill.TrackingNo = "8"
	c.Extra[0].Value[0] = '5'
	assert.Equal(t, "A", o.Items[0].SKU)
	assert.Equal(t, "1", string(o.Items[0].Extra[0].Value))
	assert.Equal(t, "red", o.Flags[0])
	assert.Equal(t, "9", o.Waybill.TrackingNo)
	assert.Equal(t, "2", string(o.Extra[0].Value))
}

func TestEncoderEscapes(t *testing.T) {
	o := &order.Order{ID: "E1", Recipient: order.Party{Name: "a\"b\\c\x1b\n\u2028"}}
	var buf bytes.Buffer
	enc := order.NewEncoder(&buf)
	require.NoError(t, enc.Encode(o))
	require.NoError(t, enc.Flush())
	var back order.Order
	require.NoError(t, order.Unmarshal(bytes.TrimSpace(buf.Bytes()), &back))
	assert.Equal(t, o.Recipient.Name, back.Recipient.Name)
	assert.True(t, json.Valid(buf.Bytes()))
	assert.False(t, errors.Is(nil, order.ErrSyntax))
}

func TestDecoderEdges(t *testing.T) {
	// Anything after the closing bracket is an error, not silently dropped.
	d := order.NewDecoder(strings.NewReader("[{\"id\":\"A\"}]\n[{\"id\":\"B\"}]"))
	var o order.Order
	require.NoError(t, d.Decode(&o))
	assert.ErrorIs(t, d.Decode(&o), order.ErrSyntax)
	d = order.NewDecoder(strings.NewReader("[{\"id\":\"A\"}]  \n"))
	require.NoError(t, d.Decode(&o))
	assert.Equal(t, io.EOF, d.Decode(&o))

	// A NUL byte after the object is data, not the end.
	_, errs := decodeAll(t, "{\"id\":\"A\"}\x00{\"id\":\"B\"}\n")
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], order.ErrSyntax)

	// The size limit holds for short lines too, and counts the record, not its line end.
	line := `{"id":"S1","shop":"` + strings.Repeat("x", 80) + `"}`
	d = order.NewDecoder(strings.NewReader(line + "\r\n"))
	d.MaxRecord = len(line)
	require.NoError(t, d.Decode(&o))
	d = order.NewDecoder(strings.NewReader(line + "\n"))
	d.MaxRecord = len(line) - 1
	assert.ErrorIs(t, d.Decode(&o), order.ErrTooLarge)

	// Unknown members from pretty-printed input encode on one line.
	d = order.NewDecoder(strings.NewReader("[\n {\"id\": \"X\",\n  \"ext\": {\n   \"a\": [1, \"b c\"]\n  }\n }\n]"))
	require.NoError(t, d.Decode(&o))
	out := order.AppendJSON(nil, &o)
	assert.NotContains(t, string(out), "\n")
	assert.Contains(t, string(out), `"ext": {"a":[1,"b c"]}`)
}

func TestAppendMoneyKeepsScale(t *testing.T) {
	for in, want := range map[string]string{"59.9": "59.90", "59.900": "59.900", "1.000": "1.000", "0.005": "0.005", "7": "7.00", "-3.5": "-3.50"} {
		assert.Equal(t, want, string(order.AppendMoney(nil, decimal.RequireFromString(in))), in)
	}
}

// AppendMoney's fast path writes what decimal's StringFixed writes, for every
// scale, sign and size, and larger values keep the slow path.
func TestAppendMoneyMatchesStringFixed(t *testing.T) {
	ins := []string{"0", "0.0", "0.00", "0.05", "-0.05", "0.5", "-0.5", "5", "12", "109.8", "109.80", "0.000001",
		"123456789012345678", "-123456789012345678", "1234567890123456789", "99999999999999999.99",
		"9223372036854775807", "-9223372036854775808", "12345678901234567890123.45", "1E+3", "-2.5E+2",
		"0.0000000000000000001", "0.000000000000000001", "3.14159265358979323846"}
	for i := 0; i < 2000; i++ {
		ins = append(ins, decimal.New(int64(i*7919-7000000)*int64(i%9+1), int32(-(i%7))).String())
	}
	for _, in := range ins {
		d := decimal.RequireFromString(in)
		assert.Equal(t, d.StringFixed(max(2, -d.Exponent())), string(order.AppendMoney(nil, d)), in)
	}
	assert.Equal(t, "0.00", string(order.AppendMoney(nil, decimal.Decimal{})))
	assert.Equal(t, "x-1.25", string(order.AppendMoney([]byte("x"), decimal.New(-125, -2))))
}

func TestIsFullAddress(t *testing.T) {
	ps := []order.Party{
		{Province: "浙江省", City: "杭州市", District: "余杭区", Street: "五常街道", Address: "文一西路1号"},
		{Province: "北京市", City: "北京市", District: "朝阳区", Address: "1号"},
		{Province: "北京市", City: "北京", District: "朝阳区", Address: "1号"},
		{},
		{Address: "浙江省杭州市"},
	}
	for i := range ps {
		for j := range ps {
			assert.Equal(t, ps[i].FullAddress() == ps[j].FullAddress(), ps[i].IsFullAddress(ps[j].FullAddress()), "%d %d", i, j)
		}
		full := ps[i].FullAddress()
		assert.False(t, ps[i].IsFullAddress(full+"x"))
		if full != "" {
			assert.False(t, ps[i].IsFullAddress(full[:len(full)-1]+"x"))
		}
	}
}
