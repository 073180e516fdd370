package handlers_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// phoneFixture gives every page something long to hold: a long organisation name with a long
// web address, endorsements with comments, a founding Ambassador, an organisation waiting for
// verification.
const phoneFixture = `{"type":"signatory","ref":"p1","kind":"person","name":"Maria Giovanna Bianchi-Esposito","email":"maria@example.org","country":"IT","city":"Bologna","affiliation":"Centro Interdipartimentale di Ricerca sull'Apprendimento Permanente","website":"https://www.apprendimento-permanente-bologna.example.org/persone/maria-giovanna","statement":"I sign because **recognition** belongs to everyone who learns.","signed_at":"2025-01-02T10:00:00Z"}
{"type":"signatory","ref":"p2","kind":"person","name":"Jean-Baptiste Lefèvre-Delacroix","email":"jb@example.org","country":"FR","city":"Saint-Rémy-de-Provence","signed_at":"2025-01-03T10:00:00Z"}
{"type":"signatory","ref":"o1","kind":"organisation","name":"Alma Mater Studiorum Università di Bologna, Centro per l'Innovazione Didattica","representative":"Giulia Rossi","role":"Direttrice","email":"giulia@unibo.example","country":"IT","city":"Bologna","website":"https://www.innovazione-didattica-universita-bologna.example.org/","signed_at":"2025-01-04T10:00:00Z"}
{"type":"signatory","ref":"o2","kind":"organisation","name":"Fondation pour la Reconnaissance Ouverte des Apprentissages Informels","representative":"Claire Dubois","role":"Présidente","email":"claire@fondation.example","country":"FR","website":"https://www.reconnaissance-ouverte-apprentissages-informels.example.org/","verified":false,"signed_at":"2025-01-05T10:00:00Z"}
{"type":"seed","ref":"p1"}
{"type":"endorsement","from":"p1","to":"p2","level":"advocate","status":"accepted","comment":"Jean-Baptiste *opens* doors for learners in the whole of Provence.","created_at":"2025-02-01T12:00:00Z"}
{"type":"endorsement","from":"p1","to":"o1","level":"ambassador","status":"accepted","created_at":"2025-02-02T12:00:00Z"}
{"type":"endorsement","from":"p2","to":"o1","level":"advocate","status":"accepted","created_at":"2025-02-03T12:00:00Z"}
`

