package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// neighbourhoodFixture: Ada, a founding Ambassador, endorses Bea, who endorses her back (the two
// endorse each other); Ada endorses Hana, whose name only members see, and Cy, whom Bea endorses
// too; Pia's endorsement
// of Ada waits for Ada's answer; Lou has no endorsement at all.
const neighbourhoodFixture = `{"type":"signatory","ref":"ada","kind":"person","name":"Ada Founder","email":"ada@example.org","country":"IT","signed_at":"2024-01-01T10:00:00Z"}
{"type":"signatory","ref":"bea","kind":"person","name":"Bea Both-Ways","email":"bea@example.org","country":"FR","signed_at":"2024-01-02T10:00:00Z"}
{"type":"signatory","ref":"hana","kind":"person","name":"Hana Membersonly","email":"hana@example.org","country":"IT","visibility":{"name":"members"},"signed_at":"2024-01-03T10:00:00Z"}
{"type":"signatory","ref":"cy","kind":"organisation","name":"Centro per l'Innovazione Didattica dell'Università di Bologna","email":"cy@example.org","country":"IT","signed_at":"2024-01-04T10:00:00Z"}
{"type":"signatory","ref":"pia","kind":"person","name":"Pia Pending","email":"pia@example.org","country":"ES","signed_at":"2024-01-05T10:00:00Z"}
{"type":"signatory","ref":"lou","kind":"person","name":"Lou Alone","email":"lou@example.org","country":"DE","signed_at":"2024-01-06T10:00:00Z"}
{"type":"seed","ref":"ada"}
{"type":"endorsement","from":"ada","to":"bea","level":"ambassador","status":"accepted","created_at":"2024-02-01T10:00:00Z"}
{"type":"endorsement","from":"bea","to":"ada","level":"advocate","status":"accepted","created_at":"2024-02-02T10:00:00Z"}
{"type":"endorsement","from":"ada","to":"hana","level":"advocate","status":"accepted","created_at":"2024-02-03T10:00:00Z"}
{"type":"endorsement","from":"ada","to":"cy","level":"advocate","status":"accepted","created_at":"2024-02-04T10:00:00Z"}
{"type":"endorsement","from":"bea","to":"cy","level":"advocate","status":"accepted","created_at":"2024-02-04T11:00:00Z"}
{"type":"endorsement","from":"pia","to":"ada","level":"advocate","status":"pending","created_at":"2024-02-05T10:00:00Z"}
`

// fixedExplainer explains each signatory with a standing set by the test, so that the words can
// be checked for every distance and capacity whatever the capacity tables in force.
type fixedExplainer map[string]*handlers.Explanation

func (x fixedExplainer) Explain(_ context.Context, publicID string) (*handlers.Explanation, error) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	exp, ok := x[publicID]
	if !ok {
		return &handlers.Explanation{Computation: handlers.Computation{Version: "7", GraphAt: at, ComputedAt: at}, Missing: true}, nil
	}
	exp.Computation = handlers.Computation{Version: "7", GraphAt: at, ComputedAt: at}
	return exp, nil
}

func neighbourhoodSite(t *testing.T, s *models.Store) *oidcSite {
	t.Helper()
	load(t, s, neighbourhoodFixture)
	ada, bea, cy, hana := id("ada"), id("bea"), id("cy"), id("hana")
	x := fixedExplainer{
		ada: {Tier: "ambassador", Seed: true,
			Advocate:   handlers.Standing{Accepted: true, Distance: 1, Capacity: 20000, Path: []string{ada}},
			Ambassador: handlers.Standing{Accepted: true, Distance: 1, Capacity: 2000, Path: []string{ada}}},
		bea: {Tier: "ambassador",
			Advocate:   handlers.Standing{Accepted: true, Distance: 2, Capacity: 5, Path: []string{ada, bea}},
			Ambassador: handlers.Standing{Accepted: true, Distance: 2, Capacity: 1, Path: []string{ada, bea}}},
		cy: {Tier: "advocate",
			Advocate: handlers.Standing{Accepted: true, Distance: 3, Capacity: 2, Path: []string{ada, bea, cy}}},
		hana: {Tier: "signatory",
			Advocate: handlers.Standing{Distance: 5, Capacity: 1}},
		id("lou"): {Tier: "signatory"},
	}
	return newOIDCSiteWith(t, s, nil, func(_ string, d *handlers.Deps) {
		d.Explainer = x
		d.Config.DevLogin = true
	})
}

