package label_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
)

func TestTemplateJSONRoundTrip(t *testing.T) {
	seen := map[string]string{}
	for _, name := range label.StandardNames() {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		assert.Equal(t, name, tpl.Name)
		h := tpl.Hash()
		assert.Len(t, h, 64)
		assert.Empty(t, seen[h], "two templates share a hash")
		seen[h] = name

		data, err := json.Marshal(tpl)
		require.NoError(t, err)
		back, err := label.ParseTemplate(data)
		require.NoError(t, err, name)
		assert.Equal(t, tpl, back)
		assert.Equal(t, h, back.Hash(), "hash survives a round trip")

		// Formatting does not change the hash.
		var pretty bytes.Buffer
		require.NoError(t, json.Indent(&pretty, data, "", "    "))
		again, err := label.ReadTemplate(&pretty)
		require.NoError(t, err)
		assert.Equal(t, h, again.Hash())

		// Any change does.
		again.Version = tpl.Version + ".1"
		assert.NotEqual(t, h, again.Hash())
		again.Version = tpl.Version
		for _, e := range again.Elements {
			if te, ok := e.(*label.TextElement); ok {
				te.Size += 0.1
				break
			}
		}
		assert.NotEqual(t, h, again.Hash())
	}
	_, err := label.Standard("waybill-1x1")
	assert.ErrorIs(t, err, label.ErrUnknownTemplate)
}

func TestStandardHashIsStable(t *testing.T) {
	a, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	b, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	assert.Equal(t, a.Hash(), b.Hash())
	b.Elements = b.Elements[1:]
	assert.NotEqual(t, a.Hash(), b.Hash(), "the copy is independent")
	c, _ := label.Standard("waybill-76x130")
	assert.Equal(t, a.Hash(), c.Hash())
}

func TestParseTemplateErrors(t *testing.T) {
	cases := []struct {
		name, json, element string
	}{
		{"unknown field", `{"name":"t","version":"1","width":50,"height":30,"colour":1,"elements":[]}`, ""},
		{"unknown type", `{"name":"t","version":"1","width":50,"height":30,"elements":[{"type":"circle","id":"c"}]}`, "c"},
		{"no type", `{"name":"t","version":"1","width":50,"height":30,"elements":[{"x":1}]}`, "element#0"},
		{"unknown element field", `{"name":"t","version":"1","width":50,"height":30,"elements":[{"type":"text","font":"x"}]}`, "text#0"},
		{"outside page", `{"name":"t","version":"1","width":50,"height":30,"elements":[{"type":"text","id":"big","x":0,"y":0,"w":60,"h":5,"text":"a","size":3}]}`, "big"},
		{"bad filter", `{"name":"t","version":"1","width":50,"height":30,"elements":[{"type":"text","x":0,"y":0,"w":40,"h":5,"text":"{a|rot13}","size":3}]}`, "text#0"},
		{"unclosed", `{"name":"t","version":"1","width":50,"height":30,"elements":[{"type":"text","x":0,"y":0,"w":40,"h":5,"text":"{a","size":3}]}`, "text#0"},
		{"rotation", `{"name":"t","version":"1","width":50,"height":30,"elements":[{"type":"text","x":0,"y":0,"w":40,"h":5,"text":"a","size":3,"rotation":45}]}`, "text#0"},
		{"two tables", `{"name":"t","version":"1","width":50,"height":30,"elements":[{"type":"table","x":0,"y":0,"w":40,"h":20,"table":"a","size":3,"columns":[{"text":"{x}","width":10}]},{"type":"table","id":"t2","x":0,"y":0,"w":40,"h":20,"table":"b","size":3,"columns":[{"text":"{x}","width":10}]}]}`, "t2"},
		{"trailing", `{"name":"t","version":"1","width":50,"height":30,"elements":[]} {}`, ""},
		{"no size", `{"name":"t","version":"1","width":0,"height":30,"elements":[]}`, ""},
		{"bad bitmap", `{"name":"t","version":"1","width":50,"height":30,"elements":[{"type":"image","x":0,"y":0,"w":5,"h":5,"bitmap":{"width":8,"height":2,"bits":"AA=="}}]}`, "image#0"},
	}
	for _, c := range cases {
		_, err := label.ParseTemplate([]byte(c.json))
		require.Error(t, err, c.name)
		assert.ErrorIs(t, err, label.ErrTemplate, c.name)
		var le *label.Error
		require.True(t, errors.As(err, &le), c.name)
		assert.Equal(t, "t", le.Template, c.name)
		assert.Equal(t, c.element, le.Element, c.name)
	}
}

