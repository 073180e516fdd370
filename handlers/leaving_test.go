package handlers_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"github.com/open-recognition/registry/trust"
)

// badgeSite is a site with issuer keys, a credential worker the test drives by hand and an
// administrator (boss@example.org).
func badgeSite(t *testing.T, s *models.Store) (*oidcSite, *issuer.Worker) {
	t.Helper()
	site, w, _, _ := workerSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"boss@example.org"}})
	return site, w
}

// recompute does what the server's tier worker does: read the graph, compute, write the changes.
func recompute(t *testing.T, s *models.Store) {
	t.Helper()
	ctx := context.Background()
	in, err := s.LoadTrust(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r := trust.Compute(in.Members, in.Edges, trust.Config{Advocate: []int{8, 4, 2, 1}, Ambassador: []int{4, 2, 1}})
	if _, _, err := s.ApplyTiers(ctx, in, r.Tiers); err != nil {
		t.Fatal(err)
	}
}

func drain(t *testing.T, w *issuer.Worker) {
	t.Helper()
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// statusBit reads a credential's bit from the status list the site serves.
func statusBit(t *testing.T, site *oidcSite, c models.Credential) bool {
	t.Helper()
	res, body := getWith(t, site.srv.URL+"/status/"+strconv.Itoa(c.StatusList), "")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/status/%d: %d", c.StatusList, res.StatusCode)
	}
	var list struct {
		CredentialSubject struct{ EncodedList string }
	}
	json.Unmarshal([]byte(body), &list)
	enc := list.CredentialSubject.EncodedList
	if !strings.HasPrefix(enc, "u") {
		t.Fatalf("status list without multibase prefix: %.40s", enc)
	}
	z, err := base64.RawURLEncoding.DecodeString(enc[1:])
	if err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	bits, _ := io.ReadAll(r)
	return bits[c.StatusIndex/8]&(0x80>>(c.StatusIndex%8)) != 0
}

// credentialsOf lists every credential about a signatory: their badges, the endorsements they
// received and those they gave.
func credentialsOf(t *testing.T, s *models.Store, signatoryID int64) []models.Credential {
	t.Helper()
	var out []models.Credential
	if err := s.DB.Where("signatory_id = ? OR endorsement_id IN (SELECT id FROM endorsements WHERE from_id = ?)", signatoryID, signatoryID).
		Order("issued_at, id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// liveBadges counts a signatory's live badges by kind.
func liveBadges(t *testing.T, s *models.Store, signatoryID int64) map[string]int {
	out := map[string]int{}
	for _, c := range credentialsOf(t, s, signatoryID) {
		if c.RevokedAt == nil && c.SignatoryID == signatoryID && c.Kind != "endorsement" {
			out[c.Kind]++
		}
	}
	return out
}

// wantAllRevoked checks, as a verifier would, that every credential of a signatory is revoked:
// the status list bit of each badge is set, the hosted OB 2.0 assertion answers 410 and the
// verification page says revoked; endorsement credentials given or received are marked revoked.
func wantAllRevoked(t *testing.T, site *oidcSite, signatoryID int64, kinds ...string) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range credentialsOf(t, site.store, signatoryID) {
		seen[c.Kind] = true
		if c.RevokedAt == nil {
			t.Errorf("%s credential %s is still valid", c.Kind, c.ID)
			continue
		}
		if c.Kind == "endorsement" {
			continue
		}
		if !statusBit(t, site, c) {
			t.Errorf("%s credential %s: status bit not set", c.Kind, c.ID)
		}
		if res, body := getWith(t, site.srv.URL+"/ob2/assertions/"+c.ID, ""); res.StatusCode != http.StatusGone || !strings.Contains(body, `"revoked":true`) {
			t.Errorf("%s credential: OB 2.0 assertion %d, want 410", c.Kind, res.StatusCode)
		}
		// A withdrawal or hiding keeps the copy served, saying revoked; a deleted account's copies
		// are erased and answer 410, saying so.
		res, page := getWith(t, site.srv.URL+"/credentials/"+c.ID, "text/html")
		if !strings.Contains(page, "This badge was revoked.") && (res.StatusCode != http.StatusGone || !strings.Contains(page, "It is revoked")) {
			t.Errorf("%s credential: the verification page (%d) does not say revoked", c.Kind, res.StatusCode)
		}
	}
	for _, k := range kinds {
		if !seen[k] {
			t.Errorf("no %s credential was issued before leaving: the test proves nothing", k)
		}
	}
}

// Withdrawing, being hidden or deleting one's account revokes every credential the person
// holds, not only the Signatory badge; coming back issues what they then hold.
func TestLeavingRevokesEveryCredential(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w := badgeSite(t, s)
		boss := site.devUser("The Boss", "boss@example.org")
		sam := site.devUser("Sam Seed", "sam@example.org")
		sam.form("/sign", "/sign", person(url.Values{"name": {"Sam Seed"}}))
		ada := site.devUser("Ada Example", "ada@example.org")
		ada.form("/sign", "/sign", person(nil))
		bea := site.devUser("Bea Example", "bea@example.org")
		bea.form("/sign", "/sign", person(url.Values{"name": {"Bea Example"}}))
		entry := func(name string) models.Signatory {
			var sg models.Signatory
			if err := s.DB.Where("name = ?", name).Take(&sg).Error; err != nil {
				t.Fatal(err)
			}
			return sg
		}
		samE, adaE, beaE := entry("Sam Seed"), entry("Ada Example"), entry("Bea Example")
		if res, _ := boss.post("/admin/signatories/"+samE.PublicID+"/seed", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}}); res.StatusCode != http.StatusOK {
			t.Fatalf("seed: %d", res.StatusCode)
		}
		// Sam vouches for Ada and Bea; Ada and Bea vouch for Sam; everyone accepts.
		for _, e := range []struct {
			from, to         *devUser
			fromE, toE       models.Signatory
			level, toAccount string
		}{{sam, ada, samE, adaE, "advocate", ""}, {sam, bea, samE, beaE, "advocate", ""}, {ada, sam, adaE, samE, "advocate", ""}, {bea, sam, beaE, samE, "advocate", ""}} {
			page := "/signatories/" + e.toE.PublicID
			e.from.form(page, page+"/endorse", url.Values{"level": {e.level}, "comment": {"Trusted."}})
			if res, _ := e.to.form("/account", "/account/endorsements/"+e.fromE.PublicID+"/accept", nil); res.StatusCode != http.StatusOK {
				t.Fatalf("accept: %d", res.StatusCode)
			}
			// The worker issues the endorsement credential.
			if _, err := w.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			if res, _ := getWith(t, site.srv.URL+page+"/endorsements/"+e.fromE.PublicID, "text/html"); res.StatusCode != http.StatusOK {
				t.Fatalf("endorsement credential: %d", res.StatusCode)
			}
		}
		recompute(t, s)
		drain(t, w)
		for _, sg := range []models.Signatory{samE, adaE, beaE} {
			tier := entry(sg.Name).Tier
			if got := liveBadges(t, s, sg.ID); got["signatory"] != 1 || got[tier] != 1 || tier == "signatory" {
				t.Fatalf("%s (%s) holds %v before leaving", sg.Name, tier, got)
			}
		}

		// Ada withdraws: every credential of hers is revoked, her tier badge included.
		if res, _ := ada.form("/account", "/account/withdraw", url.Values{}); res.StatusCode != http.StatusOK {
			t.Fatalf("withdraw: %d", res.StatusCode)
		}
		drain(t, w)
		wantAllRevoked(t, site, adaE.ID, "signatory", "advocate", "endorsement")
		recompute(t, s)
		drain(t, w)
		wantAllRevoked(t, site, adaE.ID)
		// Signing again before the tiers are computed again: the Signatory badge and the tier she
		// holds are issued anew, once each, and stay so after the next computation.
		ada.form("/sign", "/sign", person(nil))
		drain(t, w)
		recompute(t, s)
		drain(t, w)
		if got := liveBadges(t, s, adaE.ID); got["signatory"] != 1 || got["advocate"] != 1 || len(got) != 2 {
			t.Errorf("after signing again Ada holds %v, want one Signatory and one Advocate badge", got)
		}

		// Bea is hidden by the administrators, the tiers are computed meanwhile, she is restored.
		if res, _ := boss.form("/admin?signatory="+beaE.PublicID, "/admin/signatories/"+beaE.PublicID+"/hide", url.Values{"reason": {"spam"}}); res.StatusCode != http.StatusOK {
			t.Fatalf("hide: %d", res.StatusCode)
		}
		drain(t, w)
		wantAllRevoked(t, site, beaE.ID, "signatory", "advocate", "endorsement")
		recompute(t, s)
		drain(t, w)
		if res, _ := boss.post("/admin/signatories/"+beaE.PublicID+"/restore", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}}); res.StatusCode != http.StatusOK {
			t.Fatalf("restore: %d", res.StatusCode)
		}
		drain(t, w)
		recompute(t, s)
		drain(t, w)
		if got := liveBadges(t, s, beaE.ID); got["signatory"] != 1 || got["advocate"] != 1 || len(got) != 2 {
			t.Errorf("after being restored Bea holds %v, want one Signatory and one Advocate badge", got)
		}

		// Sam, the founding Ambassador, deletes his account: his Ambassador badge goes too.
		if res, _ := sam.form("/account", "/account/delete", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusOK {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		drain(t, w)
		wantAllRevoked(t, site, samE.ID, "signatory", "ambassador", "endorsement")
	})
}
