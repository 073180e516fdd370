package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// credential is a stored credential of a kind, issued at a time, with a status index of its own.
func credential(sg models.Signatory, kind string, at time.Time, index int) models.Credential {
	return models.Credential{ID: uuid.NewString(), SignatoryID: sg.ID, Kind: kind, StatusList: 1, StatusIndex: index,
		Document: "{}", IssuedAt: at}
}

// The schema keeps at most one live credential per signatory and achievement, one per
// endorsement, and one open outbox job per badge and action, whoever writes; a violation is a
// domain error that says what it means.
func TestOneLiveCredentialPerBadge(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		db := s.DB.WithContext(context.Background())
		a, b := person("a"), person("b")
		db.Create(&a)
		db.Create(&b)
		now := time.Now().UTC().Truncate(time.Second)
		first := credential(a, "advocate", now, 1)
		if err := db.Create(&first).Error; err != nil {
			t.Fatal(err)
		}
		second := credential(a, "advocate", now, 2)
		err := models.Check(db.Create(&second).Error)
		if models.ErrorCode(err) != models.ECONFLICT || !strings.Contains(err.Error(), "already holds a valid badge") {
			t.Fatalf("a second live Advocate badge: %v", err)
		}
		// Another achievement, another signatory, or once the first is revoked: allowed.
		for _, c := range []models.Credential{credential(a, "signatory", now, 3), credential(b, "advocate", now, 4)} {
			if err := db.Create(&c).Error; err != nil {
				t.Errorf("%s badge: %v", c.Kind, err)
			}
		}
		db.Model(&models.Credential{}).Where("id = ?", first.ID).Update("revoked_at", now)
		if err := db.Create(&second).Error; err != nil {
			t.Errorf("a new badge after the revocation of the old one: %v", err)
		}

		e := models.Endorsement{FromID: a.ID, ToID: b.ID, Level: "advocate", Status: "accepted", CreatedAt: now, UpdatedAt: now}
		db.Create(&e)
		ec := credential(b, "endorsement", now, 5)
		ec.EndorsementID = &e.ID
		if err := db.Create(&ec).Error; err != nil {
			t.Fatal(err)
		}
		again := credential(b, "endorsement", now, 6)
		again.EndorsementID = &e.ID
		if err := models.Check(db.Create(&again).Error); models.ErrorCode(err) != models.ECONFLICT || !strings.Contains(err.Error(), "endorsement already has") {
			t.Errorf("a second live credential of one endorsement: %v", err)
		}

		job := func() error {
			return db.Create(&models.IssuanceJob{SignatoryID: b.ID, Kind: "ambassador", Action: "issue", CreatedAt: now}).Error
		}
		if err := job(); err != nil {
			t.Fatal(err)
		}
		if err := models.Check(job()); models.ErrorCode(err) != models.ECONFLICT || !strings.Contains(err.Error(), "already waiting") {
			t.Errorf("a second open job for one badge: %v", err)
		}
		db.Model(&models.IssuanceJob{}).Where("signatory_id = ?", b.ID).Update("done_at", now)
		if err := job(); err != nil {
			t.Errorf("a job after the first was done: %v", err)
		}
	})
}

// A worker that signed a badge the signatory meanwhile received (another worker, another
// server) stores nothing and closes its job as already issued.
func TestCompletingAnIssuedBadgeClosesTheJob(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		db := s.DB.WithContext(ctx)
		a := person("a")
		db.Create(&a)
		now := time.Now().UTC().Truncate(time.Second)
		job := models.IssuanceJob{SignatoryID: a.ID, Kind: "advocate", Action: "issue", CreatedAt: now}
		db.Create(&job)
		held := credential(a, "advocate", now, 1)
		db.Create(&held)
		mine := credential(a, "advocate", now, 2)
		retry, err := s.CompleteBatch(ctx, []models.Completion{{Job: job, Credential: &mine}})
		if err != nil || len(retry) != 0 {
			t.Fatalf("complete: retry %v, %v", retry, err)
		}
		db.Take(&job, job.ID)
		if job.DoneAt == nil || job.LastError != "already issued" {
			t.Errorf("job after completion: %+v", job)
		}
		var live int64
		db.Model(&models.Credential{}).Where("signatory_id = ? AND revoked_at IS NULL", a.ID).Count(&live)
		if live != 1 {
			t.Errorf("%d live Advocate badges, want 1", live)
		}
	})
}

// Migrating a database written before the constraint existed revokes the duplicate live
// credentials (keeping the oldest) and closes the duplicate open jobs (keeping the newest).
func TestMigrationResolvesDuplicateBadges(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		db := s.DB.WithContext(ctx)
		a, b := person("a"), person("b")
		db.Create(&a)
		db.Create(&b)
		// Back to the schema before version 4, written to with the columns it had then.
		if err := s.MigrateDownTo(ctx, 3); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
		oldest := credential(a, "advocate", day, 1)
		var dups []models.Credential
		for i := range 3 {
			dups = append(dups, credential(a, "advocate", day.Add(time.Duration(i+1)*time.Hour), 10+i))
		}
		other := credential(b, "advocate", day.Add(5*time.Hour), 20)
		for _, c := range append([]models.Credential{oldest, other}, dups...) {
			if err := db.Exec(`INSERT INTO credentials (id, signatory_id, kind, status_list, status_index, document, issued_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, c.SignatoryID, c.Kind, c.StatusList, c.StatusIndex, c.Document, c.IssuedAt).Error; err != nil {
				t.Fatal(err)
			}
		}
		var jobs []models.IssuanceJob
		for range 3 {
			if err := db.Exec(`INSERT INTO issuance_outbox (signatory_id, kind, action, created_at) VALUES (?, 'ambassador', 'issue', ?)`,
				b.ID, day).Error; err != nil {
				t.Fatal(err)
			}
		}
		db.Where("signatory_id = ?", b.ID).Order("id").Find(&jobs)
		if n, err := s.Migrate(ctx); err != nil || n < 1 {
			t.Fatalf("migrate: %d, %v", n, err)
		}
		var live []models.Credential
		db.Where("revoked_at IS NULL").Order("id").Find(&live)
		kept := map[string]bool{}
		for _, c := range live {
			kept[c.ID] = true
		}
		if len(live) != 2 || !kept[oldest.ID] || !kept[other.ID] {
			t.Errorf("live after the migration: %d, oldest kept %v, other kept %v", len(live), kept[oldest.ID], kept[other.ID])
		}
		var revoked int64
		db.Model(&models.Credential{}).Where("revoked_reason = ? AND revoked_at IS NOT NULL", "duplicate").Count(&revoked)
		if revoked != 3 {
			t.Errorf("%d duplicates revoked, want 3", revoked)
		}
		var open []models.IssuanceJob
		db.Where("done_at IS NULL").Find(&open)
		if len(open) != 1 || open[0].ID != jobs[2].ID {
			t.Errorf("open jobs after the migration: %+v, want only the newest", open)
		}
		// From now on the schema refuses a duplicate.
		again := credential(a, "advocate", day, 30)
		if err := db.Create(&again).Error; err == nil {
			t.Error("a second live badge was accepted after the migration")
		}
	})
}
