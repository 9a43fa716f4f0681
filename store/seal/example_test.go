package seal_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/dadanhq/dadan/store/seal"
)

func Example() {
	k1 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32)) // use seal.NewKey in earnest
	k2 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32))
	old, _ := seal.ParseKeyFile([]byte(`{"active":"k1","keys":{"k1":"` + k1 + `"}}`))

	ad := seal.AD("orders.body", "TB1") // bind the value to its row
	v := old.Seal(nil, []byte("张三 13800138000"), ad)
	id, _ := seal.KeyID(v)
	fmt.Println("sealed with", id, "holds the phone:", bytes.Contains(v, []byte("13800138000")))

	// Rotation: k2 becomes active, k1 stays for reading until values are re-sealed.
	ring, _ := seal.ParseKeyFile([]byte(`{"active":"k2","keys":{"k1":"` + k1 + `","k2":"` + k2 + `"}}`))
	v, _, _ = ring.Reseal(v, ad)
	id, _ = seal.KeyID(v)
	p, _ := ring.Open(nil, v, ad)
	fmt.Println("re-sealed with", id+":", string(p))

	_, err := old.Open(nil, v, ad)
	var uk *seal.UnknownKeyError
	fmt.Println(errors.As(err, &uk), uk.ID)
	_, err = ring.Open(nil, v, seal.AD("orders.body", "TB2"))
	fmt.Println(errors.Is(err, seal.ErrDamaged))
	// Output:
	// sealed with k1 holds the phone: false
	// re-sealed with k2: 张三 13800138000
	// true k2
	// true
}
