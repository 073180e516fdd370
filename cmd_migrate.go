package main

import (
	"context"
	"fmt"
)

func cmdMigrate(ctx context.Context, env *environment, _ []string) error {
	store, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := locateMissing(ctx, env, store); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "database %s is up to date\n", store.Location)
	return nil
}
