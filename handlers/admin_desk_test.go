package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// An administrator finds an entry by name, e-mail or id, sees whether it is a founding
// Ambassador with only the action that applies, and rejects an organisation with a reason the
// organisation reads; the audit log names the entry and the administrator.
func TestAdministrationDesk(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := newSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"boss@example.org"}})
		boss := site.devUser("The Boss", "boss@example.org")
		org := site.devUser("Giulia Rossi", "giulia@example.org")
		org.form("/sign?kind=organisation", "/sign", person(url.Values{"name": {"Università Aperta"}, "representative": {"Giulia Rossi"}}))
		ada := site.devUser("Ada Example", "ada@example.org")
		ada.form("/sign", "/sign", person(nil))
		var orgEntry, adaEntry models.Signatory
		s.DB.Where("kind = 'organisation'").Take(&orgEntry)
		s.DB.Where("name = ?", "Ada Example").Take(&adaEntry)

		page := func(path string) *goquery.Document {
			t.Helper()
			res, body := boss.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", path, res.StatusCode)
			}
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			return doc
		}
		found := func(what string) string {
			t.Helper()
			return page("/admin?signatory=" + url.QueryEscape(what)).Find(".lookup-result h3").Text()
		}
		// By name (any part, any case), e-mail address, public id or profile address.
		for what, want := range map[string]string{
			"UNIVERSITÀ": "Università Aperta", "aperta": "Università Aperta", "giulia rossi": "Università Aperta",
			"Ada@Example.org": "Ada Example", adaEntry.PublicID: "Ada Example",
			"http://localhost:8080/signatories/" + adaEntry.PublicID: "Ada Example",
		} {
			if got := found(what); got != want {
				t.Errorf("looking for %q finds %q, want %q", what, got, want)
			}
		}
		if found("100%_") != "" || page("/admin?signatory=nobody").Find(".notice").Text() != "No entry matches." {
			t.Error("a search that matches nothing")
		}
		// Several matches: a list to choose from.
		if n := page("/admin?signatory=a").Find(".found li").Length(); n != 2 {
			t.Errorf("%d entries listed for \"a\", want 2", n)
		}
		// The lookup comes above the verification queue.
		doc := page("/admin?signatory=ada")
		if ids := doc.Find("section.card").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("id", "") }); len(ids) < 2 || ids[0] != "lookup" || ids[1] != "verify" {
			t.Errorf("sections in order %q, want the lookup first", ids)
		}

		// Founding Ambassador: only the action that applies.
		seedForms := func(doc *goquery.Document) (seed, unseed int) {
			return doc.Find(`form[action$="/seed"]`).Length(), doc.Find(`form[action$="/unseed"]`).Length()
		}
		if seed, unseed := seedForms(doc); seed != 1 || unseed != 0 || !strings.Contains(doc.Find(".facts").Text(), "Not a founding Ambassador") {
			t.Errorf("before appointing: %d appoint and %d remove forms", seed, unseed)
		}
		res, doc := boss.form("/admin?signatory="+adaEntry.PublicID, "/admin/signatories/"+adaEntry.PublicID+"/seed", nil)
		if res.StatusCode != http.StatusOK || res.Request.URL.Query().Get("signatory") != adaEntry.PublicID {
			t.Fatalf("appoint: %d at %s", res.StatusCode, res.Request.URL)
		}
		if seed, unseed := seedForms(doc); seed != 0 || unseed != 1 || !strings.Contains(doc.Find(".facts").Text(), "Founding Ambassador") {
			t.Errorf("after appointing: %d appoint and %d remove forms", seed, unseed)
		}
		// The organisation is not listed: it cannot be appointed, so it is not offered.
		if seed, unseed := seedForms(page("/admin?signatory=" + orgEntry.PublicID)); seed+unseed != 0 {
			t.Error("an unverified organisation is offered as a founding Ambassador")
		}

		// Rejecting needs a reason and the form's token; nothing is written without them.
		before := counts(t, s)
		res, _ = boss.form("/admin", "/admin/signatories/"+orgEntry.PublicID+"/reject", url.Values{"reason": {"  "}})
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("a rejection without a reason: %d, want 400", res.StatusCode)
		}
		if res, _ := boss.post("/admin/signatories/"+orgEntry.PublicID+"/reject", url.Values{"reason": {"spam"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a rejection without the form's token: %d, want 403", res.StatusCode)
		}
		if after := counts(t, s); after["audit_log"] != before["audit_log"] {
			t.Error("a refused rejection was audited")
		}
		reason := "The website does not say that Giulia Rossi speaks for the university."
		res, _ = boss.form("/admin", "/admin/signatories/"+orgEntry.PublicID+"/reject", url.Values{"reason": {reason}})
		if res.StatusCode != http.StatusOK || res.Request.URL.Query().Get("done") != "reject" {
			t.Fatalf("reject: %d at %s", res.StatusCode, res.Request.URL)
		}
		if strings.Contains(page("/admin").Find("#verify").Text(), "Università Aperta") {
			t.Error("the rejected organisation is still waiting for verification")
		}
		if _, body := org.get("/account"); !strings.Contains(body, "Giulia Rossi speaks for the university") {
			t.Error("the organisation does not read why it was rejected")
		}
		if _, body := ada.get("/signatories/" + orgEntry.PublicID); strings.Contains(body, reason) {
			t.Error("the reason is public")
		}
		// The audit log names the entry and the administrator, and keeps the reason.
		row := page("/admin").Find("#audit tbody tr").First()
		cells := row.Find("td").Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
		if len(cells) != 5 || cells[1] != "The Boss" || cells[2] != "organisation rejected" || cells[3] != "Università Aperta" || cells[4] != reason {
			t.Errorf("audit entry %q", cells)
		}
		// Corrected and saved, the entry goes back to the administrators.
		res, _ = org.form("/account", "/account/entry", person(url.Values{"name": {"Università Aperta"}, "representative": {"Giulia Rossi"},
			"website": {"https://uni-aperta.example.org"}}))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("saving the entry: %d", res.StatusCode)
		}
		if !strings.Contains(page("/admin").Find("#verify").Text(), "Università Aperta") {
			t.Error("the corrected organisation is not back in the verification queue")
		}
		if _, body := org.get("/account"); strings.Contains(body, "Giulia Rossi speaks for the university") {
			t.Error("the rejection is still shown after the correction")
		}
	})
}
