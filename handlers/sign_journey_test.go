package handlers_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// The signing form starts from who is logged in: a person's name is theirs; for an organisation,
// the login names its representative ("Your name"), and the organisation's name starts empty.
func TestSigningFormNamesTheLoggedInPerson(t *testing.T) {
	s := testutil.SQLite(t)
	site := newDevSite(t, s, true)
	u := site.devUser("Giulia Rossi", "giulia@uni.example")
	for _, tc := range []struct{ page, name, representative string }{
		{"/sign", "Giulia Rossi", ""},
		{"/sign?kind=person", "Giulia Rossi", ""},
		{"/sign?kind=organisation", "", "Giulia Rossi"},
	} {
		_, body := u.get(tc.page)
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		if got := doc.Find("#e-name").AttrOr("value", ""); got != tc.name {
			t.Errorf("%s: the name field holds %q, want %q", tc.page, got, tc.name)
		}
		if got := doc.Find("#e-representative").AttrOr("value", ""); got != tc.representative {
			t.Errorf("%s: the representative field holds %q, want %q", tc.page, got, tc.representative)
		}
	}
}

// What a person types on /sign survives a change of language and of kind (person or
// organisation), back and forth, with JavaScript (the header's language links) and without it
// (the form's own buttons); the signature then records what was typed, in the language chosen.
func TestJourneySigningFormKeepsWhatWasTyped(t *testing.T) {
	for _, withJS := range []bool{true, false} {
		name := map[bool]string{true: "with JavaScript", false: "without JavaScript"}[withJS]
		t.Run(name, func(t *testing.T) {
			ctx := browser(t)
			s := testutil.SQLite(t)
			site := newSite(t, s, handlers.Config{DevLogin: true})
			j := &journey{t: t, ctx: ctx, base: site.srv.URL}
			j.login("Ada Browser", "ada@browser.example")
			if !withJS {
				j.run("turn JavaScript off", emulation.SetScriptExecutionDisabled(true))
			}
			switchLang := func(code string) {
				if withJS {
					j.clickAndWait("the header's language link", `.lang-switch a[hreflang="`+code+`"]`)
				} else {
					j.clickAndWait("the form's language button", `button[name="switch"][value="lang"][lang="`+code+`"]`)
				}
			}
			switchKind := func(kind string) {
				j.clickAndWait("sign as "+kind, `button[name="switch"][value="`+kind+`"]`)
			}

			j.open("/sign")
			j.expectValues("the person form", map[string]string{"#e-name": "Ada Browser"})
			typed := map[string]string{"#e-country": "IT", "#e-city": "Bologna", "#e-affiliation": "Open Lab",
				"#e-website": "https://ada.example.net", "#e-statement": "Recognition is for **everyone**.", "#vis-city": "members", "#vis-name": "members"}
			j.fill(typed)

			switchKind(models.KindOrganisation)
			// The person's name becomes the representative's; the organisation's name is to type.
			org := map[string]string{"#e-name": "", "#e-representative": "Ada Browser", "#vis-representative": "members"}
			j.expectValues("the organisation form", merge(typed, org, map[string]string{"#vis-name": "public"}))
			orgTyped := map[string]string{"#e-name": "Università Aperta", "#e-role": "Rettrice", "#vis-name": "public"}
			j.fill(orgTyped)

			switchLang("fr")
			j.expect("Signer la Déclaration")
			all := merge(typed, org, orgTyped)
			j.expectValues("the organisation form in French", all)
			if withJS {
				j.noSeriousAxeViolation()
			}

			switchKind(models.KindPerson)
			j.expectValues("the person form again", merge(typed, map[string]string{"#e-name": "Ada Browser", "#vis-name": "members"}))
			if j.count("#e-representative, #e-role") != 0 {
				t.Fatal("the person form shows the organisation's fields")
			}
			switchLang("en")
			j.expect("Sign the Declaration")
			switchKind(models.KindOrganisation)
			j.expectValues("the organisation form, back", all)
			switchLang("fr")

			j.sign(nil)
			if p := j.path(); p != "/sign/thanks" {
				t.Fatalf("after signing at %s, want /sign/thanks:\n%s", p, j.text())
			}
			var sg models.Signatory
			if err := s.DB.Take(&sg).Error; err != nil {
				t.Fatal(err)
			}
			if sg.Kind != models.KindOrganisation || sg.Name != "Università Aperta" || sg.Representative != "Ada Browser" || sg.Role != "Rettrice" ||
				sg.City != "Bologna" || sg.Affiliation != "Open Lab" || sg.Statement != "Recognition is for **everyone**." ||
				sg.Visibility.Get("city") != models.Members || sg.Visibility.Get("representative") != models.Members || sg.Visibility.Get("name") != models.Public {
				t.Errorf("the entry signed is not what was typed: %+v", sg)
			}
			var sig models.Signature
			if err := s.DB.Take(&sig).Error; err != nil || sig.Lang != "fr" {
				t.Errorf("the signature records language %q, want fr (%v)", sig.Lang, err)
			}
		})
	}
}

// fill sets form fields, by selector.
func (j *journey) fill(fields map[string]string) {
	j.t.Helper()
	for sel, v := range fields {
		j.run("fill "+sel, chromedp.SetValue(sel, v, chromedp.ByQuery))
	}
}

// expectValues checks what form fields hold, by selector.
func (j *journey) expectValues(what string, want map[string]string) {
	j.t.Helper()
	for sel, w := range want {
		var got string
		j.run(what+": read "+sel, chromedp.Value(sel, &got, chromedp.ByQuery))
		if got != w {
			j.t.Errorf("%s at %s: %s holds %q, want %q", what, j.path(), sel, got, w)
		}
	}
	if j.t.Failed() {
		j.t.FailNow()
	}
}

// noSeriousAxeViolation runs axe-core on the page, as the DevTools console would (the page's
// CSP allows no inline script), and fails on any serious or critical violation.
func (j *journey) noSeriousAxeViolation() {
	j.t.Helper()
	for _, v := range j.seriousAxeViolations(axeScript(j.t)) {
		j.t.Errorf("%s: %s", j.path(), v)
	}
}

// count counts the elements a selector finds on the page.
func (j *journey) count(selector string) int {
	j.t.Helper()
	var nodes []string
	j.run("count "+selector, chromedp.EvaluateAsDevTools(`Array.from(document.querySelectorAll(`+jsQuote(selector)+`), e => e.id)`, &nodes))
	return len(nodes)
}

func merge(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