// phoneSite serves the registry as the server builds it: issuer keys, a credential worker the
// test drives, the trust pages, the development login and one administrator.
func phoneSite(t *testing.T) (*oidcSite, *issuer.Worker, *computedTiers) {
	t.Helper()
	s := testutil.SQLite(t)
	load(t, s, phoneFixture)
	x := &computedTiers{}
	x.compute(t, s)
	var w *issuer.Worker
	site := newOIDCSiteWith(t, s, nil, func(base string, d *handlers.Deps) {
		keys, err := issuer.OpenKeys(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		if w, err = issuer.NewWorker(s, keys, base, discardLogger()); err != nil {
			t.Fatal(err)
		}
		d.Keys, d.Explainer = keys, x
		d.Config.DevLogin, d.Config.Admins = true, []string{"admin@registry.example"}
	})
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	return site, w, x
}

// phoneWidths are the narrowest common phones, a common one and a large one.
var phoneWidths = []int64{360, 390, 414}

// sideways names what sticks out of the viewport when the document is wider than the window:
// each element wider than its parent's right edge allows, outermost first.
const sideways = `(() => {
	const w = window.innerWidth, sw = document.documentElement.scrollWidth;
	if (sw <= w) return "";
	const out = [];
	for (const el of document.body.querySelectorAll("*")) {
		const r = el.getBoundingClientRect();
		if (r.width === 0 || r.right <= w + 0.5) continue;
		const p = el.parentElement.getBoundingClientRect();
		if (p.right > w + 0.5 && el.parentElement !== document.body) continue;
		let name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
		out.push(name + " (right edge " + Math.round(r.right) + ")");
		if (out.length === 6) break;
	}
	return "document " + sw + " px wide in a " + w + " px window: " + out.join(", ");
})()`

// squeezed names the form controls of the page too narrow to show what they hold (a select
// cut down to its first letters): the chosen option's text, or the placeholder, must fit.
const squeezed = `(() => {
	const ctx = document.createElement("canvas").getContext("2d");
	const out = [];
	for (const el of document.querySelectorAll("main select, main input:not([type=hidden]):not([type=checkbox]):not([type=radio])")) {
		const r = el.getBoundingClientRect();
		if (r.width === 0) continue;
		const cs = getComputedStyle(el);
		ctx.font = cs.fontStyle + " " + cs.fontWeight + " " + cs.fontSize + " " + cs.fontFamily;
		const text = el.tagName === "SELECT" ? (el.selectedOptions[0] || {text: ""}).text : (el.value || el.placeholder || "");
		// A select keeps about 20px for its arrow.
		const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - (el.tagName === "SELECT" ? 20 : 0);
		const need = Math.min(ctx.measureText(text).width, 160);
		if (need > room) out.push((el.id || el.name) + " (" + Math.round(room) + " px for " + JSON.stringify(text) + ")");
	}
	return out.join(", ");
})()`

// overflows opens each page at each width and reports every page that scrolls sideways.
func (j *journey) overflows(widths []int64, pages ...string) {
	j.t.Helper()
	for _, w := range widths {
		j.run(fmt.Sprintf("%d px window", w), chromedp.EmulateViewport(w, 800))
		for _, p := range pages {
			j.open(p)
			var what string
			j.run("measure "+p, chromedp.Evaluate(sideways, &what))
			if what != "" {
				j.t.Errorf("%s at %d px scrolls sideways: %s", p, w, what)
			}
			j.run("measure the fields of "+p, chromedp.Evaluate(squeezed, &what))
			if what != "" {
				j.t.Errorf("%s at %d px squeezes its fields: %s", p, w, what)
			}
		}
	}
}

// headerRows counts the rows the header's brand and navigation take: items whose boxes do not
// overlap vertically are on different rows.
const headerRows = `(() => {
	const items = Array.from(document.querySelectorAll(".site-header .brand, .site-header a, .site-header button, .site-header summary"))
		.map(el => el.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
	const rows = [];
	for (const r of items) {
		const row = rows.find(x => r.top < x.bottom && r.bottom > x.top);
		if (row) { row.top = Math.min(row.top, r.top); row.bottom = Math.max(row.bottom, r.bottom); } else rows.push({top: r.top, bottom: r.bottom});
	}
	return rows.length;
})()`

// On phones nothing scrolls sideways, on any page a person can reach, in English and French;
// on a wide screen the header stays one row for an administrator, in either language.
func TestJourneyPhones(t *testing.T) {
	ctx := browser(t)
	site, w, x := phoneSite(t)
	s := site.store
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	bg := context.Background()

	var ada models.Signatory
	s.DB.Where("email = ?", "maria@example.org").Take(&ada)
	var org models.Signatory
	s.DB.Where("email = ?", "giulia@unibo.example").Take(&org)
	var pending models.Signatory
	s.DB.Where("email = ?", "claire@fondation.example").Take(&pending)
	var cred models.Credential
	if err := s.DB.Where("signatory_id = ? AND kind = ?", ada.ID, "signatory").Take(&cred).Error; err != nil {
		t.Fatalf("the fixture's Signatory badge was not issued: %v", err)
	}
	public := []string{"/", "/declaration", "/signatories", "/signatories?q=bologna", "/signatories?country=IT&kind=organisation",
		"/signatories/" + ada.PublicID, "/signatories/" + org.PublicID, "/signatories/" + org.PublicID + "/trust",
		"/signatories/" + ada.PublicID + "/trust", "/map", "/map?country=IT", "/credentials/" + cred.ID,
		"/achievements/signatory/criteria", "/login", "/no-such-page", "/signatories/00000000-0000-0000-0000-000000000000"}
	j.overflows(phoneWidths, public...)
	j.overflows([]int64{360}, "/?lang=fr", "/signatories?lang=fr", "/map?lang=fr", "/signatories/"+ada.PublicID+"?lang=fr", "/login?lang=fr")

	// An administrator signs on a phone, then finds the badge on the thanks page, the account and
	// the profile, and runs the registry.
	j.run("phone", chromedp.EmulateViewport(390, 800))
	j.open("/?lang=en")
	j.login("Registry Administrator", "admin@registry.example")
	j.overflows(phoneWidths, "/sign", "/sign?kind=organisation")
	j.open("/sign")
	j.sign(map[string]string{"#e-country": "IT", "#e-city": "Bologna"})
	if n, err := w.Drain(bg); err != nil || n == 0 {
		t.Fatalf("issuing the new signatory's badge: %d, %v", n, err)
	}
	x.compute(t, s)
	var mine models.Signatory
	s.DB.Where("email = ?", "admin@registry.example").Take(&mine)
	j.overflows(phoneWidths, "/sign/thanks", "/account", "/signatories/"+mine.PublicID, "/signatories/"+mine.PublicID+"/trust",
		"/admin", "/admin?signatory="+pending.PublicID, "/admin?signatory="+ada.PublicID)
	j.overflows([]int64{360}, "/admin?lang=fr", "/account?lang=fr", "/sign/thanks?lang=fr")

	// The header on a wide screen: one row, for the administrator, in each language.
	j.run("wide window", chromedp.EmulateViewport(1280, 900))
	for _, lang := range []string{"en", "fr"} {
		for _, p := range []string{"/admin", "/signatories/" + ada.PublicID} {
			j.open(p + "?lang=" + lang)
			var rows int
			j.run("count the header's rows", chromedp.Evaluate(headerRows, &rows))
			if rows != 1 {
				t.Errorf("at 1280 px in %s the header of %s takes %d rows, want 1", lang, p, rows)
			}
		}
	}
}

// On a phone the navigation is a compact menu that opens from the keyboard, without any script.
func TestJourneyPhoneMenu(t *testing.T) {
	ctx := browser(t)
	site, _, _ := phoneSite(t)
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}

	j.run("phone", chromedp.EmulateViewport(360, 800))
	j.open("/declaration")
	var scripts int
	var seen struct{ Links, Menu int }
	countVisible := `(() => {
		// checkVisibility also sees the contents of a closed <details>, which keep their boxes.
		const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && el.checkVisibility({visibilityProperty: true}); };
		return {Links: Array.from(document.querySelectorAll('header a[href="/signatories"], header a[href="/map"]')).filter(visible).length,
			Menu: Array.from(document.querySelectorAll("header summary")).filter(visible).length};
	})()`
	j.run("look at the header", chromedp.Evaluate(`document.scripts.length`, &scripts), chromedp.Evaluate(countVisible, &seen))
	if scripts != 0 {
		t.Fatalf("the declaration page runs %d scripts; the menu must work without", scripts)
	}
	if seen.Menu != 1 || seen.Links != 0 {
		t.Fatalf("on a phone the header shows %d menu buttons and %d navigation links, want one closed menu", seen.Menu, seen.Links)
	}
	// Tab from the top of the page reaches the menu, Enter opens it, Tab reaches its links.
	var focused string
	for i := 0; i < 6 && focused != "SUMMARY"; i++ {
		j.run("tab", chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`document.activeElement.tagName`, &focused))
	}
	if focused != "SUMMARY" {
		t.Fatal("the menu cannot be reached with the Tab key")
	}
	j.run("open the menu", chromedp.KeyEvent(kb.Enter), chromedp.Evaluate(countVisible, &seen))
	if seen.Links != 2 {
		t.Fatalf("after Enter on the menu %d of its links show, want 2", seen.Links)
	}
	j.run("tab into the menu", chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`document.activeElement.getAttribute("href") || ""`, &focused))
	if focused != "/declaration" {
		t.Errorf("Tab after opening the menu reaches %q, want its first link", focused)
	}
	var ignored any
	j.run("follow the link", chromedp.Evaluate(`window.__leaving = true`, &ignored), chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(input.ModifierNone)))
	j.awaitNextPage("follow the menu's first link")
	if p := j.path(); !strings.HasPrefix(p, "/declaration") {
		t.Errorf("the menu's first link led to %s", p)
	}

	// A wide window shows the whole navigation and no menu button.
	j.run("wide", chromedp.EmulateViewport(1280, 900))
	j.open("/declaration")
	j.run("look at the header", chromedp.Evaluate(countVisible, &seen))
	if seen.Menu != 0 || seen.Links != 2 {
		t.Errorf("on a wide screen the header shows %d menu buttons and %d navigation links, want the links alone", seen.Menu, seen.Links)
	}
}

