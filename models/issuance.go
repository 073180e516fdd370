// The issuance outbox, worked off by the credential worker: credentials are signed outside any
// write transaction, then stored together with the closing of their job.

package models

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// StatusListSize is the number of entries of one status list (the Bitstring Status List's
// minimum, 16 KiB); at most half are used, so that random indexes rarely collide.
const (
	StatusListSize  = 131072
	StatusListQuota = StatusListSize / 2
)

// ErrStatusIndexTaken asks for another status list index: indexes are drawn at random.
var ErrStatusIndexTaken = errors.New("status list index already taken")

// IssuanceTask is a pending job with what doing it needs.
type IssuanceTask struct {
	Job       IssuanceJob
	Signatory Signatory
	// Signature is the signatory's newest signature (for a Signatory badge).
	Signature *Signature
	// Live says the signatory holds a live credential of the job's kind when the job was read.
	Live bool
	// Endorsement is the endorsement of an endorsement job, as it is now.
	Endorsement *EndorsementToIssue
}

// PendingIssuance returns up to n open jobs: interactive work first, then bulk work, then jobs
// whose signing failed, each oldest first (the order of the index issuance_outbox_pending, so
// that reading the head of a long backlog costs no sort).
func (s *Store) PendingIssuance(ctx context.Context, n int) ([]IssuanceTask, error) {
	var jobs []IssuanceJob
	if err := s.DB.WithContext(ctx).Where("done_at IS NULL").Order("priority, id").Limit(n).Find(&jobs).Error; err != nil {
		return nil, err
	}
	if len(jobs) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.SignatoryID
	}
	var sgs []Signatory
	if err := s.DB.WithContext(ctx).Where("id IN ?", ids).Find(&sgs).Error; err != nil {
		return nil, err
	}
	byID := map[int64]Signatory{}
	for _, sg := range sgs {
		byID[sg.ID] = sg
	}
	var sigs []Signature
	if err := s.DB.WithContext(ctx).Where("signatory_id IN ?", ids).Order("declaration_version").Find(&sigs).Error; err != nil {
		return nil, err
	}
	newest := map[int64]*Signature{}
	for i := range sigs {
		newest[sigs[i].SignatoryID] = &sigs[i]
	}
	var live []struct {
		SignatoryID int64
		Kind        string
	}
	if err := s.DB.WithContext(ctx).Model(&Credential{}).Distinct("signatory_id", "kind").
		Where("signatory_id IN ? AND revoked_at IS NULL AND kind <> ?", ids, "endorsement").Scan(&live).Error; err != nil {
		return nil, err
	}
	holds := map[badgeKey]bool{}
	for _, l := range live {
		holds[badgeKey{l.SignatoryID, l.Kind}] = true
	}
	var eids []int64
	for _, j := range jobs {
		if j.EndorsementID != nil {
			eids = append(eids, *j.EndorsementID)
		}
	}
	endorsements, err := endorsementsToIssue(ctx, s.DB, eids)
	if err != nil {
		return nil, err
	}
	out := make([]IssuanceTask, len(jobs))
	for i, j := range jobs {
		out[i] = IssuanceTask{Job: j, Signatory: byID[j.SignatoryID], Signature: newest[j.SignatoryID], Live: holds[badgeKey{j.SignatoryID, j.Kind}]}
		if j.EndorsementID != nil {
			out[i].Endorsement = endorsements[*j.EndorsementID]
		}
	}
	return out, nil
}

// BadgesBeingIssued lists the badges (signatory, advocate, ambassador, in that order) waiting in
// the outbox to be issued to a signatory: their profile says so until the worker has stored them.
func (s *Store) BadgesBeingIssued(ctx context.Context, signatoryID int64) ([]string, error) {
	var kinds []string
	if err := s.DB.WithContext(ctx).Model(&IssuanceJob{}).
		Where("signatory_id = ? AND action = ? AND done_at IS NULL AND kind <> ?", signatoryID, "issue", "endorsement").
		Distinct().Pluck("kind", &kinds).Error; err != nil {
		return nil, err
	}
	order := map[string]int{"signatory": 0, "advocate": 1, "ambassador": 2}
	sort.Slice(kinds, func(i, j int) bool { return order[kinds[i]] < order[kinds[j]] })
	return kinds, nil
}

// badgeKey is a signatory and an achievement: the schema allows one live credential for each.
type badgeKey struct {
	SignatoryID int64
	Kind        string
}

// FailIssuance records a failed attempt; the job stays open and is tried again after every other
// open job, so that one that keeps failing never holds up the queue.
func (s *Store) FailIssuance(ctx context.Context, jobID int64, why string) error {
	return s.DB.WithContext(ctx).Model(&IssuanceJob{}).Where("id = ?", jobID).
		Updates(map[string]any{"attempts": gorm.Expr("attempts + 1"), "last_error": why, "priority": PriorityRetry}).Error
}

// CredentialByID returns one credential.
func (s *Store) CredentialByID(ctx context.Context, id string) (*Credential, error) {
	var c Credential
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "no such credential")
	}
	return &c, err
}

