package main

import (
	"context"
	"fmt"

	"github.com/open-recognition/registry/issuer"
)

// cmdKeys rotates the issuer key (keys rotate) or the root secret that custodial endorser keys
// and OB 2.0 salts derive from (keys rotate-root). Either way what was signed before keeps
// verifying: earlier keys and roots stay, and their public keys stay published.
func cmdKeys(_ context.Context, env *environment, args []string) error {
	if args[0] != "rotate" && args[0] != "rotate-root" {
		return &usageError{msg: fmt.Sprintf("keys: %q is not a keys command (rotate or rotate-root)", args[0]), usage: "usage: registry keys rotate|rotate-root"}
	}
	keys, err := issuer.OpenKeys(env.opts.Keys)
	if err != nil {
		return err
	}
	if args[0] == "rotate-root" {
		before, err := keys.Roots()
		if err != nil {
			return err
		}
		r, err := keys.RotateRoot()
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "new root secret %d derives the endorsers' keys and the OB 2.0 salts of credentials issued from %s; the %d earlier root(s) stay, so their keys stay listed in every signatory's did.json\n",
			r.Version, r.Since.Format("2006-01-02 15:04:05 UTC"), len(before))
		return nil
	}
	before := len(keys.All())
	k, err := keys.Rotate()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "new issuer key %d (%s) signs from now on; the %d earlier key(s) stay published in did.json\n", k.N, k.Multibase(), before)
	return nil
}