// On a phone the signing page is readable: one title, the declaration in the page rather than in
// a box that scrolls inside it, and fields in error marked in red, text boxes included.
func TestJourneySignOnAPhone(t *testing.T) {
	ctx := browser(t)
	site := newSite(t, testutil.SQLite(t), handlers.Config{DevLogin: true})
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	j.run("phone", chromedp.EmulateViewport(360, 800))
	j.login("Ada Phone", "ada@phone.example")
	j.open("/sign")
	var text struct {
		H1           int
		Clipped      bool
		FontSize     float64
		Title, Under string
	}
	j.run("read the declaration", chromedp.Evaluate(`(() => {
		const box = document.querySelector(".declaration-text");
		return {H1: document.querySelectorAll("h1").length, Clipped: box.scrollHeight > box.clientHeight + 1,
			FontSize: parseFloat(getComputedStyle(box.querySelector("p")).fontSize),
			Title: document.querySelector("h1").textContent.trim(), Under: box.querySelector("h2, h3").textContent.trim()};
	})()`, &text))
	if text.H1 != 1 {
		t.Errorf("the signing page has %d h1, want 1", text.H1)
	}
	if text.Clipped {
		t.Error("on a phone the declaration scrolls inside a box of its own")
	}
	if text.FontSize < 16 {
		t.Errorf("on a phone the declaration is set in %g px type, want at least 16", text.FontSize)
	}
	if text.Under != "The Bologna Open Recognition Declaration" {
		t.Errorf("the declaration's first heading is %q", text.Under)
	}

	var ignored any
	j.run("fill the form wrongly", chromedp.Evaluate(`document.querySelector("#e-name").value = ""`, &ignored),
		chromedp.SetValue("#e-website", "not a web address", chromedp.ByID))
	j.sign(nil)
	const red = "rgb(179, 38, 30)"
	for _, field := range []string{"#e-name", "#e-website"} {
		var colour, invalid string
		j.run("read "+field, chromedp.Evaluate(`getComputedStyle(document.querySelector("`+field+`")).borderTopColor`, &colour),
			chromedp.Evaluate(`document.querySelector("`+field+`").closest(".field").className`, &invalid))
		if !strings.Contains(invalid, "invalid") {
			t.Fatalf("%s is not marked invalid after a bad submission (%q)", field, invalid)
		}
		if colour != red {
			t.Errorf("the invalid field %s has a %s border, want red %s", field, colour, red)
		}
	}
}

