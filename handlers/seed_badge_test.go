package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// A founding Ambassador appointed by an administrator is an Ambassador at once and gets the
// Ambassador badge without waiting for a tier computation; computing the tiers afterwards issues
// nothing twice, and removing the appointment takes the badge back. Meanwhile the profile says a
// badge is on its way.
func TestAppointedFoundingAmbassadorHoldsTheBadge(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site, w := badgeSite(t, s)
		boss := site.devUser("The Boss", "boss@example.org")
		ada := site.devUser("Ada Example", "ada@example.org")
		ada.form("/sign", "/sign", person(url.Values{"name": {"Ada Example"}}))
		var sg models.Signatory
		if err := s.DB.Where("name = ?", "Ada Example").Take(&sg).Error; err != nil {
			t.Fatal(err)
		}
		profile := "/signatories/" + sg.PublicID
		issuing := func(badge string) bool {
			t.Helper()
			res, body := getWith(t, site.srv.URL+profile, "text/html")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("profile: %d", res.StatusCode)
			}
			return strings.Contains(body, "The "+badge+" badge is being issued")
		}
		if !issuing("Signatory") {
			t.Error("before the worker ran, the profile does not say the Signatory badge is being issued")
		}
		if _, body := getWith(t, site.srv.URL+profile+"?lang=fr", "text/html"); !strings.Contains(body, "Le badge Signataire est en cours d’émission") {
			t.Error("the French profile does not say the Signatory badge is being issued")
		}
		drain(t, w)
		if issuing("Signatory") {
			t.Error("the profile still says the Signatory badge is being issued once it is stored")
		}

		if res, _ := boss.post("/admin/signatories/"+sg.PublicID+"/seed", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}}); res.StatusCode != http.StatusOK {
			t.Fatalf("appoint: %d", res.StatusCode)
		}
		if !issuing("Ambassador") {
			t.Error("after the appointment, the profile does not say the Ambassador badge is being issued")
		}
		drain(t, w)
		if got := liveBadges(t, s, sg.ID); got["ambassador"] != 1 || got["signatory"] != 1 || len(got) != 2 {
			t.Fatalf("after the appointment, before any tier computation, Ada holds %v; want one Signatory and one Ambassador badge", got)
		}
		if _, body := getWith(t, site.srv.URL+profile, "text/html"); !strings.Contains(body, "/achievements/ambassador.svg") {
			t.Error("the profile does not show the Ambassador badge")
		}
		recompute(t, s)
		drain(t, w)
		if got := liveBadges(t, s, sg.ID); got["ambassador"] != 1 || len(got) != 2 {
			t.Errorf("after a tier computation Ada holds %v", got)
		}

		boss.post("/admin/signatories/"+sg.PublicID+"/unseed", url.Values{"_csrf": {site.csrf(boss.c, "/admin")}})
		recompute(t, s)
		drain(t, w)
		if got := liveBadges(t, s, sg.ID); got["ambassador"] != 0 || got["signatory"] != 1 {
			t.Errorf("after the appointment was removed Ada holds %v", got)
		}
	})
}
