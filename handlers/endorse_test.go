package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

func TestEndorsing(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newDevSite(t, s, true)
		ada, adaEntry, bea, beaEntry := site.twoSignatories()
		adaPage := "/signatories/" + adaEntry.PublicID
		version := func() string { v, _, _ := s.Setting(t.Context(), "trust_version"); return v }
		before := version()

		res, _ := bea.form(adaPage, adaPage+"/endorse", url.Values{"level": {"advocate"}, "comment": {"Ada *opens* doors."}})
		if res.StatusCode != http.StatusOK || res.Request.URL.Query().Get("endorsed") != "1" {
			t.Fatalf("endorse: %d at %s", res.StatusCode, res.Request.URL)
		}
		var e models.Endorsement
		if err := s.DB.Take(&e).Error; err != nil || e.Status != "pending" || e.FromID != beaEntry.ID || e.ToID != adaEntry.ID {
			t.Fatalf("endorsement %+v, %v", e, err)
		}
		if version() == before {
			t.Error("an endorsement did not mark the graph changed")
		}
		// Ada is told on her next visit, and accepts: the comment shows on her profile.
		if _, body := ada.get("/"); !strings.Contains(body, "1 endorsement is waiting for your answer") {
			t.Error("no notice of the endorsement waiting")
		}
		res, _ = ada.form("/account", "/account/endorsements/"+beaEntry.PublicID+"/accept", nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("accept: %d", res.StatusCode)
		}
		s.DB.Take(&e, e.ID)
		if e.Status != "accepted" {
			t.Errorf("status %s after accepting", e.Status)
		}
		anon := &devUser{site: site, c: site.newClient()}
		if _, body := anon.get(adaPage); !strings.Contains(body, "Ada <em>opens</em> doors.") {
			t.Error("the accepted comment is not on the profile")
		}

		// Bad input: a clear 4xx, nothing stored.
		var n0 int64
		s.DB.Model(&models.Endorsement{}).Count(&n0)
		tok := site.csrf(bea.c, "/account")
		outsider := site.devUser("Not Signed", "outsider@example.org")
		otok := site.csrf(outsider.c, "/account")
		beaPage := "/signatories/" + beaEntry.PublicID
		cases := []struct {
			name   string
			u      *devUser
			path   string
			values url.Values
			status int
		}{
			{"oneself", bea, beaPage + "/endorse", url.Values{"_csrf": {tok}, "level": {"advocate"}}, http.StatusBadRequest},
			{"unknown id", bea, "/signatories/3b241101-e2bb-4255-8caf-4136c566a962/endorse", url.Values{"_csrf": {tok}, "level": {"advocate"}}, http.StatusNotFound},
			{"bad level", bea, adaPage + "/endorse", url.Values{"_csrf": {tok}, "level": {"hero"}}, http.StatusBadRequest},
			{"long comment", bea, adaPage + "/endorse", url.Values{"_csrf": {tok}, "level": {"advocate"}, "comment": {strings.Repeat("x", models.MaxComment+1)}}, http.StatusBadRequest},
			{"not a signatory", outsider, adaPage + "/endorse", url.Values{"_csrf": {otok}, "level": {"advocate"}}, http.StatusForbidden},
			{"forged form", bea, adaPage + "/endorse", url.Values{"_csrf": {"forged"}, "level": {"advocate"}}, http.StatusForbidden},
		}
		for _, c := range cases {
			res, _ := c.u.post(c.path, c.values)
			if res.StatusCode != c.status {
				t.Errorf("%s: %d, want %d", c.name, res.StatusCode, c.status)
			}
		}
		// A withdrawn signatory cannot be endorsed.
		ada.form("/account", "/account/withdraw", nil)
		if res, _ := bea.post(adaPage+"/endorse", url.Values{"_csrf": {tok}, "level": {"ambassador"}}); res.StatusCode != http.StatusGone {
			t.Errorf("endorsing a withdrawn signatory: %d, want 410", res.StatusCode)
		}
		var n1 int64
		s.DB.Model(&models.Endorsement{}).Count(&n1)
		s.DB.Take(&e, e.ID)
		if n1 != n0 || e.Level != "advocate" || e.Status != "accepted" {
			t.Errorf("refused endorsements changed something: %d → %d rows, %+v", n0, n1, e)
		}
		// Withdrawing an endorsement.
		bea.post(adaPage+"/endorse/withdraw", url.Values{"_csrf": {tok}}) // back to the profile, 410 by now
		s.DB.Take(&e, e.ID)
		if e.Status != "withdrawn" {
			t.Errorf("status %s after withdrawing", e.Status)
		}
	})
}

// twoSignatories logs in Ada and Bea through the development login and has both sign.
func (s *oidcSite) twoSignatories() (ada *devUser, adaEntry models.Signatory, bea *devUser, beaEntry models.Signatory) {
	s.t.Helper()
	ada = s.devUser("Ada Example", "ada@example.org")
	ada.form("/sign", "/sign", person(nil))
	bea = s.devUser("Bea Example", "bea@example.org")
	bea.form("/sign", "/sign", person(url.Values{"name": {"Bea Example"}}))
	s.store.DB.Where("name = ?", "Ada Example").Take(&adaEntry)
	s.store.DB.Where("name = ?", "Bea Example").Take(&beaEntry)
	return ada, adaEntry, bea, beaEntry
}
