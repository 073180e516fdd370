package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// Each accepted state of an endorsement has its own credential, which an independent verifier
// checks with its default rules against the endorser's DID document and the endorser's own
// status list: accepted → verified; changed, declined, withdrawn by the endorser, endorser
// withdrawn from the registry → revoked. The endorser's DID document and status list stay
// served after they left and after they deleted their account.
func TestEndorsementCredentialLifecycle(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		verify := testutil.Verifier(t)
		site, w, _ := issuingSite(t, s)
		ctx := context.Background()
		ada, adaEntry, bea, beaEntry := site.twoSignatories()
		w.Drain(ctx)
		base := site.srv.URL
		page := "/signatories/" + adaEntry.PublicID
		credPath := page + "/endorsements/" + beaEntry.PublicID
		didPath := "/signatories/" + beaEntry.PublicID + "/did.json"
		endorse := func(level, comment string) {
			t.Helper()
			if res, _ := bea.form(page, page+"/endorse", url.Values{"level": {level}, "comment": {comment}}); res.StatusCode != http.StatusOK {
				t.Fatalf("endorse: %d", res.StatusCode)
			}
		}
		answer := func(how string) {
			t.Helper()
			if res, _ := ada.form("/account", "/account/endorsements/"+beaEntry.PublicID+"/"+how, nil); res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", how, res.StatusCode)
			}
		}
		fetch := func(path string) (int, map[string]any) {
			t.Helper()
			res, body := getWith(t, path, "application/json")
			var out map[string]any
			json.Unmarshal([]byte(body), &out)
			return res.StatusCode, out
		}
		// current is the credential the endorsement's address leads to now.
		current := func() (string, map[string]any) {
			t.Helper()
			w.Drain(ctx)
			res, _ := getWith(t, base+credPath, "text/html")
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Request.URL.Path, "/credentials/") {
				t.Fatalf("the endorsement's credential: %d at %s", res.StatusCode, res.Request.URL)
			}
			_, cred := fetch(base + res.Request.URL.Path + ".json")
			return res.Request.URL.Path, cred
		}
		// check runs the independent verifier on a copy held in a wallet, with what the
		// registry serves now.
		check := func(what string, cred map[string]any, wantRevoked bool) {
			t.Helper()
			code, doc := fetch(base + didPath)
			if code != http.StatusOK {
				t.Fatalf("%s: the endorser's DID document answers %d", what, code)
			}
			st, _ := cred["credentialStatus"].(map[string]any)
			listURL, _ := st["statusListCredential"].(string)
			if st["type"] != "BitstringStatusListEntry" || !strings.HasPrefix(listURL, base+"/signatories/"+beaEntry.PublicID+"/status") {
				t.Fatalf("%s: credentialStatus %v", what, st)
			}
			code, list := fetch(listURL)
			if code != http.StatusOK {
				t.Fatalf("%s: the endorser's status list answers %d", what, code)
			}
			v := verify(cred, doc, list)
			switch {
			case wantRevoked && (!v.Revoked || v.Verified):
				t.Errorf("%s: the independent verifier does not report revoked: %+v", what, v)
			case !wantRevoked && (!v.Verified || v.Revoked):
				t.Errorf("%s: the independent verifier refuses it: %+v", what, v)
			}
		}
		reason := func(path string) string {
			var c models.Credential
			s.DB.Where("id = ?", strings.TrimPrefix(path, "/credentials/")).Take(&c)
			return c.RevokedReason
		}

		endorse("advocate", "Ada opens doors.")
		answer("accept")
		aPath, a := current()
		if !strings.Contains(a["name"].(string), "Advocate") || !strings.Contains(mustJSON(a), "Ada opens doors.") {
			t.Fatalf("credential A: %v", a)
		}
		check("accepted", a, false)

		// Changed: A is revoked; accepted again, the address leads to B with the new words.
		endorse("ambassador", "Ada builds bridges.")
		if r := reason(aPath); r != "endorsement changed" {
			t.Errorf("A after the change: revoked %q", r)
		}
		check("changed", a, true)
		answer("accept")
		bPath, b := current()
		if bPath == aPath || !strings.Contains(b["name"].(string), "Ambassador") || !strings.Contains(mustJSON(b), "Ada builds bridges.") {
			t.Fatalf("credential B at %s: %v", bPath, b)
		}
		check("accepted again", b, false)

		// Declined by Ada: B is revoked, and reading the address creates nothing.
		// (The account page offers declining pending endorsements; an accepted one is declined
		// by the same request.)
		if res, _ := ada.post("/account/endorsements/"+beaEntry.PublicID+"/decline", url.Values{"_csrf": {site.csrf(ada.c, "/account")}}); res.StatusCode != http.StatusOK {
			t.Fatalf("decline: %d", res.StatusCode)
		}
		if r := reason(bPath); r != "endorsement declined" {
			t.Errorf("B after the decline: revoked %q", r)
		}
		check("declined", b, true)
		var before, after int64
		s.DB.Model(&models.Credential{}).Count(&before)
		if res, _ := getWith(t, base+credPath, "text/html"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a declined endorsement's address: %d, want 404", res.StatusCode)
		}
		s.DB.Model(&models.Credential{}).Count(&after)
		if after != before {
			t.Errorf("reading the address stored %d credentials", after-before)
		}

		// Withdrawn by Bea.
		endorse("advocate", "Ada again.")
		answer("accept")
		cPath, c := current()
		check("endorsed again", c, false)
		if res, _ := bea.post(page+"/endorse/withdraw", url.Values{"_csrf": {site.csrf(bea.c, "/account")}}); res.StatusCode != http.StatusOK {
			t.Fatalf("withdraw the endorsement: %d", res.StatusCode)
		}
		if r := reason(cPath); r != "endorsement withdrawn" {
			t.Errorf("C after the withdrawal: revoked %q", r)
		}
		check("withdrawn by the endorser", c, true)

		// Bea leaves the registry: her identity stays resolvable, her endorsement revoked.
		endorse("advocate", "Ada, once more.")
		answer("accept")
		_, d := current()
		check("before the endorser left", d, false)
		if res, _ := bea.form("/account", "/account/withdraw", url.Values{}); res.StatusCode != http.StatusOK {
			t.Fatalf("withdraw from the registry: %d", res.StatusCode)
		}
		w.Drain(ctx)
		check("endorser withdrawn", d, true)
		check("endorser withdrawn, an older copy", a, true)

		// Bea deletes her account: still resolvable, still revoked.
		if res, _ := bea.form("/account", "/account/delete", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusOK {
			t.Fatalf("delete: %d", res.StatusCode)
		}
		w.Drain(ctx)
		check("endorser deleted", d, true)
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
