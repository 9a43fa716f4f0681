package access_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dadanhq/dadan/access"
	"github.com/stretchr/testify/assert"
)

func TestActor(t *testing.T) {
	ctx := context.Background()
	assert.Equal(t, "system", access.Actor(ctx))
	_, ok := access.FromContext(ctx)
	assert.False(t, ok)
	ctx = access.NewContext(ctx, access.Principal{ID: "u42", Name: "王芳", Roles: []string{"printer"}})
	assert.Equal(t, "u42", access.Actor(ctx))
	p, ok := access.FromContext(ctx)
	assert.True(t, ok)
	assert.Equal(t, "王芳", p.Name)
	assert.Equal(t, "system", access.Actor(access.NewContext(ctx, access.Principal{})), "an empty ID falls back")
}

func ExampleActor() {
	ctx := access.NewContext(context.Background(), access.Principal{ID: "alice"})
	fmt.Println(access.Actor(ctx), access.Actor(context.Background()))
	// Output: alice system
}
