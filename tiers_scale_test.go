package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/trust/graphgen"
)

// A registry of 500 members (3 founding Ambassadors, every newcomer endorsed by 3 earlier
// members) in which one member one step from a founding Ambassador endorses one of 2,000 fake
// accounts that endorse each other: imported and computed with the CLI on a fresh database, as
// an operator would, with no capacities configured. With a schedule made for 100,000 members it
// lifted 1,250 fakes; it must lift the honest members and at most 25 fakes.
func TestSmallRegistryWithstandsAFakeCluster(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		g := graphgen.Honest(11, 500, 3, 3)
		fooled := -1
		for i, e := range g.Edges { // a member endorsed by a founding Ambassador
			if g.Members[e.From].Seed && !g.Members[e.To].Seed {
				fooled = g.Edges[i].To
				break
			}
		}
		g.Attack(12, fooled, 2000, 10)
		var b strings.Builder
		start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for i, m := range g.Members {
			name := fmt.Sprintf("Member %d", i)
			if i >= g.Honest {
				name = fmt.Sprintf("Fake %d", i)
			}
			fmt.Fprintf(&b, `{"type":"signatory","ref":"m%d","kind":"person","name":%q,"country":"IT","signed_at":%q}`+"\n",
				i, name, start.Add(time.Duration(i)*time.Minute).Format(time.RFC3339))
			if m.Seed {
				fmt.Fprintf(&b, `{"type":"seed","ref":"m%d"}`+"\n", i)
			}
		}
		for i, e := range g.Edges {
			level := "advocate"
			if e.Level == 2 {
				level = "ambassador"
			}
			fmt.Fprintf(&b, `{"type":"endorsement","from":"m%d","to":"m%d","level":%q,"created_at":%q}`+"\n",
				e.From, e.To, level, start.Add(30*24*time.Hour+time.Duration(i)*time.Second).Format(time.RFC3339))
		}
		p.run(t, "import", writeFile(t, p.dir, "attack.jsonl", b.String()))
		for round := range 2 { // the first computation, then one that follows what it lifted
			p.run(t, "tiers")
			var honest, fakes int64
			db := p.store(t).DB
			db.Raw("SELECT COUNT(*) FROM signatories WHERE tier <> 'signatory' AND name LIKE 'Member %'").Scan(&honest)
			db.Raw("SELECT COUNT(*) FROM signatories WHERE tier <> 'signatory' AND name LIKE 'Fake %'").Scan(&fakes)
			t.Logf("computation %d: %d of 500 honest members and %d of 2,000 fakes lifted", round+1, honest, fakes)
			if honest < 475 {
				t.Errorf("computation %d: %d of 500 honest members lifted, want at least 95%%", round+1, honest)
			}
			if fakes > 25 {
				t.Errorf("computation %d: %d fakes lifted, want at most 25", round+1, fakes)
			}
		}
		// The schedule used is recorded, scaled to what was lifted, for the next computation and
		// for anyone checking the tiers.
		sched, err := p.store(t).TierSchedule(t.Context())
		if err != nil || sched == nil {
			t.Fatalf("no capacity schedule recorded (%v)", err)
		}
		if sched.AdvocateSize < 475 || sched.AdvocateSize > 550 || len(sched.Advocate) < 3 || sched.Advocate[2] > 25 || sched.Lifted.Advocate < 475 {
			t.Errorf("recorded schedule %+v", sched)
		}
		// The criteria page states the schedule in force and the size it follows.
		srv := startServe(t, nil, p.args("serve", "--addr", "127.0.0.1:0", "--rate-limit", "off")...)
		defer srv.stop(t)
		parts := make([]string, len(sched.Advocate))
		for i, c := range sched.Advocate {
			parts[i] = fmt.Sprint(c)
		}
		_, body := srv.get(t, "/achievements/advocate/criteria")
		if table := strings.Join(parts, ", "); !strings.Contains(body, table) || !strings.Contains(body, fmt.Sprintf("registry of %d lifted members", sched.AdvocateSize)) {
			t.Errorf("the criteria page does not state the schedule in force (%s, size %d)", table, sched.AdvocateSize)
		}
		if !strings.Contains(body, `href="/api/v1/graph"`) {
			t.Error("the criteria page does not say where to check the tiers")
		}
	})
}
