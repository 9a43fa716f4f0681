package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddressJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "", "address", "--json", "浙江省杭州市余杭区五常街道文一西路969号", "北京 朝阳区 建国路88号")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, `{"province":"浙江省","city":"杭州市","district":"余杭区","street":"五常街道","detail":"文一西路969号"}`, lines[0])
	var a map[string]string
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &a))
	assert.Equal(t, map[string]string{"province": "北京市", "city": "北京市", "district": "朝阳区", "street": "", "detail": "建国路88号"}, a)
}

func TestAddressStdinText(t *testing.T) {
	code, out, _ := runCLI(t, "广东省东莞市长安镇振安路1号\r\n\n文一西路969号\n", "address")
	require.Equal(t, 0, code)
	assert.Equal(t, "广东省\t东莞市\t\t长安镇\t振安路1号\n\t\t\t\t文一西路969号\n", out)
	code, _, _ = runCLI(t, "", "address", "--bogus")
	assert.Equal(t, exitUsage, code)
}