// SignatoryCredentials lists a signatory's credentials, newest first.
func (s *Store) SignatoryCredentials(ctx context.Context, signatoryID int64) ([]Credential, error) {
	var out []Credential
	// Badges issued in one batch share a time: their ids settle the order, in bytes on both
	// engines, so that a profile lists them alike before and after a move between engines.
	order := "issued_at DESC, id DESC"
	if s.Dialect == Postgres {
		order = `issued_at DESC, id COLLATE "C" DESC`
	}
	err := s.DB.WithContext(ctx).Select("id", "signatory_id", "kind", "status_list", "status_index", "issued_at", "revoked_at", "revoked_reason", "erased_at").
		Where("signatory_id = ?", signatoryID).Order(order).Find(&out).Error
	return out, err
}

// RevokedIndexes lists the revoked indexes of one status list.
func (s *Store) RevokedIndexes(ctx context.Context, list int) ([]int, error) {
	var out []int
	err := s.DB.WithContext(ctx).Model(&Credential{}).Where("status_list = ? AND revoked_at IS NOT NULL", list).Pluck("status_index", &out).Error
	return out, err
}

// StatusListExists reports whether any credential uses a status list.
func (s *Store) StatusListExists(ctx context.Context, list int) (bool, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&Credential{}).Where("status_list = ?", list).Limit(1).Count(&n).Error
	return n > 0, err
}

// SignatoryByRowID returns a signatory by its row id, or nil.
func (s *Store) SignatoryByRowID(ctx context.Context, id int64) (*Signatory, error) {
	var sg Signatory
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&sg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &sg, err
}

// Completion is the outcome of one outbox job, written with others in one transaction.
type Completion struct {
	Job IssuanceJob
	// Credential is the signed badge of an issue job; nil with Skip set closes the job unissued.
	Credential *Credential
	Skip       string
}

// CompleteBatch writes the outcomes of several jobs, up to completeMax in one transaction: each
// credential is stored together with the closing of its job, and one commit (one fsync) serves
// many. It returns the jobs whose status index turned out taken: they stay open and are
// signed again with another index.
//
// A job is closed before it acts, and acts only if this transaction closed it: when two workers
// (two servers on one PostgreSQL) do the same batch, the second does nothing, so a revocation
// never strikes the credential an issuance after it stored. A badge the signatory already holds
// (the schema's credentials_one_live) is not stored again: the job is closed as already issued.
func (s *Store) CompleteBatch(ctx context.Context, items []Completion) (retry []int64, err error) {
	for chunk := range slices.Chunk(items, completeMax) {
		r, err := s.completeChunk(ctx, chunk)
		retry = append(retry, r...)
		if err != nil {
			return retry, err
		}
	}
	return retry, nil
}

// completeMax is how many outcomes one transaction stores: a grouped write holds the commit
// goroutine while it runs, and a whole batch of badges (100, tens of milliseconds) would make
// every signature arriving meanwhile wait that long; a quarter of it lets them in between.
const completeMax = 25

// completeChunk stores some outcomes of a batch in one transaction (see CompleteBatch).
func (s *Store) completeChunk(ctx context.Context, items []Completion) (retry []int64, err error) {
	// Grouped with the signatures of the moment (commit_group.go): a crowd's badges share their
	// fsync instead of queueing for one of their own.
	err = s.groupWrite(ctx, func(tx *gorm.DB) error {
		retry = retry[:0]
		now := s.now()
		changed := false
		var revoked int64
		for _, it := range items {
			if it.Credential != nil {
				var taken int64
				if err := tx.Model(&Credential{}).Where("status_list = ? AND status_index = ?", it.Credential.StatusList, it.Credential.StatusIndex).
					Count(&taken).Error; err != nil {
					return err
				}
				if taken > 0 {
					retry = append(retry, it.Job.ID)
					continue
				}
				if ok, err := stillCarriable(tx, it.Credential); err != nil {
					return err
				} else if !ok {
					retry = append(retry, it.Job.ID)
					continue
				}
				if ok, err := endorsementStillSigned(tx, it.Credential); err != nil {
					return err
				} else if !ok {
					retry = append(retry, it.Job.ID) // signed again from the endorsement's new state, or skipped
					continue
				}
			}
			res := tx.Model(&IssuanceJob{}).Where("id = ? AND done_at IS NULL", it.Job.ID).Updates(map[string]any{"done_at": now, "last_error": it.Skip})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				continue // another worker closed it first
			}
			changed = true
			switch {
			case it.Job.Action == "revoke":
				q := tx.Model(&Credential{}).Where("signatory_id = ? AND kind = ? AND revoked_at IS NULL", it.Job.SignatoryID, it.Job.Kind)
				if it.Job.EndorsementID != nil {
					q = q.Where("endorsement_id = ?", *it.Job.EndorsementID)
				}
				res := q.Updates(map[string]any{"revoked_at": now, "revoked_reason": it.Job.Reason})
				if res.Error != nil {
					return res.Error
				}
				revoked += res.RowsAffected
			case it.Credential != nil:
				ins := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(it.Credential)
				if ins.Error != nil {
					return fromDB(ins.Error)
				}
				if ins.RowsAffected > 0 {
					if err := notifyBadgeIssued(tx, it.Job, it.Credential, now); err != nil {
						return err
					}
					continue
				}
				// Nothing stored: either the signatory holds this badge already (issued meanwhile
				// by another worker), or another worker took the status index meanwhile.
				// For an endorsement: its credential issued meanwhile, or its endorser's status list
				// entry taken.
				var live int64
				q := tx.Model(&Credential{}).Where("signatory_id = ? AND kind = ? AND revoked_at IS NULL", it.Job.SignatoryID, it.Job.Kind)
				if it.Credential.EndorsementID != nil {
					q = q.Where("endorsement_id = ?", *it.Credential.EndorsementID)
				}
				if err := q.Count(&live).Error; err != nil {
					return err
				}
				update := map[string]any{"last_error": "already issued"}
				if live == 0 {
					update = map[string]any{"done_at": nil}
					retry = append(retry, it.Job.ID)
				}
				if err := tx.Model(&IssuanceJob{}).Where("id = ?", it.Job.ID).Updates(update).Error; err != nil {
					return err
				}
			}
		}
		if !changed {
			return nil
		}
		if err := queueStatusSigning(tx, revoked); err != nil {
			return err
		}
		return bumpBadges(tx)
	})
	return retry, err
}

