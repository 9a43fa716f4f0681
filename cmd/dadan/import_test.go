package main

import (
	"bufio"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dadanhq/dadan/order"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testdata(name string) string { return filepath.Join("..", "..", "platform", "testdata", name) }

func decodeLines(t *testing.T, out string) []*order.Order {
	t.Helper()
	var orders []*order.Order
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		o := new(order.Order)
		require.NoError(t, order.Unmarshal(sc.Bytes(), o), sc.Text())
		orders = append(orders, o)
	}
	return orders
}

func TestImportTaobao(t *testing.T) {
	code, out, errOut := runCLI(t, "", "import", "--format", "taobao", "--orders", testdata("taobao_orders.csv"), "--items", testdata("taobao_items.csv"))
	assert.Equal(t, exitRefused, code, "two rows are refused")
	orders := decodeLines(t, out)
	require.Len(t, orders, 2)
	assert.Equal(t, "3618000000000001", orders[0].ID)
	assert.Contains(t, errOut, "taobao_orders.csv:3: 3618000000000002: 订单状态 交易关闭: not waiting to ship")
	assert.Contains(t, errOut, "taobao_orders.csv:4: 3618000000000003:")

	// The orders review as orders: the import's output is review's input.
	code, out, errOut = runCLI(t, out, "review", "--orders", "-", "--json", "--lang", "en")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `{"id":"3618000000000001","outcome":"approve","findings":[]}`)
	assert.Contains(t, out, `{"id":"3618000000000004","outcome":"hold"`, "the buyer changed the address")
}

func TestImportFormats(t *testing.T) {
	for _, tt := range []struct {
		args []string
		n    int
	}{
		{[]string{"--format", "top", "--orders", testdata("top_trades.json")}, 3},
		{[]string{"--format", "pdd", "--orders", testdata("pdd_orders.json")}, 2},
		{[]string{"--format", "douyin", "--orders", testdata("douyin_orders.json")}, 1},
		{[]string{"--format", "csv", "--orders", testdata("custom.csv"), "--mapping", testdata("mapping.json")}, 2},
		{[]string{"--format", "taobao", "--orders", testdata("taobao_orders_gbk.csv"), "--items", testdata("taobao_items_gbk.csv")}, 1},
	} {
		code, out, errOut := runCLI(t, "", append([]string{"import"}, tt.args...)...)
		assert.Equal(t, exitRefused, code, "%v: each sample has a refused record", tt.args)
		assert.Len(t, decodeLines(t, out), tt.n, "%v: %s", tt.args, errOut)
		assert.Contains(t, errOut, "refused")
	}
}

func TestImportUsage(t *testing.T) {
	for _, args := range [][]string{
		{"import"},
		{"import", "--format", "amazon", "--orders", "x"},
		{"import", "--format", "csv", "--orders", "x"},
		{"import", "--format", "top", "--orders", "x", "--mapping", "m"},
		{"import", "--format", "pdd", "--orders", "x", "--items", "i"},
	} {
		code, _, _ := runCLI(t, "", args...)
		assert.Equal(t, exitUsage, code, "%v", args)
	}
	code, _, errOut := runCLI(t, "", "import", "--format", "top", "--orders", "/nonexistent.json")
	assert.Equal(t, exitRefused, code)
	assert.Contains(t, errOut, "nonexistent")
}
