package testutil

import (
	"context"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
)

// Load imports JSONL records into a store as the file "fixture" (so ids follow
// models.SignatoryID("fixture", ref)), failing the test on any error.
func Load(t *testing.T, s *models.Store, text string) {
	t.Helper()
	set, err := records.Parser{Source: "fixture"}.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(context.Background(), set, nil); err != nil {
		t.Fatal(err)
	}
}

// Count is the number of rows in a table, failing the test on any error.
func Count(t *testing.T, s *models.Store, table string) int64 {
	t.Helper()
	var n int64
	if err := s.DB.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
