package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

func TestEndorsing(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newDevSite(t, s, true)
		ada, adaEntry, bea, beaEntry := site.twoSignatories()
		adaPage := "/signatories/" + adaEntry.PublicID
		version := func() string { v, _ := s.GraphVersion(t.Context()); return v }
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

// Clicking "Endorse" twice, or two tabs sending the same endorsement at once, is one endorsement:
// every request answers as the first did (back to the profile), on both engines, and one row
// is stored per pair.
func TestConcurrentIdenticalEndorsements(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		var lines strings.Builder
		const endorsees, clicks = 6, 4
		for i := range endorsees {
			fmt.Fprintf(&lines, `{"type":"signatory","ref":"p%d","kind":"person","name":"Person %d","country":"IT","signed_at":"2024-05-01T10:00:00Z"}`+"\n", i, i)
		}
		load(t, s, lines.String())
		site := newDevSite(t, s, true)
		bea := site.devUser("Bea Example", "bea@example.org")
		bea.form("/sign", "/sign", person(url.Values{"name": {"Bea Example"}}))
		tok := site.csrf(bea.c, "/account")
		noFollow := &http.Client{Jar: bea.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for i := range endorsees {
			target := id(fmt.Sprintf("p%d", i))
			codes := make([]int, clicks)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for k := range clicks {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					res, err := noFollow.PostForm(site.srv.URL+"/signatories/"+target+"/endorse",
						url.Values{"_csrf": {tok}, "level": {"advocate"}, "comment": {"Twice as sure."}})
					if err != nil {
						t.Error(err)
						return
					}
					res.Body.Close()
					codes[k] = res.StatusCode
				}()
			}
			close(start)
			wg.Wait()
			for k, code := range codes {
				if code != http.StatusSeeOther {
					t.Errorf("endorsement %d, click %d: %d, want 303 like the others (%v)", i, k, code, codes)
				}
			}
		}
		var rows int64
		s.DB.Model(&models.Endorsement{}).Count(&rows)
		if rows != endorsees {
			t.Errorf("%d endorsement rows, want %d (one per pair)", rows, endorsees)
		}
		var pending int64
		s.DB.Model(&models.Endorsement{}).Where("status = 'pending' AND level = 'advocate' AND comment = 'Twice as sure.'").Count(&pending)
		if pending != endorsees {
			t.Errorf("%d endorsements as sent, want %d", pending, endorsees)
		}
		// Each endorsee is told once, however many requests carried the endorsement.
		var told int64
		s.DB.Model(&models.Notification{}).Where("kind = ?", models.KindEndorsementReceived).Count(&told)
		if told != endorsees {
			t.Errorf("%d endorsement notifications, want %d (one per endorsee)", told, endorsees)
		}
		// Once accepted, the same endorsement sent again leaves it accepted; a changed one waits
		// for the endorsee's answer again.
		first := id("p0")
		s.DB.Exec("UPDATE endorsements SET status = 'accepted'")
		status := func() string {
			var e models.Endorsement
			s.DB.Table("endorsements").Joins("JOIN signatories t ON t.id = endorsements.to_id").Where("t.public_id = ?", first).Select("endorsements.*").Take(&e)
			return e.Status
		}
		send := func(comment string) {
			res, err := noFollow.PostForm(site.srv.URL+"/signatories/"+first+"/endorse", url.Values{"_csrf": {tok}, "level": {"advocate"}, "comment": {comment}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("sending %q: %d", comment, res.StatusCode)
			}
		}
		if send("Twice as sure."); status() != "accepted" {
			t.Errorf("the same endorsement sent again made it %s", status())
		}
		if send("Changed my words."); status() != "pending" {
			t.Errorf("a changed endorsement is %s, want pending", status())
		}
	})
}

// Answering an endorsement twice (a second click, or a retry after the connection dropped before
// the first answer arrived) lands where the first answer did, with nothing written again: the
// answer stands. Before, the second answer found nothing waiting and said 404, and a browser or a
// client retrying after a lost answer could never get past it. A different answer still goes
// through the rules: declining an accepted endorsement is allowed, accepting a declined one is not.
func TestAnsweringTwiceLandsWhereTheFirstDid(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newDevSite(t, s, true)
		ada, adaEntry, bea, beaEntry := site.twoSignatories()
		adaPage := "/signatories/" + adaEntry.PublicID
		if res, _ := bea.form(adaPage, adaPage+"/endorse", url.Values{"level": {"advocate"}}); res.StatusCode != http.StatusOK {
			t.Fatalf("endorse: %d", res.StatusCode)
		}
		tok := site.csrf(ada.c, "/account")
		answer := func(verdict string) int {
			t.Helper()
			// The client follows the answer's redirect to /account.
			res, _ := ada.post("/account/endorsements/"+beaEntry.PublicID+"/"+verdict, url.Values{"_csrf": {tok}})
			if res.StatusCode == http.StatusOK && res.Request.URL.Path != "/account" {
				t.Errorf("%s: sent to %s", verdict, res.Request.URL)
			}
			return res.StatusCode
		}
		audits := func() int64 { return testutil.Count(t, s, "audit_log") }
		status := func() string {
			var e models.Endorsement
			s.DB.Where("from_id = ? AND to_id = ?", beaEntry.ID, adaEntry.ID).Take(&e)
			return e.Status
		}
		for _, verdict := range []string{"accept", "decline"} {
			if code := answer(verdict); code != http.StatusOK {
				t.Fatalf("%s: %d, want /account", verdict, code)
			}
			logged, graph := audits(), version(t, s)
			if code := answer(verdict); code != http.StatusOK {
				t.Errorf("%s again: %d, want /account as the first", verdict, code)
			}
			if audits() != logged || version(t, s) != graph {
				t.Errorf("%s again wrote something: audit entries %d → %d, graph %s → %s", verdict, logged, audits(), graph, version(t, s))
			}
		}
		if code := answer("accept"); code != http.StatusNotFound || status() != "declined" {
			t.Errorf("accepting a declined endorsement: %d, status %s; want 404, declined", code, status())
		}
	})
}

func version(t *testing.T, s *models.Store) string {
	t.Helper()
	v, err := s.GraphVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return v
}
