package raster_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/raster"
)

func ExampleRenderer_Render() {
	r, err := raster.New(nil) // default fonts from the host
	if err != nil {
		fmt.Println(err)
		return
	}
	tpl := &label.Template{Name: "demo", Version: "1", Width: 50, Height: 25, Elements: []label.Element{
		&label.TextElement{X: 2, Y: 2, W: 46, H: 5, Size: 4, Text: "收 {name}"},
		&label.Code128Element{X: 0, Y: 8, W: 50, H: 10, Data: "{no}", Text: true},
	}}
	doc, err := label.Layout(tpl, &label.Data{Fields: map[string]string{"name": "张三", "no": "756123456789"}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	if err := r.Render(context.Background(), &buf, doc); err != nil {
		fmt.Println(err)
		return
	}
	img, _ := png.Decode(&buf)
	fmt.Println(img.Bounds().Dx(), "x", img.Bounds().Dy(), "pixels at 203 dpi")
	// Output: 400 x 200 pixels at 203 dpi
}
