// Signing the Declaration online, and what a signatory does with their entry afterwards.

package models

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SignInput is what a signed-in person submits to sign: the entry's fields and the exact text
// they read (version and language), which must still be the current one.
type SignInput struct {
	Signatory // Kind, Name, Representative, Role, Country, City, Affiliation, Website, Statement, Visibility
	Version   int
	Lang      string
}

// MySignatory returns the entry an account holds, or nil.
func (s *Store) MySignatory(ctx context.Context, accountID int64) (*Signatory, error) {
	var sg Signatory
	err := s.DB.WithContext(ctx).Where("account_id = ?", accountID).Take(&sg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &sg, nil
}

// HasSigned reports whether a signatory signed a declaration version.
func (s *Store) HasSigned(ctx context.Context, signatoryID int64, version int) (bool, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&Signature{}).Where("signatory_id = ? AND declaration_version = ?", signatoryID, version).Count(&n).Error
	return n > 0, err
}

// Sign records an account's signature of the current declaration, in one transaction with its
// audit entry and (for a listed signatory) the job that issues the Signatory badge. A person is
// listed at once; an organisation waits for an administrator's verification. Signing again
// after a withdrawal brings the same entry back; signing a newer version adds a signature to the
// same entry, so nobody is counted twice. A second signature of the same version is refused.
func (s *Store) Sign(ctx context.Context, acc *Account, in SignInput) (Signatory, error) {
	sg := in.Signatory
	sg.Normalize()
	sg.Email = acc.Email
	sg.Tier, sg.Status = "signatory", StatusActive
	// An organisation is verified by an administrator, or by the signer's verified e-mail at the
	// domain of the organisation's website.
	sg.Verified = sg.Kind == KindPerson || (acc.EmailVerified && emailAtSite(acc.Email, sg.Website))
	if sg.Kind == KindPerson {
		sg.Representative, sg.Role = "", ""
	}
	now := s.now()
	sg.SignedAt, sg.CreatedAt, sg.UpdatedAt = now, now, now
	if err := sg.Validate(); err != nil {
		return Signatory{}, err
	}
	sg.Locate()
	var out Signatory
	// Grouped: many people sign at once in a campaign, and a commit per signature would make
	// the disk the limit (commit_group.go).
	err := s.groupWrite(ctx, func(tx *gorm.DB) error {
		// wasListed says whether the entry was in the registry before this signature: coming
		// (back) in issues the badges the signatory then holds.
		wasListed := false
		// fresh says the account had no entry: nothing of theirs is in the outbox, the search
		// index or the endorsement graph yet, and the statements that tidy those are skipped.
		fresh := false
		// Declarations are published in transactions of their own, never in a batch.
		d, err := readOnce(tx, "declaration:"+in.Lang, func(tx *gorm.DB) (Declaration, error) { return currentIn(tx, in.Lang) })
		if err != nil {
			return err
		}
		if d.Version != in.Version {
			return Errorf(ECONFLICT, "a new version of the Declaration was published while you were reading; read it and sign again").Says("error.sign.new_version")
		}
		var have Signatory
		err = tx.Where("account_id = ?", acc.ID).Take(&have).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			sg.PublicID = uuid.NewString()
			sg.AccountID = &acc.ID
			sg.Source, sg.Ref = "web", acc.PublicID
			sg.Listed = Listable(sg.Status, sg.Verified)
			sg.NameKey = NameKey(&sg)
			if err := tx.Create(&sg).Error; err != nil {
				return fromDB(err)
			}
			out, fresh = sg, true
		case err != nil:
			return err
		case have.Status == StatusHidden:
			return Errorf(EFORBIDDEN, "your entry was hidden by the registry's administrators; write to them to have it restored").Says("error.sign.hidden")
		case have.Status == StatusDeleted:
			return Errorf(EGONE, "this entry was deleted").Says("error.sign.deleted")
		default:
			var signed int64
			if err := tx.Model(&Signature{}).Where("signatory_id = ? AND declaration_version = ?", have.ID, d.Version).Count(&signed).Error; err != nil {
				return err
			}
			if have.Status == StatusActive && signed > 0 {
				return Errorf(ECONFLICT, "you have already signed this version of the Declaration").Says("error.sign.already")
			}
			// The same entry, with the fields as now submitted; it keeps its id and tier.
			wasListed = have.Listed
			sg.ID, sg.PublicID, sg.AccountID, sg.Source, sg.Ref, sg.Tier = have.ID, have.PublicID, have.AccountID, have.Source, have.Ref, have.Tier
			sg.CreatedAt = have.CreatedAt
			sg.keepPlace(&have)
			if have.Kind == sg.Kind && have.Kind == KindOrganisation {
				sg.Verified = sg.Verified || have.Verified
			}
			if have.Status == StatusActive {
				sg.SignedAt = have.SignedAt // a new version: still a signatory since the first day
			}
			sg.Listed = Listable(sg.Status, sg.Verified)
			// The tier is the tier computation's to write: not written back here, so that a
			// computation committed meanwhile is not undone.
			if err := tx.Select("*").Omit("id", "tier").Where("id = ?", have.ID).Updates(&sg).Error; err != nil {
				return fromDB(err)
			}
			if have.Status == StatusWithdrawn {
				if err := tx.Model(&Withdrawal{}).Where("signatory_id = ? AND resigned_at IS NULL", have.ID).Update("resigned_at", now).Error; err != nil {
					return err
				}
			}
			if signed > 0 {
				// Signing again after a withdrawal, the same version: its signature stands.
				d.Version = 0
			}
			out = sg
		}
		if d.Version > 0 {
			if err := tx.Create(&Signature{SignatoryID: out.ID, DeclarationVersion: d.Version, Lang: d.Lang, TextSHA256: d.SHA256, SignedAt: now}).Error; err != nil {
				return fromDB(err)
			}
		}
		if fresh {
			if err := insertNewSearchTerms(tx, &out); err != nil {
				return err
			}
		} else if err := writeSearchTerms(tx, &out); err != nil {
			return err
		}
		var badges error
		switch {
		case out.Listed && fresh:
			// A first signature: the Signatory badge, and nothing to reissue.
			badges = queueFirstBadge(tx, out.ID, now)
		case out.Listed && !wasListed:
			badges = reissue(tx, &out, now)
		case out.Listed && d.Version > 0:
			// A newer version signed: the Signatory badge, which names the text signed, is
			// replaced by one naming the new text.
			badges = queueJobs(tx, []IssuanceJob{
				{SignatoryID: out.ID, Kind: "signatory", Action: "revoke", Reason: ReasonSuperseded, CreatedAt: now},
				{SignatoryID: out.ID, Kind: "signatory", Action: "issue", CreatedAt: now}}, PriorityInteractive, now)
		case wasListed && !out.Listed:
			badges = revokeAll(tx, out.ID, ReasonUnverified, now)
		}
		if badges != nil {
			return badges
		}
		if err := audit(tx, AuditEntry{At: now, ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "signatory.sign",
			SubjectType: "signatory", SubjectID: out.PublicID, Detail: d.SHA256}); err != nil {
			return err
		}
		return oncePerBatch(tx, "graph", bumpGraph)
	})
	return out, err
}

