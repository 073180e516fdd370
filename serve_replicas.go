package main

import (
	"flag"
	"fmt"
	"net/url"
	"strings"

	"github.com/open-recognition/registry/models"
)

// serveFlags are the flags of serve alone.
func serveFlags(fs *flag.FlagSet, o *options) {
	metricsFlags(fs, o)
	fs.Func("db-replica", "postgres:// URL of a read replica of the --db primary; repeat for several (REGISTRY_DB_REPLICAS, comma-separated): visitors' pages read from them, everything else from the primary", func(v string) error {
		o.Replicas = append(o.Replicas, v)
		return nil
	})
}

// replicaConfig reads --db-replica (or REGISTRY_DB_REPLICAS when no flag is given) and checks
// it: replicas are PostgreSQL databases, and only a PostgreSQL primary has them.
func replicaConfig(env *environment) ([]string, error) {
	given := env.opts.Replicas
	if len(given) == 0 {
		given = strings.Split(env.getenv("REGISTRY_DB_REPLICAS"), ",")
	}
	var out []string
	for _, v := range given {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !models.IsPostgres(v) {
			return nil, fmt.Errorf("--db-replica: %s is not a postgres:// URL: read replicas are PostgreSQL databases", redactedDB(v))
		}
		out = append(out, v)
	}
	if len(out) > 0 && !models.IsPostgres(env.opts.DB) {
		return nil, fmt.Errorf("--db-replica needs a PostgreSQL primary (--db postgres://…); %s is a SQLite file, which has no replicas", env.opts.DB)
	}
	return out, nil
}

// redactedDB names a database in a message without its password.
func redactedDB(v string) string {
	if u, err := url.Parse(v); err == nil && u.User != nil {
		return u.Redacted()
	}
	return fmt.Sprintf("%q", v)
}
