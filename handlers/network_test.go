package handlers_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// networkFixture is Bea's network. Ada, a founding Ambassador, lifts Bea and Lee to Advocate;
// Bea lifts Kofi (she is his only endorser). Bea also endorses Lee, who is nearer the seed through
// Ada: her endorsement may carry his tier (models.MayCarry) but did not lift him. Bea endorses Ada
// (a seed, whose tier rests on nothing), waits for Hana's answer (which lifts Hana: a pending
// endorsement counts) and was declined by Zed. Bea
// received Ada's endorsement, a pending one from the Open Learning Foundation and an accepted one
// from Hana, who keeps her name and city to herself.
const networkFixture = `{"type":"signatory","ref":"ada","kind":"person","name":"Ada Seedling","email":"ada@net.example","country":"GB","signed_at":"2025-01-01T10:00:00Z"}
{"type":"signatory","ref":"bea","kind":"person","name":"Bea Networker","email":"bea@net.example","country":"FR","city":"Lyon","visibility":{"city":"members"},"signed_at":"2025-01-02T10:00:00Z"}
{"type":"signatory","ref":"kofi","kind":"person","name":"Kofi Lifted","email":"kofi@net.example","country":"KE","signed_at":"2025-01-03T10:00:00Z"}
{"type":"signatory","ref":"lee","kind":"person","name":"Lee Nearer","email":"lee@net.example","country":"KR","signed_at":"2025-01-04T10:00:00Z"}
{"type":"signatory","ref":"hana","kind":"person","name":"Hana Hidden","email":"hana@net.example","country":"JP","city":"Secret Harbour","statement":"hana's private statement","visibility":{"name":"hidden","city":"hidden","statement":"members"},"signed_at":"2025-01-05T10:00:00Z"}
{"type":"signatory","ref":"zed","kind":"person","name":"Zed Declining","email":"zed@net.example","country":"DE","signed_at":"2025-01-06T10:00:00Z"}
{"type":"signatory","ref":"olf","kind":"organisation","name":"Open Learning Foundation","representative":"Jana Private","role":"Director","email":"jana@olf.example","country":"DE","visibility":{"representative":"hidden"},"signed_at":"2025-01-07T10:00:00Z"}
{"type":"seed","ref":"ada"}
{"type":"endorsement","from":"ada","to":"bea","level":"ambassador","status":"accepted","comment":"Bea gathers people.","created_at":"2025-02-01T10:00:00Z"}
{"type":"endorsement","from":"ada","to":"lee","level":"advocate","status":"accepted","created_at":"2025-02-02T10:00:00Z"}
{"type":"endorsement","from":"bea","to":"kofi","level":"advocate","status":"accepted","comment":"Kofi teaches.","created_at":"2025-02-03T10:00:00Z"}
{"type":"endorsement","from":"bea","to":"lee","level":"advocate","status":"accepted","created_at":"2025-02-04T10:00:00Z"}
{"type":"endorsement","from":"bea","to":"ada","level":"ambassador","status":"accepted","created_at":"2025-02-05T10:00:00Z"}
{"type":"endorsement","from":"bea","to":"hana","level":"advocate","status":"pending","created_at":"2025-02-06T10:00:00Z"}
{"type":"endorsement","from":"bea","to":"zed","level":"advocate","status":"declined","created_at":"2025-02-07T10:00:00Z"}
{"type":"endorsement","from":"olf","to":"bea","level":"advocate","status":"pending","comment":"the foundation's pending words","created_at":"2025-02-08T10:00:00Z"}
{"type":"endorsement","from":"hana","to":"bea","level":"advocate","status":"accepted","comment":"from someone private","created_at":"2025-02-09T10:00:00Z"}
`

