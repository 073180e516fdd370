package models_test

import (
	"context"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// Entries stored before lists sorted by name get their name key when the schema is migrated:
// public names folded, every other entry the key that sorts last.
func TestMigrationGivesNameKeys(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		testutil.Load(t, s, `{"type":"signatory","ref":"e","kind":"person","name":"Élise Martin","country":"FR","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"h","kind":"person","name":"Hidden Name","visibility":{"name":"hidden"},"country":"FR","signed_at":"2024-05-02T10:00:00Z"}
{"type":"signatory","ref":"w","kind":"person","name":"Went Away","status":"withdrawn","country":"FR","signed_at":"2024-05-03T10:00:00Z"}
`)
		if err := s.MigrateDownTo(ctx, 8); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Migrate(ctx); err != nil || n < 2 { // 9, 10 and any since
			t.Fatalf("migrate: %d, %v", n, err)
		}
		keys := map[string]string{}
		var rows []models.Signatory
		s.DB.Order("id").Find(&rows)
		for _, r := range rows {
			keys[r.Name] = r.NameKey
		}
		if keys["Élise Martin"] != "elise martin" || keys["Hidden Name"] != "\U0010FFFF" || keys["Went Away"] != "\U0010FFFF" {
			t.Errorf("name keys after the migration: %q", keys)
		}
		page, err := s.List(ctx, models.ListFilter{Sort: models.SortName})
		if err != nil || len(page.Rows) != 2 || page.Rows[0].Name != "Élise Martin" {
			t.Fatalf("the list by name after the migration: %v %+v", err, page.Rows)
		}
	})
}