// queueJobs adds jobs to the outbox in the caller's transaction, keeping the open jobs of each
// signatory and achievement to at most one revocation followed by at most one issuance, so that
// the last open job always says what the signatory should end up with: a revocation cancels the
// issuances still waiting (nothing is signed only to be revoked), and a job already waiting is
// not added twice (the unique index issuance_outbox_one_open, INSERT … ON CONFLICT DO NOTHING).
// Revocations are written before issuances, so that for the same achievement the worker, which
// takes jobs of one priority in id order, revokes the old badge before it issues the new one.
// Rows are written in batches: a tier computation may queue tens of thousands.
//
// priority says who waits (PriorityInteractive: a person, PriorityBulk: nobody in particular).
// Interactive jobs also promote the open jobs of the same signatories: a person's earlier jobs
// (a revocation queued by a recomputation, say) still come before their new ones, and the job an
// interactive one duplicates (ON CONFLICT DO NOTHING keeps the older) moves ahead with it.
func queueJobs(tx *gorm.DB, jobs []IssuanceJob, priority int, now time.Time) error {
	var revokes, issues []IssuanceJob
	cancel := map[string][]int64{}
	for _, j := range jobs {
		if j.Action == "revoke" {
			revokes = append(revokes, j)
			if j.EndorsementID == nil {
				cancel[j.Kind] = append(cancel[j.Kind], j.SignatoryID)
			}
		} else {
			issues = append(issues, j)
		}
	}
	kinds := make([]string, 0, len(cancel))
	for k := range cancel {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		for ids := range slices.Chunk(cancel[kind], 500) {
			if err := tx.Model(&IssuanceJob{}).Where("signatory_id IN ? AND kind = ? AND action = ? AND done_at IS NULL", ids, kind, "issue").
				Updates(map[string]any{"done_at": now, "last_error": "cancelled by a revocation"}).Error; err != nil {
				return err
			}
		}
	}
	if priority == PriorityInteractive {
		people := make([]int64, 0, len(jobs))
		for _, j := range jobs {
			people = append(people, j.SignatoryID)
		}
		for ids := range slices.Chunk(people, 500) {
			if err := tx.Model(&IssuanceJob{}).Where("signatory_id IN ? AND done_at IS NULL AND priority <> ?", ids, PriorityInteractive).
				Update("priority", PriorityInteractive).Error; err != nil {
				return err
			}
		}
	}
	for _, part := range [][]IssuanceJob{revokes, issues} {
		for rows := range slices.Chunk(part, 200) {
			var b strings.Builder
			args := make([]any, 0, 7*len(rows))
			b.WriteString("INSERT INTO issuance_outbox (signatory_id, kind, action, endorsement_id, reason, created_at, attempts, last_error, priority) VALUES ")
			for i, j := range rows {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, 0, '', ?)")
				created := j.CreatedAt
				if created.IsZero() {
					created = now
				}
				args = append(args, j.SignatoryID, j.Kind, j.Action, j.EndorsementID, j.Reason, created, priority)
			}
			b.WriteString(" ON CONFLICT DO NOTHING")
			if err := tx.Exec(b.String(), args...).Error; err != nil {
				return fromDB(err)
			}
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	return queueIssuance(tx, priority)
}

// StatusListFill returns the list new credentials go to and how many it holds.
func (s *Store) StatusListFill(ctx context.Context) (list int, used int64, err error) {
	var n int64
	if err = s.DB.WithContext(ctx).Model(&Credential{}).Count(&n).Error; err != nil {
		return 0, 0, err
	}
	return 1 + int(n/StatusListQuota), n % StatusListQuota, nil
}
