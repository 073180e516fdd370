package main

import (
	"context"
	"fmt"

	"github.com/open-recognition/registry/issuer"
)

// cmdKeys rotates the issuer key: keys rotate.
func cmdKeys(_ context.Context, env *environment, args []string) error {
	if args[0] != "rotate" {
		return &usageError{msg: fmt.Sprintf("keys: %q is not a keys command (only rotate)", args[0]), usage: "usage: registry keys rotate"}
	}
	keys, err := issuer.OpenKeys(env.opts.Keys)
	if err != nil {
		return err
	}
	before := len(keys.All())
	k, err := keys.Rotate()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "new issuer key %d (%s) signs from now on; the %d earlier key(s) stay published in did.json\n", k.N, k.Multibase(), before)
	return nil
}