func TestImageRoundTrip(t *testing.T) {
	src := `{"name":"logo","version":"1","width":20,"height":20,"elements":[{"type":"image","x":1,"y":1,"w":4,"h":2,"bitmap":{"width":10,"height":2,"bits":"/8D/wA=="}}]}`
	tpl, err := label.ParseTemplate([]byte(src))
	require.NoError(t, err)
	im := tpl.Elements[0].(*label.ImageElement)
	assert.Equal(t, 2, im.Bitmap.Stride)
	assert.Equal(t, []byte{0xff, 0xc0, 0xff, 0xc0}, im.Bitmap.Bits)
	out, err := json.Marshal(tpl)
	require.NoError(t, err)
	assert.JSONEq(t, src, string(out))
	doc, err := label.Layout(tpl, nil, nil)
	require.NoError(t, err)
	require.Len(t, doc.Pages[0].Ops, 1)
	assert.Equal(t, im.Bitmap, doc.Pages[0].Ops[0].(label.Image).Bitmap)
}

func FuzzParseTemplate(f *testing.F) {
	files, _ := filepath.Glob("templates/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"name":"t","version":"1","width":50,"height":30,"elements":[{"type":"qr","x":1,"y":1,"size":20,"data":"{a}"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := label.ParseTemplate(data)
		if err != nil {
			var le *label.Error
			if !errors.As(err, &le) {
				t.Fatalf("error is not a *label.Error: %v", err)
			}
			return
		}
		// A valid template re-encodes to an equal template with the same hash, and
		// lays out without panicking.
		out, err := json.Marshal(tpl)
		require.NoError(t, err)
		back, err := label.ParseTemplate(out)
		require.NoError(t, err)
		require.Equal(t, tpl.Hash(), back.Hash())
		d := &label.Data{Fields: map[string]string{"a": "x"}, Tables: map[string][]label.Row{"items": {{"name": "n"}}}}
		doc1, err1 := label.Layout(tpl, d, nil)
		// The second layout reuses what the first prepared, and gives the same result;
		// so does an equal template laid out for the first time.
		doc2, err2 := label.Layout(tpl, d, nil)
		doc3, err3 := label.Layout(back, d, nil)
		require.Equal(t, err1, err2)
		require.Equal(t, err1, err3)
		require.Equal(t, doc1, doc2)
		require.Equal(t, doc1, doc3)
	})
}

// TestHashCoversEveryField changes every field of every element type, one at a time,
// and checks that the hash changes.
func TestHashCoversEveryField(t *testing.T) {
	elems := []label.Element{
		&label.TextElement{}, &label.Code128Element{}, &label.QRElement{}, &label.LineElement{},
		&label.BoxElement{}, &label.ImageElement{Bitmap: &label.Bitmap{Width: 8, Height: 1, Stride: 1, Bits: []byte{1}}},
		&label.TableElement{Columns: []label.Column{{}}},
	}
	for _, el := range elems {
		tpl := &label.Template{Name: "h", Elements: []label.Element{el}}
		base := tpl.Hash()
		v := reflect.ValueOf(el).Elem()
		var walk func(v reflect.Value, path string)
		walk = func(v reflect.Value, path string) {
			for i := 0; i < v.NumField(); i++ {
				f := v.Field(i)
				name := path + v.Type().Field(i).Name
				switch f.Kind() {
				case reflect.Struct:
					walk(f, name+".")
					continue
				case reflect.Slice:
					if f.Type().Elem().Kind() == reflect.Struct {
						walk(f.Index(0), name+"[0].")
					}
					continue
				case reflect.Ptr:
					continue
				}
				old := reflect.ValueOf(f.Interface())
				switch f.Kind() {
				case reflect.String:
					f.SetString("x")
				case reflect.Bool:
					f.SetBool(true)
				case reflect.Int:
					f.SetInt(90)
				case reflect.Float64:
					f.SetFloat(1.5)
				default:
					t.Fatalf("field %s of kind %s not covered by this test", name, f.Kind())
				}
				assert.NotEqual(t, base, tpl.Hash(), "%T.%s does not change the hash", el, name)
				f.Set(old)
				assert.Equal(t, base, tpl.Hash())
			}
		}
		walk(v, "")
	}
}