// runWords reads what the trust page says of one tier's run.
type runWords struct{ Held, Standing, Vouch, Help string }

func trustRuns(t *testing.T, doc *goquery.Document) map[string]runWords {
	t.Helper()
	out := map[string]runWords{}
	doc.Find("section.card").Each(func(_ int, s *goquery.Selection) {
		text := func(sel string) string { return strings.TrimSpace(s.Find(sel).Text()) }
		out[text("h2")] = runWords{Held: text(".trust-held"), Standing: text(".trust-standing"), Vouch: text(".trust-vouch"), Help: text("section > p:last-child")}
	})
	return out
}

func getDoc(t *testing.T, c *http.Client, u string) (*http.Response, *goquery.Document, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	doc, err := goquery.NewDocumentFromReader(&teeReader{res.Body, &b})
	if err != nil {
		t.Fatal(err)
	}
	return res, doc, b.String()
}

type teeReader struct {
	r interface{ Read([]byte) (int, error) }
	w *strings.Builder
}

func (t *teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.w.Write(p[:n])
	return n, err
}

// The trust page says where a member stands and how many more members they can vouch for in
// words, in English and in French, instead of a distance and a capacity.
func TestTrustPageSpeaksPlainly(t *testing.T) {
	s := testutil.SQLite(t)
	site := neighbourhoodSite(t, s)
	c := site.newClient()
	const nnbsp = "\u202f"
	cases := []struct {
		who, lang string
		want      map[string]runWords
	}{
		{"ada", "en", map[string]runWords{
			"Advocate": {Held: "This signatory holds this tier.", Standing: "They are a founding Ambassador.",
				Vouch: "They can vouch for up to 19,999 more members.", Help: "-"},
			"Ambassador": {Held: "This signatory holds this tier.", Standing: "They are a founding Ambassador.",
				Vouch: "They can vouch for up to 1,999 more members."}}},
		{"bea", "en", map[string]runWords{
			"Advocate": {Held: "This signatory holds this tier.", Standing: "They are one step from a founding Ambassador.",
				Vouch: "They can vouch for up to 4 more members.", Help: "Endorsements link this signatory to a founding Ambassador along the path above."},
			"Ambassador": {Held: "This signatory holds this tier.", Standing: "They are one step from a founding Ambassador.",
				Vouch: "They are too far from the founding Ambassadors to vouch for others."}}},
		{"cy", "en", map[string]runWords{
			"Advocate": {Standing: "They are 2 steps from a founding Ambassador.", Vouch: "They can vouch for up to one more member."},
			"Ambassador": {Held: "This signatory does not hold this tier yet.", Standing: "They are not connected to the founding Ambassadors yet.",
				Help: "No Ambassador endorsement connects this signatory to the founding Ambassadors yet. An endorsement as Ambassador from an Ambassador would help."}}},
		{"hana", "en", map[string]runWords{
			// Reached, but not lifted: no word of vouching for others.
			"Advocate": {Held: "This signatory does not hold this tier yet.", Standing: "They are 4 steps from a founding Ambassador.", Vouch: "-"}}},
		{"lou", "en", map[string]runWords{
			"Advocate": {Standing: "They are not connected to the founding Ambassadors yet.", Vouch: "-",
				Help: "No endorsement connects this signatory to the founding Ambassadors yet. An endorsement from a member who already holds a tier would help."}}},
		{"ada", "fr", map[string]runWords{
			"Défenseur": {Held: "Ce·tte signataire détient ce niveau.", Standing: "Il·elle est Ambassadeur fondateur.",
				Vouch: "Il·elle peut se porter garant·e de 19" + nnbsp + "999 autres membres au plus."}}},
		{"bea", "fr", map[string]runWords{
			"Défenseur":   {Standing: "Il·elle est à un pas d’un·e Ambassadeur fondateur.", Vouch: "Il·elle peut se porter garant·e de 4 autres membres au plus."},
			"Ambassadeur": {Vouch: "Il·elle est trop loin des Ambassadeurs fondateurs pour se porter garant·e d’autres membres."}}},
		{"cy", "fr", map[string]runWords{
			"Défenseur":   {Standing: "Il·elle est à 2 pas d’un·e Ambassadeur fondateur.", Vouch: "Il·elle peut se porter garant·e d’un autre membre au plus."},
			"Ambassadeur": {Held: "Ce·tte signataire ne détient pas encore ce niveau.", Standing: "Il·elle n’est pas encore relié·e aux Ambassadeurs fondateurs."}}},
	}
	for _, tc := range cases {
		res, doc, body := getDoc(t, c, site.srv.URL+"/signatories/"+id(tc.who)+"/trust?lang="+tc.lang)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s's trust page in %s: %d", tc.who, tc.lang, res.StatusCode)
		}
		got := trustRuns(t, doc)
		for run, want := range tc.want {
			g, ok := got[run]
			if !ok {
				t.Errorf("%s's trust page in %s has no section %q (sections %v)", tc.who, tc.lang, run, got)
				continue
			}
			check := func(what, want, got string) {
				switch {
				case want == "":
				case want == "-" && got != "":
					t.Errorf("%s, %s, %s: says %q, want nothing", tc.who, run, what, got)
				case want != "-" && got != want:
					t.Errorf("%s, %s, %s:\n got %q\nwant %q", tc.who, run, what, got, want)
				}
			}
			check("held", want.Held, g.Held)
			check("standing", want.Standing, g.Standing)
			check("vouching", want.Vouch, g.Vouch)
			check("help", want.Help, g.Help)
		}
		for _, old := range []string{"Trust this member can pass on", "Distance from the founding Ambassadors", "Confiance que ce membre peut transmettre", "Distance aux Ambassadeurs fondateurs", "Avocat"} {
			if strings.Contains(body, old) {
				t.Errorf("%s's trust page in %s still says %q", tc.who, tc.lang, old)
			}
		}
		// The page says where the figures behind the words are.
		for _, slug := range []string{"advocate", "ambassador"} {
			if doc.Find(`#trust-how a[href="/achievements/`+slug+`/criteria"]`).Length() != 1 {
				t.Errorf("%s's trust page in %s does not link the %s criteria", tc.who, tc.lang, slug)
			}
		}
	}
	// The path of trust is kept, each member a link to their profile.
	_, doc, _ := getDoc(t, c, site.srv.URL+"/signatories/"+id("cy")+"/trust")
	var path []string
	doc.Find("section.card").First().Find(".trust-path a").Each(func(_ int, a *goquery.Selection) { path = append(path, a.AttrOr("href", "")) })
	if want := []string{"/signatories/" + id("ada"), "/signatories/" + id("bea"), "/signatories/" + id("cy")}; strings.Join(path, " ") != strings.Join(want, " ") {
		t.Errorf("Cy's path of trust links %v, want %v", path, want)
	}
}