// The badge cards on a phone: no list bullets outside them, links that do not break over two
// lines, and a copy button that copies where a script runs and is absent where none does.
func TestJourneyBadgeCards(t *testing.T) {
	ctx := browser(t)
	site, w, _ := phoneSite(t)
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	j.run("phone", chromedp.EmulateViewport(360, 800))
	j.login("Ada Cards", "ada@cards.example")
	j.open("/sign")
	j.sign(map[string]string{"#e-country": "IT", "#e-city": "Bologna"})
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var mine models.Signatory
	site.store.DB.Where("email = ?", "ada@cards.example").Take(&mine)
	var cred models.Credential
	site.store.DB.Where("signatory_id = ? AND kind = ?", mine.ID, "signatory").Take(&cred)
	if err := chromedp.Run(ctx, browserGrantClipboard(site.srv.URL)); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fr"} {
		for _, p := range []string{"/sign/thanks", "/account", "/signatories/" + mine.PublicID} {
			j.open(p + "?lang=" + lang)
			var seen struct {
				Cards, Bullets int
				Wrapped        []string
				CopyShown      bool
			}
			j.run("look at the cards", chromedp.Evaluate(`(() => {
				const cards = document.querySelectorAll(".badge-card");
				const lists = new Set(Array.from(cards).map(c => c.closest("ul, ol")));
				let bullets = 0;
				for (const l of lists) if (l && getComputedStyle(l).listStyleType !== "none") bullets++;
				for (const c of cards) if (getComputedStyle(c).display === "list-item") bullets++;
				const wrapped = [];
				for (const a of document.querySelectorAll(".badge-card a, .badge-card button")) if (a.getClientRects().length > 1 || a.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(a).lineHeight || 20) + 30) wrapped.push(a.textContent.trim());
				const b = document.querySelector(".badge-card button.copy-link");
				return {Cards: cards.length, Bullets: bullets, Wrapped: wrapped, CopyShown: !!b && b.getBoundingClientRect().width > 0};
			})()`, &seen))
			if seen.Cards != 1 {
				t.Fatalf("%s in %s shows %d badge cards, want 1", p, lang, seen.Cards)
			}
			if seen.Bullets != 0 || len(seen.Wrapped) != 0 || !seen.CopyShown {
				t.Errorf("%s in %s at 360 px: %d badge cards, %d lists with bullets, links broken over lines %q, copy button shown %v",
					p, lang, seen.Cards, seen.Bullets, seen.Wrapped, seen.CopyShown)
			}
		}
	}
	// Copy the link.
	j.open("/signatories/" + mine.PublicID + "?lang=en")
	var status, copied string
	j.run("copy the link", chromedp.Click(".badge-card button.copy-link", chromedp.ByQuery),
		chromedp.Poll(`document.querySelector(".badge-card .copy-status").textContent`, &status, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Evaluate(`navigator.clipboard.readText()`, &copied, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if status != "Link copied." || copied != site.srv.URL+"/credentials/"+cred.ID {
		t.Errorf("after Copy link the page says %q and the clipboard holds %q", status, copied)
	}
	// Without scripts the button stays hidden and the link is there to select.
	j.run("no scripts", emulation.SetScriptExecutionDisabled(true))
	j.open("/signatories/" + mine.PublicID)
	var noScript struct {
		CopyShown bool
		Link      string
	}
	j.run("look without scripts", chromedp.Evaluate(`(() => {
		const b = document.querySelector(".badge-card button.copy-link");
		return {CopyShown: !!b && b.getBoundingClientRect().width > 0, Link: document.querySelector(".badge-card input.share").value};
	})()`, &noScript))
	if noScript.CopyShown || noScript.Link != site.srv.URL+"/credentials/"+cred.ID {
		t.Errorf("without scripts the copy button shows (%v) or the link is missing (%q)", noScript.CopyShown, noScript.Link)
	}
}

// browserGrantClipboard lets the pages of origin write to and read the clipboard, as a person
// allows it once.
func browserGrantClipboard(origin string) chromedp.Action {
	return cdpbrowser.GrantPermissions([]cdpbrowser.PermissionType{cdpbrowser.PermissionTypeClipboardReadWrite, cdpbrowser.PermissionTypeClipboardSanitizedWrite}).WithOrigin(origin)
}

// seriousAxeViolations runs axe-core on the page open in j and names every serious or critical
// violation.
func (j *journey) seriousAxeViolations(axe string) []string {
	j.t.Helper()
	res := j.axe(axe)
	var out []string
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			out = append(out, fmt.Sprintf("%s [%s] %s, first at %.200s", v.ID, v.Impact, v.Help, v.Nodes[0].HTML))
		}
	}
	return out
}

