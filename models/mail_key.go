package models

import (
	"encoding/hex"
	"fmt"
)

// The key of the e-mail's unsubscribe links moves with a full dump: messages already sent carry
// links signed with it, and a registry moved to another engine or server must still accept them.

// MailKey is the stored key of the unsubscribe links in hexadecimal, or "" when none was made
// yet (no server has started on the database).
func (d *Dump) MailKey() (string, error) {
	var keys []string
	if err := d.tx.Raw("SELECT value FROM settings WHERE key = ?", mailSecretKey).Scan(&keys).Error; err != nil {
		return "", err
	}
	if len(keys) == 0 {
		return "", nil
	}
	return keys[0], nil
}

// CheckMailKey accepts a key as MailSecret makes them: hexadecimal, at least 16 bytes.
func CheckMailKey(v string) error {
	b, err := hex.DecodeString(v)
	if err != nil || len(b) < 16 {
		return FieldError("key", "is not a key of at least 16 bytes in hexadecimal")
	}
	return nil
}

// mailKey stores the dump's key of the unsubscribe links, replacing the one the database had:
// the dump is the registry whose messages are out there.
func (w *importer) mailKey() error {
	if w.set.MailKey == "" {
		return nil
	}
	var have []string
	if err := w.tx.Raw("SELECT value FROM settings WHERE key = ?", mailSecretKey).Scan(&have).Error; err != nil {
		return err
	}
	switch {
	case len(have) == 0:
		if err := w.tx.Exec("INSERT INTO settings (key, value) VALUES (?, ?)", mailSecretKey, w.set.MailKey).Error; err != nil {
			return fmt.Errorf("line %d: %w", w.set.MailKeyLine, err)
		}
	case have[0] != w.set.MailKey:
		if err := w.tx.Exec("UPDATE settings SET value = ? WHERE key = ?", w.set.MailKey, mailSecretKey).Error; err != nil {
			return fmt.Errorf("line %d: %w", w.set.MailKeyLine, err)
		}
	default:
		return nil
	}
	w.written++
	return nil
}