// pictureNode is a member drawn in the neighbourhood picture.
type pictureNode struct {
	Href, Name string
}

// picture reads the members of a neighbourhood picture: the links, and the members drawn
// without one.
func picture(t *testing.T, svg *goquery.Selection) (links []pictureNode, anonymous int, circles int) {
	t.Helper()
	svg.Find("a").Each(func(_ int, a *goquery.Selection) {
		links = append(links, pictureNode{Href: a.AttrOr("href", ""), Name: a.AttrOr("aria-label", "")})
	})
	anonymous = svg.Find("g.anonymous").Length()
	circles = svg.Find("circle").Not(".hit").Length()
	return links, anonymous, circles
}

// The neighbourhood picture links every member to their profile and draws each member once, on
// the trust page and as a file of its own; a pending endorsement is drawn for the endorsee alone
// and leaves no trace of its endorser for anyone else.
func TestTrustPictureLinksEachMemberOnce(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		site := neighbourhoodSite(t, s)
		visitor := site.newClient()
		ada := "/signatories/" + id("ada")
		wantVisitor := map[string]string{
			ada:                          "Ada Founder, Ambassador",
			"/signatories/" + id("bea"):  "Bea Both-Ways, Signatory",
			"/signatories/" + id("hana"): "A signatory from Italy, Signatory",
			"/signatories/" + id("cy"):   "Centro per l'Innovazione Didattica dell'Università di Bologna, Signatory",
		}
		check := func(who string, svg *goquery.Selection, body string, want map[string]string, pending int) {
			t.Helper()
			if svg.Length() != 1 {
				t.Fatalf("%s: the picture is not drawn in the page (%d inline SVG)\n%.3000s", who, svg.Length(), body)
			}
			links, anonymous, circles := picture(t, svg)
			seen := map[string]int{}
			for _, l := range links {
				seen[l.Href]++
				if w, ok := want[l.Href]; !ok {
					t.Errorf("%s: the picture links %q (%q), which it should not", who, l.Href, l.Name)
				} else if l.Name != w {
					t.Errorf("%s: the link to %s is named %q, want %q", who, l.Href, l.Name, w)
				}
			}
			for href, n := range seen {
				if n > 1 {
					t.Errorf("%s: the picture draws %s %d times", who, want[href], n)
				}
			}
			for href, name := range want {
				if seen[href] == 0 {
					t.Errorf("%s: the picture does not link %s (%s)", who, name, href)
				}
			}
			// Every member drawn is a link or drawn anonymously: no circle stands for a repeat.
			if circles != len(links)+anonymous {
				t.Errorf("%s: %d circles for %d members", who, circles, len(links)+anonymous)
			}
			if n := svg.Find("line.pending").Length(); n != pending {
				t.Errorf("%s: %d dashed endorsements, want %d", who, n, pending)
			}
		}

		// A visitor: Bea once, although she endorses Ada and Ada endorses her (she used to be drawn
		// on both sides); Hana without her name; nothing of Pia, whose endorsement Ada has not answered.
		res, err := visitor.Get(site.srv.URL + ada + "/graph.svg")
		if err != nil {
			t.Fatal(err)
		}
		file, err := goquery.NewDocumentFromReader(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n := file.Find("svg circle").Not(".hit").Length(); n != len(wantVisitor) {
			t.Errorf("graph.svg for a visitor draws %d members, want %d, each once", n, len(wantVisitor))
		}
		check("graph.svg for a visitor", file.Find("svg"), "", wantVisitor, 0)
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=60" {
			t.Errorf("graph.svg for a visitor: Cache-Control %q", cc)
		}

		// The trust page draws the same picture inline.
		_, doc, body := getDoc(t, visitor, site.srv.URL+ada+"/trust")
		check("a visitor on Ada's page", doc.Find("figure.trust-graph svg"), body, wantVisitor, 0)
		if doc.Find("figure.trust-graph img").Length() != 0 {
			t.Error("the picture is still an image, whose members cannot be links")
		}
		for _, secret := range []string{id("pia"), "Pia Pending", "Hana Membersonly"} {
			if strings.Contains(body, secret) {
				t.Errorf("a visitor's view of Ada's trust page reveals %q", secret)
			}
		}
		// Bea endorses Ada and Ada endorses her: one line with an arrowhead at each end.
		if n := doc.Find(`figure.trust-graph svg line[marker-start]`).Length(); n != 1 {
			t.Errorf("%d lines drawn both ways on Ada's picture, want 1 (Bea's)", n)
		}
		// A member signed in sees Hana's name, and still nothing of Pia.
		lou := site.devUser("Lou Alone", "lou@example.org")
		_, doc, body = getDoc(t, lou.c, site.srv.URL+ada+"/trust")
		wantMember := map[string]string{}
		for k, v := range wantVisitor {
			wantMember[k] = v
		}
		wantMember["/signatories/"+id("hana")] = "Hana Membersonly, Signatory"
		check("Lou on Ada's page", doc.Find("figure.trust-graph svg"), body, wantMember, 0)
		if strings.Contains(body, id("pia")) {
			t.Error("a member other than Ada sees who sent Ada's pending endorsement")
		}
		res, err = lou.c.Get(site.srv.URL + ada + "/graph.svg")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "public") {
			t.Errorf("graph.svg with members-only names may be stored by a shared cache: %q", cc)
		}

		// Ada sees Pia's endorsement waiting for her, dashed, and Pia's profile behind it.
		adaUser := site.devUser("Ada Founder", "ada@example.org")
		_, doc, body = getDoc(t, adaUser.c, site.srv.URL+ada+"/trust")
		wantOwn := map[string]string{"/signatories/" + id("pia"): "Pia Pending, Signatory"}
		for k, v := range wantMember {
			wantOwn[k] = v
		}
		check("Ada on her own page", doc.Find("figure.trust-graph svg"), body, wantOwn, 1)
	})
}