// queueFirstBadge queues the Signatory badge of a signatory who has just signed for the first
// time: they hold no other badge, no endorsement and no job yet, so unlike queueJobs there is
// nothing to cancel or promote. The credentials job is asked for once per batch.
func queueFirstBadge(tx *gorm.DB, signatoryID int64, now time.Time) error {
	job := IssuanceJob{SignatoryID: signatoryID, Kind: "signatory", Action: "issue", CreatedAt: now, Priority: PriorityInteractive}
	if err := insertAtEnd(tx, "issuance_outbox.first", insertFirstBadges, job); err != nil {
		return fromDB(err)
	}
	return oncePerBatch(tx, "issuance.interactive", func(tx *gorm.DB) error { return queueIssuance(tx, PriorityInteractive) })
}

// insertFirstBadges writes first badge jobs; one already open for its signatory stands.
func insertFirstBadges(tx *gorm.DB, jobs []IssuanceJob) error {
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(jobs, 500).Error
}

// writeSearchTerms replaces the search words and the name key of one signatory.
func writeSearchTerms(tx *gorm.DB, sg *Signatory) error {
	if key := NameKey(sg); key != sg.NameKey {
		if err := tx.Model(&Signatory{}).Where("id = ?", sg.ID).Update("name_key", key).Error; err != nil {
			return err
		}
		sg.NameKey = key
	}
	if err := tx.Where("signatory_id = ?", sg.ID).Delete(&searchTerm{}).Error; err != nil {
		return err
	}
	if rows := searchRows(sg); len(rows) > 0 {
		return insertTerms(tx, rows)
	}
	return nil
}

