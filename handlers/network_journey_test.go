package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"
	"github.com/open-recognition/registry/testutil"
)

// Bea opens her network from her account in a browser: she is sent to log in and comes back,
// the page reads well on a phone and a wide screen (no sideways scroll, nothing axe-core calls
// serious), in English and French, and withdrawing an endorsement from it works.
func TestJourneyNetwork(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	s := testutil.SQLite(t)
	site, _, _ := networkSite(t, s)
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}

	site.oidc.QueueUser(&mockoidc.MockUser{Subject: "bea", Email: "bea@net.example", EmailVerified: true, PreferredUsername: "bea"})
	j.open("/account/network")
	if !strings.HasPrefix(j.path(), "/login?return_to=") {
		t.Fatalf("a visitor is at %s, want the login page", j.path())
	}
	j.clickUntil("log in as Bea", `form[action="/auth/test"] button[type=submit]`, "/account/network")
	j.expect("Endorsements you gave", "Kofi Lifted", "Whom your endorsements helped lift")

	j.overflows([]int64{360, 1280}, "/account/network", "/account/network?lang=fr", "/account")
	for _, page := range []string{"/account/network", "/account/network?lang=fr", "/account"} {
		j.open(page)
		if v := j.seriousAxeViolations(axe); len(v) > 0 {
			t.Errorf("axe on %s:\n%s", page, strings.Join(v, "\n"))
		}
	}

	j.open("/account/network")
	j.submit("/signatories/" + id("zed") + "/endorse/withdraw")
	j.open("/account/network")
	var given int
	j.run("count the endorsements given", chromedp.Evaluate(`document.querySelectorAll("ul.network-given > li").length`, &given))
	if given != 4 {
		t.Errorf("after withdrawing one, the page lists %d endorsements given, want 4", given)
	}
}
