package order

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProtectedRoundTrip(t *testing.T) {
	in := `{"id":"PDD1","platform":"pdd","recipient":{"name":"张*","phone":"138****8000","province":"浙江省","city":"杭州市","district":"余杭区","address":"文一西路***",` +
		`"protected":{"ref":"oaid-1","name":"~AgAAAAE=~","phone":"~AgAAAAI=~","address":"~AgAAAAM=~","key_version":3},"x":1},"items":[]}`
	var o Order
	require.NoError(t, Unmarshal([]byte(in), &o))
	p := o.Recipient.Protected
	require.NotNil(t, p)
	assert.Equal(t, Protected{Ref: "oaid-1", Name: "~AgAAAAE=~", Phone: "~AgAAAAI=~", Address: "~AgAAAAM=~", Extra: Extra{{Key: "key_version", Value: []byte("3")}}}, *p)
	assert.Equal(t, "138****8000", o.Recipient.Phone)
	assert.False(t, p.Empty())

	out := AppendJSON(nil, &o)
	var back Order
	require.NoError(t, Unmarshal(out, &back))
	assert.Equal(t, o.Recipient, back.Recipient)
	assert.Contains(t, string(out), `"protected": {"ref": "oaid-1", "name": "~AgAAAAE=~", "phone": "~AgAAAAI=~", "address": "~AgAAAAM=~", "key_version": 3}`)

	c := o.Clone()
	c.Recipient.Protected.Ref = "changed"
	c.Recipient.Protected.Extra[0].Value[0] = '9'
	assert.Equal(t, "oaid-1", o.Recipient.Protected.Ref, "Clone copies Protected")
	assert.Equal(t, "3", string(o.Recipient.Protected.Extra[0].Value))

	var plain Order
	require.NoError(t, Unmarshal([]byte(`{"id":"A","recipient":{"name":"a","protected":null}}`), &plain))
	assert.Nil(t, plain.Recipient.Protected)
	assert.NotContains(t, string(AppendJSON(nil, &plain)), "protected")
	assert.True(t, plain.Recipient.Protected.Empty())

	var bad Order
	assert.Error(t, Unmarshal([]byte(`{"id":"A","recipient":{"protected":{"ref":1}}}`), &bad))
}