// insertNewSearchTerms writes the search words of a new entry at the end of a batch (see
// insertAtEnd): nothing in a batch searches, and a new entry has no words yet.
func insertNewSearchTerms(tx *gorm.DB, sg *Signatory) error {
	return insertAtEnd(tx, "search_terms", insertTerms, searchRows(sg)...)
}

// searchRows are the search words of a signatory, none unless the entry is active.
func searchRows(sg *Signatory) []searchTerm {
	terms := SearchTerms(sg)
	if len(terms) == 0 || sg.Status != StatusActive {
		return nil
	}
	rows := make([]searchTerm, len(terms))
	for i, t := range terms {
		rows[i] = searchTerm{Term: t, SignatoryID: sg.ID}
	}
	return rows
}

// insertTerms writes search words; a word already there stands (it can be there only from the
// same entry, so a batch never fails on one).
func insertTerms(tx *gorm.DB, rows []searchTerm) error {
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 1000).Error
}

// UpdateEntry changes the fields and visibility of an account's entry; kind, tier and dates
// stay as they are.
func (s *Store) UpdateEntry(ctx context.Context, acc *Account, in Signatory) (Signatory, error) {
	var out Signatory
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var have Signatory
		if err := tx.Where("account_id = ?", acc.ID).Take(&have).Error; err != nil {
			return fromDB(err)
		}
		if have.Status != StatusActive {
			return Errorf(ECONFLICT, "your entry is not in the registry; sign again to bring it back, then change it").Says("error.sign.unlisted_edit")
		}
		sg := have
		sg.Name, sg.Representative, sg.Role, sg.Country, sg.City = in.Name, in.Representative, in.Role, in.Country, in.City
		sg.Affiliation, sg.Website, sg.Statement, sg.Visibility = in.Affiliation, in.Website, in.Statement, in.Visibility
		if sg.Kind == KindPerson {
			sg.Representative, sg.Role = "", ""
		}
		sg.Normalize()
		sg.UpdatedAt = s.now()
		if err := sg.Validate(); err != nil {
			return err
		}
		sg.Locate()
		sg.keepPlace(&have)
		// A rejected organisation that corrects its entry goes back to the administrators.
		sg.RejectedAt, sg.Rejection = nil, ""
		if err := tx.Select("name", "representative", "role", "country", "city", "affiliation", "website", "statement",
			"vis_name", "vis_city", "vis_affiliation", "vis_representative", "vis_website", "vis_statement", "place_id", "lat", "lon", "updated_at",
			"rejected_at", "rejection").
			Where("id = ?", have.ID).Updates(&sg).Error; err != nil {
			return fromDB(err)
		}
		if err := writeSearchTerms(tx, &sg); err != nil {
			return err
		}
		if err := followNameChoice(tx, &have, &sg, sg.UpdatedAt); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: sg.UpdatedAt, ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "signatory.update",
			SubjectType: "signatory", SubjectID: sg.PublicID}); err != nil {
			return err
		}
		out = sg
		return bumpChanges(tx)
	})
	return out, err
}

