package main

import (
	"testing"

	"github.com/open-recognition/registry/issuer"
)

// Every listed holder of a tier holds exactly one live badge of that tier, and nobody else holds
// an Advocate or Ambassador badge, however the tier was reached: the demo (its founding
// Ambassadors are set by its import), an import of a seed with no tier computation after it,
// and recomputations.
func TestEveryTierHolderHasItsBadge(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		p.run(t, "demo", "--signatories", "300", "--endorsements", "1500", "--random-seed", "7")
		drainBadges(t, p)
		checkTierBadges(t, p, "after demo")

		// A founding Ambassador imported into the running registry, no computation after it.
		p.run(t, "import", writeFile(t, p.dir, "seed.jsonl",
			`{"type":"signatory","ref":"founder","kind":"person","name":"Imported Founder","country":"IT","signed_at":"2024-01-01T10:00:00Z"}
{"type":"seed","ref":"founder"}
`))
		drainBadges(t, p)
		checkTierBadges(t, p, "after importing a seed")
		if n := p.scalar(t, `SELECT COUNT(*) FROM credentials c JOIN signatories s ON s.id = c.signatory_id
			WHERE s.name = 'Imported Founder' AND c.kind = 'ambassador' AND c.revoked_at IS NULL`); n != 1 {
			t.Errorf("the imported founding Ambassador holds %d live Ambassador badges, want 1", n)
		}

		// Computing again changes nothing and issues nothing twice.
		p.run(t, "tiers")
		drainBadges(t, p)
		checkTierBadges(t, p, "after recomputing")
	})
}

// drainBadges works off the outbox as a server's worker would.
func drainBadges(t *testing.T, p place) {
	t.Helper()
	keys, err := issuer.OpenKeys(p.keys)
	if err != nil {
		t.Fatal(err)
	}
	w, err := issuer.NewWorker(p.store(t), keys, "http://localhost:8080", discard())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Drain(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// checkTierBadges counts tiers against live badges.
func checkTierBadges(t *testing.T, p place, when string) {
	t.Helper()
	rows, err := p.store(t).SQL().QueryContext(t.Context(), `SELECT s.public_id, s.tier, s.listed,
		(SELECT COUNT(*) FROM credentials c WHERE c.signatory_id = s.id AND c.kind = 'advocate' AND c.revoked_at IS NULL),
		(SELECT COUNT(*) FROM credentials c WHERE c.signatory_id = s.id AND c.kind = 'ambassador' AND c.revoked_at IS NULL)
		FROM signatories s ORDER BY s.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	holders, wrong := map[string]int{}, 0
	for rows.Next() {
		var id, tier string
		var listed bool
		var live = map[string]int{}
		var adv, amb int
		if err := rows.Scan(&id, &tier, &listed, &adv, &amb); err != nil {
			t.Fatal(err)
		}
		live["advocate"], live["ambassador"] = adv, amb
		for _, kind := range []string{"advocate", "ambassador"} {
			want := 0
			if listed && tier == kind {
				want = 1
				if live[kind] == 1 {
					holders[kind]++
				}
			}
			if live[kind] != want {
				wrong++
				if wrong <= 5 {
					t.Errorf("%s: %s (tier %s, listed %v) holds %d live %s badges, want %d", when, id, tier, listed, live[kind], kind, want)
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if wrong > 0 {
		t.Errorf("%s: %d tier badges wrong in all", when, wrong)
	}
	if holders["ambassador"] == 0 {
		t.Errorf("%s: no Ambassador holds a badge", when)
	}
}
