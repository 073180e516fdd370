package main

import (
	"context"
	"fmt"
	"time"

	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/demo"
	"github.com/open-recognition/registry/models"
)

// demoSource names the demo's records, so that their ids are stable: running demo twice with
// the same seed changes nothing.
const demoSource = "demo"

// demoToday is the demo's fixed "today": dates must not depend on the day the demo runs, or the
// same seed would not give the same registry.
var demoToday = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func cmdDemo(ctx context.Context, env *environment, _ []string) error {
	o := env.opts
	if o.Signatories <= 0 {
		return &usageError{msg: "demo needs --signatories N (N > 0)", usage: "usage: registry demo --signatories N [--endorsements M] [--random-seed S]"}
	}
	if o.Endorsements < 0 {
		return &usageError{msg: "--endorsements must not be negative", usage: "usage: registry demo --signatories N [--endorsements M] [--random-seed S]"}
	}
	tcfg, err := trustConfig(o)
	if err != nil {
		return &usageError{msg: err.Error(), usage: "usage: registry demo --signatories N [--endorsements M] [--random-seed S]"}
	}
	started := time.Now()
	store, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()

	bar := newProgress(env.stderr, int64(o.Signatories+o.Endorsements), "generating")
	set := &models.ImportSet{Source: demoSource,
		Signatories:  make([]*models.SignatoryIn, 0, o.Signatories),
		Endorsements: make([]models.EndorsementIn, 0, o.Endorsements)}
	ids := make([]string, 0, o.Signatories)
	cfg := demo.Config{Signatories: o.Signatories, Endorsements: o.Endorsements, Seed: o.RandomSeed,
		Now: demoToday}
	seeds, err := demo.Generate(cfg, func(i int, s demo.Signatory) error {
		sg := models.Signatory{PublicID: models.SignatoryID(demoSource, s.Ref), Source: demoSource, Ref: s.Ref, Kind: s.Kind,
			Name: s.Name, Representative: s.Representative, Role: s.Role, Email: s.Email, Country: s.Country, City: s.City,
			Affiliation: s.Affiliation, Website: s.Website, Statement: s.Statement, Visibility: models.AllPublic(),
			Tier: "signatory", Status: models.StatusActive, Verified: s.Verified, SignedAt: s.SignedAt.UTC(),
			CreatedAt: s.SignedAt.UTC(), UpdatedAt: s.SignedAt.UTC()}
		for k, v := range s.Visibility {
			sg.Visibility.Set(k, v)
		}
		sg.Normalize()
		if err := sg.Validate(); err != nil {
			return fmt.Errorf("demo signatory %s: %w", s.Ref, err)
		}
		// Signers read the Declaration in the language of their city when the registry
		// publishes it in that language, else in the original.
		lang := declaration.Original()
		if declaration.KnownLanguage(s.Lang) {
			lang = s.Lang
		}
		set.Signatories = append(set.Signatories, &models.SignatoryIn{Line: i + 1, Signatory: sg, Lang: lang})
		ids = append(ids, sg.PublicID)
		if i%4096 == 0 {
			bar.set(int64(i))
		}
		return nil
	}, func(e demo.Endorsement) error {
		set.Endorsements = append(set.Endorsements, models.EndorsementIn{Line: len(set.Endorsements) + 1,
			From: models.Target{PublicID: ids[e.From]}, To: models.Target{PublicID: ids[e.To]},
			Level: e.Level, Status: e.Status, Comment: models.CleanText(e.Comment), CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.CreatedAt.UTC()})
		if n := len(set.Endorsements); n%16384 == 0 {
			bar.set(int64(o.Signatories + n))
		}
		return nil
	})
	if err != nil {
		bar.finish()
		return err
	}
	for _, i := range seeds {
		set.Seeds = append(set.Seeds, models.SeedIn{Line: i + 1, Signatory: models.Target{PublicID: ids[i]}, AppointedAt: set.Signatories[i].Signatory.SignedAt})
	}
	total := len(set.Signatories) + len(set.Endorsements) + len(set.Seeds)
	bar.describe("writing", int64(total))
	res, err := store.Import(ctx, set, func(done, _ int) { bar.set(int64(done)) })
	bar.finish()
	if err != nil {
		return err
	}
	// The tiers follow from the endorsements just written, as the registry computes them; their
	// badges are queued for the server to issue.
	run, err := recomputeTiers(ctx, store, tcfg)
	if err != nil {
		return err
	}
	c := run.counts
	fmt.Fprintf(env.stdout, "demo: %d signatories, %d endorsements, %d founding Ambassadors added (%d already present) in %s; tiers: signatory %d, advocate %d, ambassador %d\n",
		res.Signatories, res.Endorsements, res.Seeds, res.Present, time.Since(started).Round(time.Millisecond), c.Signatory, c.Advocate, c.Ambassador)
	return nil
}
