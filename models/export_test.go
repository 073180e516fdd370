package models

import (
	"context"
	"fmt"
)

// MigrateDownTo undoes the migrations after version, for tests that need an older schema.
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate down to %d: %w", version, err)
	}
	return nil
}