// networkSite serves networkFixture with computed tiers, issuer keys and a credential worker,
// and logs Bea in.
func networkSite(t *testing.T, s *models.Store) (*oidcSite, *devUser, *issuer.Worker) {
	t.Helper()
	load(t, s, networkFixture)
	tiers := &computedTiers{}
	var worker *issuer.Worker
	site := newOIDCSiteWith(t, s, []string{"test"}, func(base string, d *handlers.Deps) {
		keys, err := issuer.OpenKeys(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		if worker, err = issuer.NewWorker(s, keys, base, discardLogger()); err != nil {
			t.Fatal(err)
		}
		d.Keys, d.Explainer = keys, tiers
	})
	tiers.compute(t, s)
	drain(t, worker)
	for ref, want := range map[string]string{"bea": "ambassador", "kofi": "advocate", "lee": "advocate", "hana": "advocate"} {
		var sg models.Signatory
		if err := s.DB.Where("public_id = ?", id(ref)).Take(&sg).Error; err != nil || sg.Tier != want {
			t.Fatalf("%s holds %q, the fixture wants %s (%v)", ref, sg.Tier, want, err)
		}
	}
	return site, site.member("bea", "bea@net.example"), worker
}

// listed reads the public ids a list of the network page shows, with each item's text.
func listed(doc *goquery.Document, list string) map[string]string {
	out := map[string]string{}
	doc.Find("ul." + list + " > li").Each(func(_ int, li *goquery.Selection) {
		id, _ := li.Attr("data-id")
		out[id] = strings.Join(strings.Fields(li.Text()), " ")
	})
	return out
}

// The network page lists what Bea gave (pending, accepted, declined), what she received with its
// history, and only the member the latest computation lifted through her endorsement.
func TestNetworkPage(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, bea, _ := networkSite(t, s)

		// A visitor is sent to log in, and back.
		res, err := site.newClient().Get(site.srv.URL + "/account/network")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if !strings.Contains(res.Request.URL.String(), "/login?return_to=%2Faccount%2Fnetwork") {
			t.Errorf("a visitor lands on %s, want the login page coming back to the network", res.Request.URL)
		}
		if bea.page("/account").Find(`#network a[href="/account/network"]`).Length() != 1 {
			t.Error("the account page does not link the network page")
		}

		doc := bea.page("/account/network")
		given := listed(doc, "network-given")
		want := map[string]string{"kofi": "accepted", "lee": "accepted", "ada": "accepted", "hana": "waiting for their answer", "zed": "declined"}
		if len(given) != len(want) {
			t.Errorf("given lists %d endorsements, want %d: %q", len(given), len(want), given)
		}
		for ref, status := range want {
			if !strings.Contains(given[id(ref)], status) {
				t.Errorf("given %s: %q, want %q", ref, given[id(ref)], status)
			}
		}
		if strings.Contains(given[id("hana")], "Hana") {
			t.Errorf("the network page names Hana, who keeps her name hidden: %q", given[id("hana")])
		}
		// The withdrawal warnings of the profile: Kofi's tier may rest on Bea's endorsement and
		// its credential goes; Ada is a founding Ambassador, whose tier rests on nothing.
		if g := given[id("kofi")]; !strings.Contains(g, "They hold Advocate, and your endorsement may be part of what carries it") ||
			!strings.Contains(g, "Withdrawing revokes the endorsement credential") {
			t.Errorf("no withdrawal warning for Kofi: %q", g)
		}
		if g := given[id("ada")]; strings.Contains(g, "may be part of what carries it") {
			t.Errorf("a withdrawal warning for a founding Ambassador: %q", g)
		}
		if doc.Find(`ul.network-given form[action="/signatories/`+id("kofi")+`/endorse"] input[name=level][value=ambassador]`).Length() != 1 {
			t.Error("no change-level form for Kofi")
		}

		received := listed(doc, "network-received")
		if len(received) != 3 || !strings.Contains(received[id("olf")], "Open Learning Foundation") ||
			!strings.Contains(received[id("olf")], "waiting for your answer") || !strings.Contains(received[id("ada")], "accepted") {
			t.Errorf("received: %q", received)
		}
		if r := received[id("hana")]; strings.Contains(r, "Hana") || !strings.Contains(r, "A signatory") {
			t.Errorf("received from Hana: %q", r)
		}

		// Kofi and Hana (a pending endorsement counts from the start), not Lee (nearer the seed
		// through Ada) nor Ada (a seed).
		lifted := listed(doc, "network-lifted")
		if len(lifted) != 2 || !strings.Contains(lifted[id("kofi")], "Kofi Lifted") || !strings.Contains(lifted[id("hana")], "A signatory") {
			t.Errorf("lifted: %q, want Kofi and Hana, unnamed", lifted)
		}

		// Bea answers the foundation, then the page shows the answer in its history.
		if res, _ := bea.form("/account", "/account/endorsements/"+id("olf")+"/decline", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("declining: %d", res.StatusCode)
		}
		doc = bea.page("/account/network")
		if r := listed(doc, "network-received")[id("olf")]; !strings.Contains(r, "you declined it") {
			t.Errorf("the history of the foundation's endorsement: %q", r)
		}

		// Withdrawing from the network page, with its own form and token.
		if res, _ := bea.form("/account/network", "/signatories/"+id("zed")+"/endorse/withdraw", nil); res.StatusCode != http.StatusOK {
			t.Fatalf("withdrawing: %d", res.StatusCode)
		}
		var e models.Endorsement
		s.DB.Joins("JOIN signatories t ON t.id = endorsements.to_id").Where("t.public_id = ?", id("zed")).Take(&e)
		if e.Status != "withdrawn" {
			t.Errorf("the endorsement of Zed is %q after withdrawing", e.Status)
		}
		if _, found := listed(bea.page("/account/network"), "network-given")[id("zed")]; found {
			t.Error("a withdrawn endorsement is still listed as given")
		}
		// Changing the level keeps the comment.
		bea.form("/account/network", "/signatories/"+id("kofi")+"/endorse", nil)
		e = models.Endorsement{}
		s.DB.Joins("JOIN signatories t ON t.id = endorsements.to_id").Where("t.public_id = ?", id("kofi")).Take(&e)
		if e.Level != "ambassador" || e.Comment != "Kofi teaches." || e.Status != "pending" {
			t.Errorf("after changing the level: %+v", e)
		}
		if r := listed(bea.page("/account/network"), "network-given")[id("kofi")]; !strings.Contains(r, "Ambassador") {
			t.Errorf("given Kofi after the change: %q", r)
		}
	})
}