// Where people endorse, the profile says what each level means, that an endorsement lifts
// someone only through members connected to the founding Ambassadors, and links the criteria.
func TestEndorseFormExplainsTheLevels(t *testing.T) {
	s := testutil.SQLite(t)
	site := neighbourhoodSite(t, s)
	lou := site.devUser("Lou Alone", "lou@example.org")
	for lang, want := range map[string][]string{
		"en": {"as Advocate", "as Ambassador", "connected to the founding Ambassadors"},
		"fr": {"comme Défenseur", "comme Ambassadeur", "relié aux Ambassadeurs fondateurs"},
		"it": {"come Sostenitore", "come Ambasciatore", "collegato agli Ambasciatori fondatori"},
		"es": {"como Defensor", "como Embajador", "conectado con los Embajadores fundadores"},
		"de": {"als Fürsprecher", "als Botschafter", "mit den Gründungsbotschaftern verbunden"},
	} {
		_, doc, _ := getDoc(t, lou.c, site.srv.URL+"/signatories/"+id("ada")+"?"+url.Values{"lang": {lang}}.Encode())
		section := doc.Find("#endorse")
		if section.Length() != 1 {
			t.Fatalf("%s: no endorse section on Ada's profile for Lou", lang)
		}
		text := strings.Join(strings.Fields(section.Find("#endorse-levels").Text()), " ")
		for _, w := range want {
			if !strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
				t.Errorf("%s: the endorse form does not say %q:\n%s", lang, w, text)
			}
		}
		for _, slug := range []string{"advocate", "ambassador"} {
			if section.Find(`a[href="/achievements/`+slug+`/criteria"]`).Length() != 1 {
				t.Errorf("%s: the endorse form does not link the %s criteria", lang, slug)
			}
		}
	}
}

