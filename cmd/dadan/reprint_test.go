package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer/printertest"
)

// TestReprintCLI: dadan reprint queues a printed waybill again with its reason;
// the next dadan print --db prints it once more, marked 补打, and with
// --new-number under a new tracking number.
func TestReprintCLI(t *testing.T) {
	db, ids := matrixOrders(t, 2)
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu.Close()
	url := "tcp://" + emu.Addr()
	print := func() {
		code, out, errOut := runCLI(t, "", "print", "--db", db, "--printer", "waybill="+url, "--timeout", "30s")
		require.Equal(t, 0, code, "%s\n%s", out, errOut)
	}
	print()
	require.Len(t, emu.Printed(), 2)

	code, _, errOut := runCLI(t, "", "reprint", "--db", db, "--order", ids[0])
	assert.Equal(t, exitUsage, code, "a reason is required: %s", errOut)
	code, out, errOut := runCLI(t, "", "reprint", "--db", db, "--order", ids[0], "--reason", "label torn")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "补打 #2")
	code, _, _ = runCLI(t, "", "reprint", "--db", db, "--order", ids[0], "--reason", "again")
	assert.Equal(t, exitRefused, code, "a queued reprint is not queued twice")
	print()
	got := emu.Printed()
	require.Len(t, got, 3)
	assert.Contains(t, string(got[2].Data), ids[0])
	assert.Contains(t, string(got[2].Data), "补打 #2")
	first := trackingOf(t, db, ids[0])
	assert.Contains(t, string(got[2].Data), first, "same number")

	code, out, errOut = runCLI(t, "", "reprint", "--db", db, "--order", ids[0], "--reason", "wrong courier", "--new-number")
	require.Equal(t, 0, code, errOut)
	second := trackingOf(t, db, ids[0])
	assert.NotEqual(t, first, second)
	assert.Contains(t, out, second)
	print()
	got = emu.Printed()
	require.Len(t, got, 4)
	assert.Contains(t, string(got[3].Data), second)
	assert.Contains(t, string(got[3].Data), "补打 #3")

	_, jout, _ := runCLI(t, "", "journal", "--db", db, "--order", ids[0])
	assert.Contains(t, jout, "reprint waybill: label torn")
	assert.Contains(t, jout, "cancelled")
	_, jobs, _ := runCLI(t, "", "jobs", "--db", db, "--order", ids[0], "--json")
	var j jobLine
	require.NoError(t, json.Unmarshal(bytes.TrimSpace([]byte(strings.SplitN(jobs, "\n", 2)[0])), &j))
	assert.True(t, j.Reprint)
	assert.Contains(t, j.Reason, "label torn")
}

func trackingOf(t *testing.T, db, id string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "", "orders", "--db", db, "--json")
	require.Equal(t, 0, code, errOut)
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var o orderLine
		require.NoError(t, json.Unmarshal([]byte(l), &o))
		if o.ID == id {
			return o.TrackingNo
		}
	}
	t.Fatalf("no order %s", id)
	return ""
}
