package handlers_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// An administrator finds an organisation by name, rejects it with a reason, and reads the audit
// log, whose words stay whole on a phone and on a desktop.
func TestJourneyAdminDesk(t *testing.T) {
	ctx := browser(t)
	s := testutil.SQLite(t)
	site := newSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"admin@registry.example"}})
	org := site.devUser("Giulia Rossi", "giulia@uni.example")
	org.form("/sign?kind=organisation", "/sign", person(url.Values{"name": {"Università Browser"}, "representative": {"Giulia Rossi"}}))
	var entry models.Signatory
	s.DB.Where("kind = 'organisation'").Take(&entry)
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}

	j.login("Registry Admin", "admin@registry.example")
	j.open("/admin")
	j.run("look for the organisation", chromedp.SetValue("#lookup-id", "browser", chromedp.ByID))
	j.clickAndWait("find", `#lookup form button[type=submit]`)
	j.expect("Università Browser", "Not a founding Ambassador")
	j.run("give a reason", chromedp.SetValue("#reject-reason", "Nobody at the university answers.", chromedp.ByID))
	j.submit("/admin/signatories/" + entry.PublicID + "/reject")
	j.expect("The organisation’s signature is rejected")

	for _, width := range []int64{390, 1280} {
		j.run("resize", chromedp.EmulateViewport(width, 900))
		j.open("/admin")
		var styles []string
		j.run("read the audit log's styles", chromedp.Evaluate(`[...document.querySelectorAll("#audit tbody td")].map(td => {
			const s = getComputedStyle(td); return s.wordBreak + " " + s.overflowWrap; })`, &styles))
		if len(styles) == 0 {
			t.Fatal("the audit log is empty")
		}
		for _, st := range styles {
			if st != "normal normal" {
				t.Errorf("at %d px an audit cell breaks words (%s)", width, st)
				break
			}
		}
		var first string
		j.run("read the newest entry", chromedp.Text("#audit tbody tr", &first, chromedp.ByQuery))
		if !strings.Contains(first, "Registry Admin") || !strings.Contains(first, "Università Browser") || !strings.Contains(first, "Nobody at the university answers.") {
			t.Errorf("the newest audit entry reads %q", first)
		}
	}
}