// The phone menu, the badge cards and the error pages pass axe-core's automatic checks, on a
// phone with the menu closed and open, and on a wide screen.
func TestAccessibilityPhoneMenuAndBadgeCards(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	site, w, _ := phoneSite(t)
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	j.login("Registry Administrator", "admin@registry.example")
	j.open("/sign")
	j.sign(map[string]string{"#e-country": "IT", "#e-city": "Bologna"})
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var mine models.Signatory
	site.store.DB.Where("email = ?", "admin@registry.example").Take(&mine)
	pages := []string{"/sign/thanks", "/account", "/signatories/" + mine.PublicID, "/signatories/" + mine.PublicID + "/trust", "/admin", "/no-such-page"}
	for _, width := range []int64{390, 1280} {
		j.run("window", chromedp.EmulateViewport(width, 900))
		for _, p := range pages {
			for _, lang := range []string{"en", "fr"} {
				j.open(p + "?lang=" + lang)
				for _, v := range j.seriousAxeViolations(axe) {
					t.Errorf("%s in %s at %d px: %s", p, lang, width, v)
				}
			}
		}
	}
	j.run("phone", chromedp.EmulateViewport(390, 900))
	j.open("/signatories/" + mine.PublicID)
	var ignored any
	j.run("open the menu", chromedp.Evaluate(`document.querySelector("details.nav-menu").open = true`, &ignored))
	for _, v := range j.seriousAxeViolations(axe) {
		t.Errorf("with the phone menu open: %s", v)
	}
}
