// Hosted credentials follow the name a person shows the public: a badge carries the name only
// when it is public, so hiding it, making it public again or changing it withdraws the copies
// signed with the earlier choice and issues the badges again with the current one.

package models

import (
	"errors"
	"time"

	"gorm.io/gorm"
)

// PublicName is the name a credential may carry for a signatory: its name when public, else none.
func PublicName(sg *Signatory) string {
	if sg.Visibility.Name != Public {
		return ""
	}
	return CleanLine(sg.Name)
}

// followNameChoice runs in UpdateEntry's transaction with the entry before and after the change.
// When the public name changes, every copy signed with the earlier choice is withdrawn: the
// person's badges and the endorsement credentials they signed. The badges they still hold are
// issued again through the outbox (the old copy is revoked first, in this transaction, so that
// there is never more than one live copy); endorsement credentials are issued again
// through the outbox too.
func followNameChoice(tx *gorm.DB, before, after *Signatory, now time.Time) error {
	was, is := PublicName(before), PublicName(after)
	if was == is {
		return nil
	}
	reason := ReasonNameChanged
	switch {
	case is == "":
		reason = ReasonNameHidden
	case was == "":
		reason = ReasonNamePublic
	}
	var live []string
	if err := tx.Model(&Credential{}).Where("signatory_id = ? AND kind <> ? AND revoked_at IS NULL", after.ID, "endorsement").
		Distinct().Pluck("kind", &live).Error; err != nil {
		return err
	}
	if err := withdrawCopies(tx, now, reason,
		"((signatory_id = ? AND kind <> ?) OR (kind = ? AND endorsement_id IN (SELECT id FROM endorsements WHERE from_id = ?)))",
		after.ID, "endorsement", "endorsement", after.ID); err != nil {
		return err
	}
	if !after.Listed {
		return nil
	}
	// The endorsements they gave are signed again with the name they show now.
	if _, err := queueEndorsementCredentials(tx, now, PriorityInteractive, "e.from_id = ?", after.ID); err != nil {
		return err
	}
	for _, kind := range live {
		if kind != "signatory" && kind != after.Tier {
			continue // a badge on its way out (its revocation is queued) is not issued again
		}
		var open int64
		if err := tx.Model(&IssuanceJob{}).Where("signatory_id = ? AND kind = ? AND action = ? AND done_at IS NULL", after.ID, kind, "issue").
			Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			continue
		}
		if err := tx.Create(&IssuanceJob{SignatoryID: after.ID, Kind: kind, Action: "issue", CreatedAt: now}).Error; err != nil {
			return err
		}
	}
	return nil
}

// NameUse is whose name a newly signed credential carries, and which ("" for none).
type NameUse struct {
	SignatoryID int64
	Name        string
}

// ErrNameChanged asks for a credential to be signed again: the person changed their public
// name while it was being signed.
var ErrNameChanged = errors.New("the name changed while the credential was signed")

// stillCarriable reports whether a credential about to be stored may be: what it says of a
// person's name is still their choice.
func stillCarriable(tx *gorm.DB, c *Credential) (bool, error) {
	if c.Carries == nil {
		return true, nil
	}
	return nameStillChosen(tx, c.Carries.SignatoryID, c.Carries.Name)
}

// nameStillChosen reports whether name is still the one the signatory shows the public. A badge
// signed just before the person changed their choice is not stored; its job is signed again.
func nameStillChosen(tx *gorm.DB, signatoryID int64, name string) (bool, error) {
	var sg Signatory
	if err := tx.Select("id", "name", "vis_name").Where("id = ?", signatoryID).Take(&sg).Error; err != nil {
		return false, err
	}
	return PublicName(&sg) == name, nil
}
