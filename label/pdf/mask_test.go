package pdf

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMaskedWaybillText lays out the standard waybill with masking on and off and
// reads the PDF back with pdftotext: the recipient's address is there either way;
// name and phone are whole only without masking.
func TestMaskedWaybillText(t *testing.T) {
	needFonts(t)
	needTool(t, "pdftotext")
	o := labeltest.Cases(t)["ordinary"]
	tpl, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	r := renderer(t)
	extract := func(mask bool) string {
		doc, err := label.Layout(tpl, labeltest.Data(o), &label.LayoutOptions{Mask: mask})
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, r.Render(context.Background(), &buf, doc))
		out, _ := run(t, "pdftotext", "-enc", "UTF-8", writeTemp(t, "w.pdf", buf.Bytes()), "-")
		return strings.Join(normLines(out), "")
	}
	name, phone := o.Recipient.Name, o.Recipient.Phone
	require.Len(t, []rune(name), 2, "the ordinary sample has a two-character name")
	plain := extract(false)
	assert.Contains(t, plain, name)
	assert.Contains(t, plain, phone)
	assert.Contains(t, plain, o.Recipient.Address)

	masked := extract(true)
	assert.NotContains(t, masked, name)
	assert.NotContains(t, masked, phone)
	assert.Contains(t, masked, string([]rune(name)[:1])+"*")
	assert.Contains(t, masked, phone[:3]+"****"+phone[7:])
	assert.Contains(t, masked, o.Recipient.Address, "the address stays whole for the courier")
}
