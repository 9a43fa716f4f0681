package sqlite_test

import (
	"testing"

	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/store/storetest"
)

func TestBackup(t *testing.T) {
	storetest.Backup(t, func(t *testing.T) backup.Store { return open(t, nil) }, storetest.Features{})
}
