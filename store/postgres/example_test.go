package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/postgres"
)

// Two stations share one database: one queues a waybill, the other, which
// listens for new jobs, claims it. (This example needs a PostgreSQL server:
// it runs as a test when DADAN_PG_DSN names one.)
func Example() {
	ctx := context.Background()
	dsn := os.Getenv("DADAN_PG_DSN") // postgres://user:password@host:5432/db
	opts := &postgres.Options{Schema: "example_stations", Lease: time.Minute}
	packing, err := postgres.Open(ctx, dsn, opts)
	if err != nil {
		log.Fatal(err)
	}
	defer packing.Close()
	printing, err := postgres.Open(ctx, dsn, opts)
	if err != nil {
		log.Fatal(err)
	}
	defer printing.Close()

	wake, err := printing.Notify(ctx)
	if err != nil {
		log.Fatal(err)
	}
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	o := &order.Order{ID: "TB1", Status: order.Received, PaidAt: at}
	if err := packing.CreateOrder(ctx, o, order.Event{Time: at, Actor: "ingest", OrderID: "TB1", Action: order.ActReceived, To: order.Received}); err != nil {
		log.Fatal(err)
	}
	if _, err := packing.AddJob(ctx, printer.Job{
		Key:     printer.JobKey{Order: "TB1", Doc: printer.Waybill, Template: "waybill-76x130", Version: "1", Copy: 1},
		Printer: "waybill-1", Data: []byte("^XA^FDTB1^FS^XZ"),
	}); err != nil {
		log.Fatal(err)
	}
	name := <-wake
	j, err := printing.ClaimJob(ctx, name, "station-2", at)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(name, j.Key, j.State, j.Owner)
}

// Options are checked before anything connects; a schema name is a plain
// identifier, never quoted SQL.
func ExampleOptions_Validate() {
	for _, o := range []postgres.Options{{Schema: "warehouse_2"}, {Schema: "Warehouse"}, {Lease: -time.Second}} {
		fmt.Println(o.Validate())
	}
	// Output:
	// <nil>
	// postgres: invalid options: schema name "Warehouse": only a-z, 0-9 and _, not starting with a digit
	// postgres: invalid options: negative lease
}

// A schema migrated by a newer program is refused with its versions.
func ExampleSchemaError() {
	var err error = &postgres.SchemaError{Schema: "dadan", Have: 3, Want: 1}
	fmt.Println(err)
	fmt.Println(errors.Is(err, postgres.ErrNewerSchema))
	// Output:
	// postgres: schema "dadan" is at version 3, this program knows up to 1
	// true
}
