package qa_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/storetest"
)

// An inspector records an inspection; an operator may not inspect its own work.
func ExampleDesk() {
	ctx := context.Background()
	s := memstore.New()
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	_ = storetest.PrintOrder(ctx, s, "T1", "alice", at, storetest.PrintedDoc{Kind: printer.Waybill, Template: "waybill-76x130", Version: "3", Printer: "zebra-1"})
	desk := &qa.Desk{Store: s, Orders: s, Authorizer: &access.Policy{Users: map[string][]string{"alice": {"operator"}, "qi": {"inspector"}}}}
	as := func(id string) context.Context { return access.NewContext(ctx, access.Principal{ID: id}) }

	_, err := desk.Record(as("alice"), qa.Inspection{Order: "T1", Time: at.Add(time.Hour), Result: qa.Pass})
	fmt.Println(errors.Is(err, access.ErrDenied), err)
	in, err := desk.Record(as("qi"), qa.Inspection{Order: "T1", Time: at.Add(time.Hour), Inspector: "qi", Result: qa.Pass})
	fmt.Println(in.Round, in.Operator, in.Inspector, err)
	// Output:
	// true access: not permitted: alice may not qa.inspect
	// 1 alice qi <nil>
}
