package memstore_test

import (
	"testing"

	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/storetest"
)

func TestBackup(t *testing.T) {
	storetest.Backup(t, func(*testing.T) backup.Store { return memstore.New() }, storetest.Features{})
}
