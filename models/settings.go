package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type setting struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

func (setting) TableName() string { return "settings" }

// Setting returns a stored setting and whether it exists.
func (s *Store) Setting(ctx context.Context, key string) (string, bool, error) {
	var st setting
	err := s.DB.WithContext(ctx).Where("key = ?", key).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", false, nil
	}
	return st.Value, err == nil, err
}

// PinBaseURL stores the public origin at first start. Every credential and the did:web name it,
// so a later start with another one is refused unless the operator says the change is meant.
func (s *Store) PinBaseURL(ctx context.Context, baseURL string, allowChange bool) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Servers starting at once on a new database: the first insert wins (the others wait for
		// its commit), and they compare their base URL with the one it stored.
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&setting{Key: "base_url", Value: baseURL})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			return audit(tx, AuditEntry{At: s.now(), Actor: "system", Action: "base_url.set", Detail: baseURL})
		}
		var st setting
		if err := tx.Where("key = ?", "base_url").Take(&st).Error; err != nil {
			return err
		}
		switch {
		case st.Value == baseURL:
			return nil
		case !allowChange:
			return Errorf(ECONFLICT, "this registry was first started with base URL %s; starting with %s would break the URL inside every credential already issued. Use --base-url %s, or add --change-base-url if the move is intended", st.Value, baseURL, st.Value)
		default:
			if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&setting{Key: "base_url", Value: baseURL}).Error; err != nil {
				return err
			}
			return audit(tx, AuditEntry{At: s.now(), Actor: "system", Action: "base_url.change", Detail: fmt.Sprintf("%s → %s", st.Value, baseURL)})
		}
	})
}

// audit appends to the audit log inside the caller's transaction.
func audit(tx *gorm.DB, e AuditEntry) error {
	return insertAtEnd(tx, "audit_log", insertAudit, e)
}

// insertAudit writes audit entries, at most 500 to a statement (SQLite's limit on a
// statement's parameters is far above).
func insertAudit(tx *gorm.DB, rows []AuditEntry) error {
	return tx.CreateInBatches(rows, 500).Error
}

// mailSecretKey is the setting holding the key of the e-mail's unsubscribe links.
const mailSecretKey = "mail_secret"

// MailSecret returns the key that signs the unsubscribe links of the registry's e-mail, made at
// random the first time. It lives in the database so that every server of one registry, and the
// same server after a restart, accepts the links of every message already sent.
func (s *Store) MailSecret(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	db := s.DB.WithContext(ctx)
	// Two servers starting at once: the first insert wins and both read it back.
	err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&setting{Key: mailSecretKey, Value: hex.EncodeToString(fresh)}).Error
	if err != nil {
		return nil, err
	}
	v, _, err := s.Setting(ctx, mailSecretKey)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("the stored e-mail link key (setting %s) is damaged: delete that setting to make a new one (links in e-mail already sent stop working)", mailSecretKey)
	}
	return key, nil
}
