package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/store/seal"
	"github.com/dadanhq/dadan/store/sqlite"
)

// A store sealed with key k1, rotated to k2 while open, then opened with k2
// alone.
func ExampleStore_Rekey() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "dadan")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "station.db")
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32) // seal.NewKey() in earnest

	old, _ := seal.New("k1", map[string][]byte{"k1": k1})
	s, _ := sqlite.Open(ctx, path, &sqlite.Options{Keys: old})
	_ = s.CreateOrder(ctx, &order.Order{ID: "TB1", Status: order.Received, Recipient: order.Party{Name: "张三", Phone: "13800138000"}})
	_ = s.Close()

	both, _ := seal.New("k2", map[string][]byte{"k1": k1, "k2": k2})
	s, _ = sqlite.Open(ctx, path, &sqlite.Options{Keys: both})
	p, err := s.Rekey(ctx, nil)
	fmt.Println(p.Resealed, "value sealed again with", both.Active(), err)
	_ = s.Close()

	_, err = sqlite.Open(ctx, path, nil)
	fmt.Println("without keys:", errors.Is(err, seal.ErrNoKeys))
	only2, _ := seal.New("k2", map[string][]byte{"k2": k2})
	s, _ = sqlite.Open(ctx, path, &sqlite.Options{Keys: only2})
	defer s.Close()
	o, _ := s.GetOrder(ctx, "TB1")
	fmt.Println(o.Recipient.Name, o.Recipient.Phone)
	// Output:
	// 1 value sealed again with k2 <nil>
	// without keys: true
	// 张三 13800138000
}
