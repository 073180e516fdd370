package models

import (
	"context"
	"database/sql"
	"strings"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Snapshot runs fn inside one consistent read-only view of the database. SQLite connections of
// the store begin IMMEDIATE transactions, which would block every writer for the length of an
// export; a separate connection with deferred transactions reads a WAL snapshot instead.
func (s *Store) Snapshot(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.Dialect == Postgres {
		return s.DB.WithContext(ctx).Transaction(fn, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	dsn := sqliteDSN(s.Path, strings.Replace(sqliteParams, "_txlock=immediate", "_txlock=deferred", 1))
	db, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true})
	if err != nil {
		return err
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	sqlDB.SetMaxOpenConns(1)
	return db.WithContext(ctx).Transaction(fn)
}
