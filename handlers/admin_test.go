package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

func TestAdministration(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"Boss@Example.org"}})
		anon := &devUser{site: site, c: site.newClient()}
		if res, _ := anon.get("/admin"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("admin page for a visitor: %d, want 401", res.StatusCode)
		}
		ada := site.devUser("Ada Example", "ada@example.org")
		if res, _ := ada.get("/admin"); res.StatusCode != http.StatusForbidden {
			t.Errorf("admin page for a signatory: %d, want 403", res.StatusCode)
		}
		boss := site.devUser("The Boss", "boss@example.org")
		if res, _ := boss.get("/admin"); res.StatusCode != http.StatusOK {
			t.Fatalf("admin page for the configured administrator: %d", res.StatusCode)
		}

		// An organisation signs; the administrator verifies it; it is listed and badged.
		org := site.devUser("Giulia Rossi", "giulia@example.org")
		org.form("/sign?kind=organisation", "/sign", person(url.Values{"name": {"Università Aperta"}, "representative": {"Giulia Rossi"}}))
		var sg models.Signatory
		s.DB.Where("kind = 'organisation'").Take(&sg)
		if res, _ := anon.get("/signatories/" + sg.PublicID); res.StatusCode != http.StatusNotFound {
			t.Errorf("unverified organisation: %d, want 404", res.StatusCode)
		}
		if _, body := boss.get("/admin"); !strings.Contains(body, "Università Aperta") {
			t.Error("the organisation is not among those awaiting verification")
		}
		// Someone who is not an administrator cannot verify, even with a valid form token.
		res, _ := ada.post("/admin/signatories/"+sg.PublicID+"/verify", url.Values{"_csrf": {site.csrf(ada.c, "/account")}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("verification by a non-administrator: %d, want 403", res.StatusCode)
		}
		res, _ = boss.post("/admin/signatories/"+sg.PublicID+"/verify", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}})
		if res.StatusCode != http.StatusOK || res.Request.URL.Query().Get("done") != "verify" {
			t.Fatalf("verify: %d at %s", res.StatusCode, res.Request.URL)
		}
		if res, _ := anon.get("/signatories/" + sg.PublicID); res.StatusCode != http.StatusOK {
			t.Errorf("verified organisation: %d, want 200", res.StatusCode)
		}
		var jobs int64
		s.DB.Model(&models.IssuanceJob{}).Where("signatory_id = ? AND action = 'issue'", sg.ID).Count(&jobs)
		if jobs != 1 {
			t.Errorf("%d badge jobs after verification, want 1", jobs)
		}

		// Hide and restore an entry.
		ada.form("/sign", "/sign", person(nil))
		var adaEntry models.Signatory
		s.DB.Where("name = ?", "Ada Example").Take(&adaEntry)
		res, _ = boss.form("/admin?signatory="+adaEntry.PublicID, "/admin/signatories/"+adaEntry.PublicID+"/hide", url.Values{"reason": {"spam"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("hide: %d", res.StatusCode)
		}
		if res, _ := anon.get("/signatories/" + adaEntry.PublicID); res.StatusCode != http.StatusNotFound {
			t.Errorf("hidden entry: %d, want 404", res.StatusCode)
		}
		res, _ = boss.post("/admin/signatories/"+adaEntry.PublicID+"/restore", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("restore: %d", res.StatusCode)
		}
		if res, _ := anon.get("/signatories/" + adaEntry.PublicID); res.StatusCode != http.StatusOK {
			t.Errorf("restored entry: %d, want 200", res.StatusCode)
		}

		// Signed in Bologna, Ada is shown there; the administrator moves her to Imola.
		bologna, _ := geo.FindCity("IT", "Bologna")
		if s.DB.Where("id = ?", adaEntry.ID).Take(&adaEntry); adaEntry.PlaceID == nil || *adaEntry.PlaceID != bologna.ID {
			t.Fatalf("signed in Bologna, placed at %v", adaEntry.PlaceID)
		}
		if _, body := boss.get("/admin?signatory=" + adaEntry.PublicID); !strings.Contains(body, "Bologna (GeoNames "+strconv.FormatInt(bologna.ID, 10)+")") {
			t.Error("the administrator does not see where the entry is shown")
		}
		res, bad := boss.form("/admin?signatory="+adaEntry.PublicID, "/admin/signatories/"+adaEntry.PublicID+"/place", url.Values{"place": {"Atlantis"}})
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(bad.Text(), "Atlantis") {
			t.Errorf("an unknown place: %d", res.StatusCode)
		}
		res, _ = boss.form("/admin?signatory="+adaEntry.PublicID, "/admin/signatories/"+adaEntry.PublicID+"/place", url.Values{"place": {"Imola"}})
		imola, _ := geo.FindCity("IT", "Imola")
		if s.DB.Where("id = ?", adaEntry.ID).Take(&adaEntry); res.StatusCode != http.StatusOK || adaEntry.PlaceID == nil || *adaEntry.PlaceID != imola.ID {
			t.Fatalf("place correction: %d, placed at %v", res.StatusCode, adaEntry.PlaceID)
		}
		var audited int64
		s.DB.Model(&models.AuditEntry{}).Where("action = 'signatory.place' AND subject_id = ?", adaEntry.PublicID).Count(&audited)
		if audited != 1 {
			t.Errorf("%d audit entries for the correction, want 1", audited)
		}

		// Appoint and remove a founding Ambassador.
		res, _ = boss.post("/admin/signatories/"+adaEntry.PublicID+"/seed", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}})
		var seeds int64
		s.DB.Model(&models.Seed{}).Count(&seeds)
		if res.StatusCode != http.StatusOK || seeds != 1 {
			t.Errorf("appoint a seed: %d, %d seeds", res.StatusCode, seeds)
		}
		if res, _ := boss.post("/admin/signatories/"+adaEntry.PublicID+"/seed", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}}); res.StatusCode != http.StatusConflict {
			t.Errorf("appointing a seed twice: %d, want 409", res.StatusCode)
		}
		boss.post("/admin/signatories/"+adaEntry.PublicID+"/unseed", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}})
		s.DB.Model(&models.Seed{}).Count(&seeds)
		if seeds != 0 {
			t.Errorf("%d seeds after removal", seeds)
		}

		// Block an account: its session ends at once, and it cannot log in again.
		var adaAcc models.Account
		s.DB.Where("email = ?", "ada@example.org").Take(&adaAcc)
		res, _ = boss.post("/admin/accounts/"+adaAcc.PublicID+"/block", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("block: %d", res.StatusCode)
		}
		if res, _ := ada.get("/account"); res.Request.URL.Path != "/login" {
			t.Errorf("blocked account's session: %d at %s, want the login page", res.StatusCode, res.Request.URL)
		}
		c := site.newClient()
		res = site.post(c, "/auth/dev", url.Values{"_csrf": {site.csrf(c, "/login")}, "name": {"Ada"}, "email": {"ada@example.org"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("login of a blocked account: %d, want 403", res.StatusCode)
		}
		res, _ = boss.post("/admin/accounts/"+adaAcc.PublicID+"/unblock", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("unblock: %d", res.StatusCode)
		}
		ada = site.devUser("Ada Example", "ada@example.org")

		// Publish version 2: Ada is invited to sign it and stays one signatory.
		text := "# The Bologna Open Recognition Declaration, version 2\n\nA revised text.\n"
		res, doc := boss.form("/admin", "/admin/declarations", url.Values{"version": {"1"}, "lang": {"en"}, "body": {text}, "published": {time.Now().UTC().Format(time.DateOnly)}})
		if res.StatusCode != http.StatusConflict || doc.Find("#p-version-error").Length() != 1 {
			t.Errorf("republishing version 1: %d, want 409 with the message at the version", res.StatusCode)
		}
		res, _ = boss.form("/admin", "/admin/declarations", url.Values{"version": {"2"}, "lang": {"en"}, "body": {text}, "published": {time.Now().UTC().Format(time.DateOnly)}})
		if res.StatusCode != http.StatusOK || res.Request.URL.Query().Get("done") != "publish" {
			t.Fatalf("publish version 2: %d at %s", res.StatusCode, res.Request.URL)
		}
		if _, body := ada.get("/account"); !strings.Contains(body, "A new version of the Declaration has been published") {
			t.Error("the account page does not invite Ada to sign version 2")
		}
		if _, body := ada.get("/sign"); !strings.Contains(body, "A revised text.") || !strings.Contains(body, `action="/sign"`) {
			t.Fatal("Ada is not offered version 2 to sign")
		}
		res, _ = ada.form("/sign", "/sign", person(nil))
		if res.Request.URL.Path != "/sign/thanks" {
			t.Fatalf("signing version 2: at %s", res.Request.URL.Path)
		}
		var sigs, entries int64
		s.DB.Model(&models.Signature{}).Where("signatory_id = ?", adaEntry.ID).Count(&sigs)
		s.DB.Model(&models.Signatory{}).Where("account_id = ?", adaAcc.ID).Count(&entries)
		if sigs != 2 || entries != 1 {
			t.Errorf("after signing version 2: %d signatures, %d entries; want 2 and 1", sigs, entries)
		}

		// Every change is in the audit log, which names no e-mail address.
		var log []models.AuditEntry
		s.DB.Order("id").Find(&log)
		seen := map[string]bool{}
		for _, e := range log {
			seen[e.Action] = true
			if strings.Contains(e.Actor+e.SubjectID+e.Detail, "@") {
				t.Errorf("audit entry %s holds an e-mail address: %+v", e.Action, e)
			}
		}
		for _, a := range []string{"account.create", "role.grant", "signatory.sign", "signatory.verify", "signatory.hide", "signatory.restore", "seed.appoint", "seed.remove",
			"account.block", "account.unblock", "declaration.publish"} {
			if !seen[a] {
				t.Errorf("no audit entry %s", a)
			}
		}
		if _, body := boss.get("/admin"); !strings.Contains(body, "organisation verified") {
			t.Error("the audit log is not shown to administrators")
		}
	})
}