// A hub's lists come a page at a time, each page going on where the last one ended.
func TestNetworkPages(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		var b strings.Builder
		b.WriteString(`{"type":"signatory","ref":"hub","kind":"person","name":"Hub","email":"hub@net.example","country":"FR","signed_at":"2025-01-01T10:00:00Z"}` + "\n")
		for i := 0; i < 2*models.NetworkPage+7; i++ {
			ref := fmt.Sprintf("m%03d", i)
			b.WriteString(`{"type":"signatory","ref":"` + ref + `","kind":"person","name":"Member ` + ref + `","country":"FR","signed_at":"2025-01-02T10:00:00Z"}` + "\n")
			b.WriteString(`{"type":"endorsement","from":"hub","to":"` + ref + `","level":"advocate","status":"pending","created_at":"2025-02-01T10:00:00Z"}` + "\n")
		}
		load(t, s, b.String())
		site := newOIDCSiteWith(t, s, []string{"test"}, nil)
		hub := site.member("hub", "hub@net.example")
		seen := map[string]bool{}
		next, pages := "/account/network", 0
		for next != "" && pages < 10 {
			doc := hub.page(next)
			pages++
			for id := range listed(doc, "network-given") {
				if seen[id] {
					t.Errorf("%s listed twice", id)
				}
				seen[id] = true
			}
			next, _ = doc.Find(`#given a[href^="/account/network?given="]`).Attr("href")
		}
		if len(seen) != 2*models.NetworkPage+7 || pages != 3 {
			t.Errorf("%d endorsements over %d pages, want %d over 3", len(seen), pages, 2*models.NetworkPage+7)
		}
	})
}