// Withdraw takes an account's entry off the registry at once: its pages answer 410, it leaves
// every list, count and search, and its badge is revoked. The person can sign again later.
func (s *Store) Withdraw(ctx context.Context, acc *Account, reason string) (Signatory, error) {
	reason = CleanText(reason)
	if err := maxLen("reason", reason, MaxComment); err != nil {
		return Signatory{}, err
	}
	var out Signatory
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sg Signatory
		if err := tx.Where("account_id = ?", acc.ID).Take(&sg).Error; err != nil {
			return fromDB(err)
		}
		if sg.Status != StatusActive {
			return Errorf(ECONFLICT, "your entry is not in the registry, so there is nothing to withdraw").Says("error.sign.unlisted_withdraw")
		}
		now := s.now()
		if err := tx.Model(&Signatory{}).Where("id = ?", sg.ID).
			Updates(map[string]any{"status": StatusWithdrawn, "listed": false, "updated_at": now}).Error; err != nil {
			return fromDB(err)
		}
		sg.Status, sg.Listed, sg.UpdatedAt = StatusWithdrawn, false, now
		if err := tx.Create(&Withdrawal{SignatoryID: sg.ID, WithdrawnAt: now, Reason: reason}).Error; err != nil {
			return err
		}
		if err := writeSearchTerms(tx, &sg); err != nil {
			return err
		}
		// Every badge of a withdrawn signatory is revoked through the status list.
		if err := revokeAll(tx, sg.ID, ReasonWithdrawn, now); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: now, ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "signatory.withdraw",
			SubjectType: "signatory", SubjectID: sg.PublicID}); err != nil {
			return err
		}
		out = sg
		return bumpGraph(tx)
	})
	return out, err
}

// DeleteAccount erases an account: its sessions end, its logins are removed, the personal
// fields of its entry are erased (secure_delete overwrites them on disk), its badges are
// revoked, and a pseudonymous tombstone of the entry stays so that histories and counts remain
// honest. Logging in again later starts a new account.
func (s *Store) DeleteAccount(ctx context.Context, acc *Account) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		var sg Signatory
		err := tx.Where("account_id = ?", acc.ID).Take(&sg).Error
		// The confirmation is queued before the address is erased, from what the account
		// holds now; the job keeps the address only until it is sent.
		if err == nil || errors.Is(err, gorm.ErrRecordNotFound) {
			if err := queueAccountDeletedMail(tx, acc.ID, sg.Name); err != nil {
				return err
			}
		}
		switch {
		case err == nil:
			if err := tx.Model(&Signatory{}).Where("id = ?", sg.ID).Updates(map[string]any{
				"status": StatusDeleted, "listed": false, "name": "", "representative": "", "role": "", "email": "", "city": "",
				"affiliation": "", "website": "", "statement": "", "place_id": nil, "lat": nil, "lon": nil, "account_id": nil, "updated_at": now,
			}).Error; err != nil {
				return fromDB(err)
			}
			sg.Status = StatusDeleted
			if err := writeSearchTerms(tx, &sg); err != nil {
				return err
			}
			// The person's credentials are withdrawn (revoked, documents erased) here and now;
			// the revocation jobs also cancel badges still waiting to be issued.
			if err := eraseCredentials(tx, sg.ID, now); err != nil {
				return err
			}
			if err := revokeAll(tx, sg.ID, ReasonAccountDeleted, now); err != nil {
				return err
			}
			if err := eraseNotifications(tx, sg.ID); err != nil {
				return err
			}
			if err := tx.Model(&Withdrawal{}).Where("signatory_id = ?", sg.ID).Update("reason", "").Error; err != nil {
				return err
			}
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		if err := endSessions(tx, acc.ID); err != nil {
			return err
		}
		if err := tx.Where("account_id = ?", acc.ID).Delete(&Identity{}).Error; err != nil {
			return err
		}
		if err := tx.Where("account_id = ?", acc.ID).Delete(&Role{}).Error; err != nil {
			return err
		}
		// The member's e-mail choices go with the address they were about.
		if err := tx.Where("account_id = ?", acc.ID).Delete(&MailSetting{}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Account{}).Where("id = ?", acc.ID).Updates(map[string]any{"display_name": "", "email": "", "email_verified": false, "deleted_at": now}).Error; err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: now, ActorAccountID: &acc.ID, Actor: "account:" + acc.PublicID, Action: "account.delete",
			SubjectType: "account", SubjectID: acc.PublicID}); err != nil {
			return err
		}
		return bumpGraph(tx)
	})
}
