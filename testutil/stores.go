// Package testutil gives tests real databases: a SQLite file in a temporary folder and, when
// REGISTRY_TEST_POSTGRES holds a URL, a fresh schema on that PostgreSQL server.
package testutil

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-recognition/registry/data"
	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/models"
)

// PostgresEnv names the variable holding the PostgreSQL URL of the test server.
const PostgresEnv = "REGISTRY_TEST_POSTGRES"

// Engines runs fn once per available engine, each with a fresh, migrated store that has the
// embedded declaration texts published.
func Engines(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set: CI must run every store test on PostgreSQL too", PostgresEnv)
	}
}

// SQLite opens a migrated store on a new file under t.TempDir().
func SQLite(t *testing.T) *models.Store {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "registry.db"))
}

// SQLiteAt opens a migrated store on a given file.
func SQLiteAt(t *testing.T, path string) *models.Store { return open(t, path) }

// PostgresURL creates a schema of its own on the test server and returns a URL that uses it;
// the schema is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("%s not set: skipping the PostgreSQL run", PostgresEnv)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := models.Open(context.Background(), base)
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v", base, err)
	}
	if err := admin.DB.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.DB.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a migrated store in a fresh schema of the test server.
func Postgres(t *testing.T) *models.Store { return open(t, PostgresURL(t)) }

func open(t *testing.T, location string) *models.Store {
	t.Helper()
	ctx := context.Background()
	s, err := models.Open(ctx, location)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := Publish(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// Publish stores the embedded declaration texts.
func Publish(s *models.Store) error {
	root, err := fs.Sub(data.Declarations, "declarations")
	if err != nil {
		return err
	}
	texts, err := declaration.Load(root)
	if err != nil {
		return err
	}
	rows := make([]models.Declaration, len(texts))
	for i, t := range texts {
		rows[i] = models.Declaration{Version: t.Version, Lang: t.Lang, Title: t.Title, Body: t.Body, SHA256: t.SHA256, PublishedAt: t.Published}
	}
	_, err = s.PublishDeclarations(context.Background(), rows)
	return err
}