// French names the Advocate tier Défenseur everywhere: never "Avocat" (a lawyer), never the English
// word, on any page a person meets.
var frenchAdvocate = regexp.MustCompile(`(?i)avocat|advocate`)

func TestFrenchNeverSaysAvocat(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	fr := cat.For("fr")
	for _, k := range cat.Keys() {
		if m := frenchAdvocate.FindAllString(fr.T(k), -1); len(m) > 0 {
			t.Errorf("fr.json %s reads %q", k, m)
		}
	}
	s := testutil.SQLite(t)
	site := neighbourhoodSite(t, s)
	lou := site.devUser("Lou Alone", "lou@example.org")
	for _, p := range []string{"/", "/signatories/" + id("ada"), "/signatories/" + id("bea") + "/trust", "/achievements/advocate/criteria",
		"/achievements/ambassador/criteria", "/signatories?tier=advocate", "/declaration"} {
		_, doc, _ := getDoc(t, lou.c, site.srv.URL+p+map[bool]string{true: "&", false: "?"}[strings.Contains(p, "?")]+"lang=fr")
		doc.Find("script, style").Remove()
		// Addresses and identifiers keep their English slugs; what a person reads does not.
		text := doc.Find("body").Text()
		if m := frenchAdvocate.FindAllString(text, -1); len(m) > 0 {
			t.Errorf("%s in French reads %q", p, m)
		}
	}
}
