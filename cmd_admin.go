package main

import (
	"context"
	"fmt"

	"github.com/open-recognition/registry/models"
)

// cmdAdmin grants or revokes the administrator role: admin grant EMAIL|ID, admin revoke EMAIL|ID.
func cmdAdmin(ctx context.Context, env *environment, args []string) error {
	verb, who := args[0], args[1]
	if verb != "grant" && verb != "revoke" {
		return &usageError{msg: fmt.Sprintf("admin: %q is neither grant nor revoke", verb), usage: "usage: registry admin grant|revoke EMAIL|ID"}
	}
	store, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	acc, err := store.FindAccount(ctx, who)
	if err != nil {
		return err
	}
	changed, err := store.SetAdmin(ctx, models.Actor{Name: "cli"}, acc, verb == "grant")
	if err != nil {
		return err
	}
	name := acc.DisplayName
	if acc.Email != "" {
		name += " <" + acc.Email + ">"
	}
	switch {
	case !changed && verb == "grant":
		fmt.Fprintf(env.stdout, "%s is already an administrator\n", name)
	case !changed:
		fmt.Fprintf(env.stdout, "%s is not an administrator\n", name)
	case verb == "grant":
		fmt.Fprintf(env.stdout, "%s is now an administrator\n", name)
	default:
		fmt.Fprintf(env.stdout, "%s is no longer an administrator\n", name)
	}
	return nil
}
