package label_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
)

// toStd moves the standard fields of d into d.Std, leaving the others in Fields.
func toStd(d *label.Data) *label.Data {
	out := &label.Data{Tables: d.Tables}
	for k, v := range d.Fields {
		if id, ok := label.FieldByName(k); ok {
			out.Std.Set(id, v)
			continue
		}
		if out.Fields == nil {
			out.Fields = map[string]string{}
		}
		out.Fields[k] = v
	}
	return out
}

// Data holding its fields in Std lays out as the same data in Fields, with a
// Layouter and without, for every standard template: absent fields stay absent
// (an If condition, a missing required field), present empty ones stay empty.
func TestStdFieldsLayOutAsFields(t *testing.T) {
	orders := loadOrders(t)
	opts := &label.LayoutOptions{Now: testNow}
	for _, name := range label.StandardNames() {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		lo := label.NewLayouter(tpl)
		for i, o := range orders {
			d := toData(o, i)
			switch i % 4 {
			case 1:
				delete(d.Fields, "waybill.tracking_no") // required on waybills
			case 2:
				d.Fields["carrier.name"] = "中通快递" // an If condition met
				d.Fields["print.time"] = "2026-11-12T08:00:00+08:00"
			case 3:
				d.Fields["carrier.name"] = "" // present, empty: the condition is not met
			}
			want, errWant := label.Layout(tpl, d, opts)
			std := toStd(d)
			require.Empty(t, std.Fields, "every field of toData is a standard one")
			for _, got := range []func() (*label.Document, error){
				func() (*label.Document, error) { return label.Layout(tpl, std, opts) },
				func() (*label.Document, error) { return lo.Layout(std, opts) },
			} {
				doc, err := got()
				if errWant != nil {
					require.EqualError(t, err, errWant.Error(), "%s, order %d", name, i)
					continue
				}
				require.NoError(t, err)
				require.Equal(t, want, doc, "%s, order %d", name, i)
				assert.Equal(t, o.ID, doc.Order)
			}
		}
	}
}

// A field in Fields is taken before the same field in Std.
func TestFieldsBeforeStd(t *testing.T) {
	d := &label.Data{Fields: map[string]string{"recipient.name": "李四"}}
	d.Std.Set(label.FieldRecipientName, "张三")
	d.Std.Set(label.FieldRecipientPhone, "13800138000")
	v, ok := d.Field("recipient.name")
	assert.True(t, ok)
	assert.Equal(t, "李四", v)
	v, ok = d.Field("recipient.phone")
	assert.True(t, ok)
	assert.Equal(t, "13800138000", v)
	_, ok = d.Field("recipient.address")
	assert.False(t, ok)
	_, ok = (*label.Data)(nil).Field("recipient.name")
	assert.False(t, ok)

	tpl := &label.Template{Name: "t", Width: 60, Height: 20, Elements: []label.Element{
		&label.TextElement{Base: label.Base{ID: "name"}, X: 1, Y: 1, W: 58, H: 5, Size: 3, Text: "{recipient.name} {recipient.phone}"},
	}}
	doc, err := label.Layout(tpl, d, nil)
	require.NoError(t, err)
	require.Len(t, doc.Pages[0].Ops, 1)
	assert.Equal(t, "李四 13800138000", doc.Pages[0].Ops[0].(label.TextLine).Text)
}

func TestFieldSet(t *testing.T) {
	var s label.FieldSet
	assert.Zero(t, s.Len())
	for id := label.FieldRecipientName; id <= label.FieldCarrierName; id++ {
		name := id.Name()
		require.NotEmpty(t, name, "field %d", id)
		got, ok := label.FieldByName(name)
		require.True(t, ok, name)
		require.Equal(t, id, got)
		s.Set(id, name+"!")
	}
	assert.Equal(t, int(label.FieldCarrierName), s.Len())
	all := s.All()
	assert.Len(t, all, s.Len())
	assert.Equal(t, "waybill.piece!", all["waybill.piece"])

	s.Set(label.FieldRemark, "")
	v, ok := s.Get(label.FieldRemark)
	assert.True(t, ok, "an empty field is present")
	assert.Empty(t, v)
	s.Delete(label.FieldRemark)
	_, ok = s.Get(label.FieldRemark)
	assert.False(t, ok)
	assert.Empty(t, s.Prev(label.FieldRemark))
	assert.Equal(t, "order.total!", s.Prev(label.FieldTotal))

	// Numbers outside the set are ignored, not a panic.
	for _, id := range []label.FieldID{0, label.FieldCarrierName + 1, 255} {
		s.Set(id, "x")
		_, ok := s.Get(id)
		assert.False(t, ok, "field %d", id)
		s.Delete(id)
		assert.Empty(t, s.Prev(id))
		assert.Empty(t, id.Name())
	}
	_, ok = label.FieldByName("page.no")
	assert.False(t, ok, "layout's own fields are not in the set")
	s.Reset()
	assert.Zero(t, s.Len())
	assert.Empty(t, s.All())
}
