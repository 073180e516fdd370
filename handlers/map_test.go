package handlers_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// mapFixture has people in known and unknown cities, one who keeps her city private, and
// entries that are not listed.
const mapFixture = `{"type":"signatory","ref":"bo1","kind":"person","name":"Bruna Bolognese","country":"IT","city":"Bologna","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"ro1","kind":"person","name":"Romolo Romano","country":"IT","city":"Roma","signed_at":"2024-05-02T10:00:00Z"}
{"type":"signatory","ref":"mi1","kind":"person","name":"Mira Milanese","country":"IT","city":"Milano","visibility":{"city":"hidden"},"signed_at":"2024-05-03T10:00:00Z"}
{"type":"signatory","ref":"uni","kind":"organisation","name":"Università Aperta","representative":"Giulia Rossi","country":"IT","city":"Bologna","signed_at":"2024-05-04T10:00:00Z"}
{"type":"signatory","ref":"mu1","kind":"person","name":"Max Münchner","country":"DE","city":"München","signed_at":"2024-05-05T10:00:00Z"}
{"type":"signatory","ref":"fr1","kind":"person","name":"Fanny Nulle-Part","country":"FR","city":"Nowhere-sur-Rien","signed_at":"2024-05-06T10:00:00Z"}
{"type":"signatory","ref":"gone","kind":"person","name":"Gaston Parti","country":"FR","city":"Paris","status":"withdrawn","signed_at":"2024-05-07T10:00:00Z"}
{"type":"signatory","ref":"unv","kind":"organisation","name":"Unverified Lyon","country":"FR","city":"Lyon","verified":false,"signed_at":"2024-05-08T10:00:00Z"}
`

type mapBody struct {
	Countries []struct {
		Code, Name string
		Count      int64
		Lat, Lon   *float64
	}
	Places []struct {
		ID            int64
		Name, Country string
		Lat, Lon      float64
		Count         int64
	}
}

func cityID(t *testing.T, country, name string) int64 {
	t.Helper()
	c, ok := geo.FindCity(country, name)
	if !ok {
		t.Fatalf("no %s in %s", name, country)
	}
	return c.ID
}

func TestMapJSONCountsCountriesAndPublicCitiesOnly(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, mapFixture)
		a := newApp(t, s, handlers.Config{})
		var m mapBody
		a.json("/map.json", http.StatusOK, &m)
		countries := map[string]int64{}
		for _, c := range m.Countries {
			countries[c.Code] = c.Count
			if c.Lat == nil || c.Lon == nil || c.Name == "" {
				t.Errorf("country without name or anchor: %+v", c)
			}
		}
		if len(countries) != 3 || countries["IT"] != 4 || countries["DE"] != 1 || countries["FR"] != 1 {
			t.Fatalf("countries = %v", countries)
		}
		if m.Countries[0].Code != "IT" || m.Countries[0].Name != "Italy" {
			t.Fatalf("countries are not ordered by count: %+v", m.Countries)
		}
		places := map[int64]int64{}
		for _, p := range m.Places {
			places[p.ID] = p.Count
		}
		bologna, rome, munich, milan := cityID(t, "IT", "Bologna"), cityID(t, "IT", "Rome"), cityID(t, "DE", "Munich"), cityID(t, "IT", "Milan")
		if len(places) != 3 || places[bologna] != 2 || places[rome] != 1 || places[munich] != 1 {
			t.Fatalf("places = %+v", m.Places)
		}
		if _, ok := places[milan]; ok {
			t.Fatal("a city kept private counts on the map")
		}
		body := a.get("/map.json").Body.String()
		for _, secret := range []string{"Milan", "Paris", "Lyon", "Mira", "Bruna"} {
			if strings.Contains(body, secret) {
				t.Errorf("/map.json reveals %q", secret)
			}
		}
		// The private city cannot be found through the list's place filter either.
		if got := a.get("/api/v1/signatories?place=" + strconv.FormatInt(milan, 10)).Body.String(); strings.Contains(got, "Mira") {
			t.Fatal("the place filter finds a private city")
		}

		// Filters.
		a.json("/map.json?kind=organisation", http.StatusOK, &m)
		if len(m.Countries) != 1 || m.Countries[0].Count != 1 || len(m.Places) != 1 || m.Places[0].ID != bologna || m.Places[0].Name != "Bologna" {
			t.Fatalf("kind=organisation: %+v", m)
		}
		a.json("/map.json?country=de", http.StatusOK, &m)
		if len(m.Countries) != 1 || m.Countries[0].Code != "DE" || len(m.Places) != 1 || m.Places[0].ID != munich {
			t.Fatalf("country=de: %+v", m)
		}
		a.json("/map.json?tier=ambassador", http.StatusOK, &m)
		if len(m.Countries) != 0 || len(m.Places) != 0 {
			t.Fatalf("tier=ambassador: %+v", m)
		}
		for q, field := range map[string]string{"tier=king": "tier", "kind=robot": "kind", "country=ZZ": "country", "zoom=3": "zoom", "tier=advocate&tier=signatory": "tier"} {
			var e errorBody
			rec := a.get("/map.json?" + q)
			if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Field != field {
				t.Errorf("/map.json?%s = %d %s", q, rec.Code, rec.Body.String())
			}
		}
	})
}

func TestMapResponsesAreCachedWithETagAndGzip(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, mapFixture)
	a := newApp(t, s, handlers.Config{})
	for _, path := range []string{"/map.json", "/map", "/map?kind=person&sort=name"} {
		first := a.get(path)
		etag := first.Header().Get("ETag")
		if first.Code != http.StatusOK || etag == "" {
			t.Fatalf("%s: %d, ETag %q", path, first.Code, etag)
		}
		if rec := a.get(path, "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Fatalf("%s with its ETag: %d", path, rec.Code)
		}
		rec := a.get(path, "Accept-Encoding", "gzip, deflate, br")
		if rec.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding") {
			t.Fatalf("%s: not gzipped (%v)", path, rec.Header())
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if !bytes.Equal(plain, first.Body.Bytes()) {
			t.Fatalf("%s: the gzipped body differs from the plain one", path)
		}
	}
	// A new signature shows within seconds, under a new ETag.
	before := a.get("/map.json").Header().Get("ETag")
	load(t, s, `{"type":"signatory","ref":"new","kind":"person","name":"Nuova","country":"IT","city":"Bologna","signed_at":"2025-01-01T00:00:00Z"}`)
	var m mapBody
	deadline := time.Now().Add(5 * time.Second)
	for {
		a.json("/map.json", http.StatusOK, &m)
		if m.Countries[0].Count == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the map did not show the new signature: %+v", m.Countries)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if a.get("/map.json").Header().Get("ETag") == before {
		t.Fatal("the ETag did not change with the counts")
	}
}

func TestMapPageLinksCountriesAndCities(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, mapFixture)
		a := newApp(t, s, handlers.Config{})
		doc := a.page("/map")
		italy := doc.Find(`#map-world a[href="/signatories?country=IT"]`)
		if italy.Length() != 1 || italy.AttrOr("aria-label", "") != "Italy: 4 signatories" || italy.Find("title").Text() != "Italy: 4 signatories" {
			t.Fatalf("Italy's link: %d %q", italy.Length(), italy.AttrOr("aria-label", ""))
		}
		if doc.Find(`#map-europe a[href="/signatories?country=IT"]`).Length() != 1 {
			t.Fatal("Italy is not on the Europe inset")
		}
		bologna := cityID(t, "IT", "Bologna")
		dot := doc.Find(`#map-world a[href="/signatories?place=` + strconv.FormatInt(bologna, 10) + `"]`)
		if dot.Length() != 1 || dot.Find("circle").Length() != 1 || !strings.HasPrefix(dot.AttrOr("aria-label", ""), "Bologna, Italy: 2") {
			t.Fatalf("Bologna's dot: %d %q", dot.Length(), dot.AttrOr("aria-label", ""))
		}
		if n := doc.Find("#map-world .dots circle").Length(); n != 3 {
			t.Fatalf("%d dots, want Bologna, Rome and Munich", n)
		}
		// Countries without signatories are drawn but are not links; the table lists the others.
		if doc.Find(`#map-world a[href="/signatories?country=ES"]`).Length() != 0 || doc.Find("#map-world path.s0").Length() < 150 {
			t.Fatal("countries without signatories")
		}
		var rows []string
		doc.Find("table.counts").First().Find("tbody tr").Each(func(_ int, r *goquery.Selection) {
			rows = append(rows, r.Find("th").Text()+" "+r.Find("td").Text())
		})
		if strings.Join(rows, "|") != "Italy 4|France 1|Germany 1" {
			t.Fatalf("table by count: %q", rows)
		}
		rows = nil
		a.page("/map?sort=name").Find("table.counts").First().Find("tbody tr").Each(func(_ int, r *goquery.Selection) {
			rows = append(rows, r.Find("th").Text()+" "+r.Find("td").Text())
		})
		if strings.Join(rows, "|") != "France 1|Germany 1|Italy 4" {
			t.Fatalf("table by name: %q", rows)
		}
		body := a.get("/map").Body.String()
		for _, secret := range []string{"Milan", "Mira", "Paris", "Lyon", "style="} {
			if strings.Contains(body, secret) {
				t.Errorf("/map contains %q", secret)
			}
		}
		// The filters stay in the links and the form.
		doc = a.page("/map?kind=organisation&lang=fr")
		if doc.Find(`#map-world a[href="/signatories?country=IT&kind=organisation"]`).AttrOr("aria-label", "") != "Italie : 1 signataire" {
			t.Fatal("the filtered, French map")
		}
		if doc.Find(`#kind option[selected]`).AttrOr("value", "") != "organisation" {
			t.Fatal("the form does not keep the filter")
		}
		if rec := a.get("/map?tier=king"); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "tier") {
			t.Fatalf("/map?tier=king = %d", rec.Code)
		}
		// However its parameters are written, a map has one address (and one cache entry).
		for from, to := range map[string]string{"/map?country=it": "/map?country=IT", "/map?country=IT&tier=": "/map?country=IT",
			"/map?lang=xx": "/map", "/map?sort=count": "/map", "/map?": "/map", "/map?lang=fr&kind=person&%74ier=advocate": "/map?tier=advocate&kind=person&lang=fr",
			"/map?country=&kind=organisation&tier=": "/map?kind=organisation"} {
			if rec := a.get(from); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != to {
				t.Errorf("%s: %d to %q, want %s", from, rec.Code, rec.Header().Get("Location"), to)
			}
		}
		if rec := a.get("/map.json?lang=fr"); rec.Code != http.StatusOK {
			t.Errorf("/map.json?lang=fr = %d", rec.Code)
		}
		// The place filter of the list says where.
		if note := a.page("/signatories?place=" + strconv.FormatInt(bologna, 10)).Find(".results-note").Text(); note != "2 signatories in Bologna." {
			t.Fatalf("place note %q", note)
		}
		// The footer credits the map data.
		if !strings.Contains(body, "Natural Earth") || !strings.Contains(body, "GeoNames, CC BY 4.0") {
			t.Fatal("no attribution")
		}
	})
}

func TestPlaceSuggestions(t *testing.T) {
	s := testutil.SQLite(t)
	a := newApp(t, s, handlers.Config{})
	var got []struct {
		ID   int64
		Name string
	}
	a.json("/places?country=DE&q=M%C3%BCnch", http.StatusOK, &got)
	if len(got) == 0 || got[0].Name != "München" || got[0].ID != cityID(t, "DE", "Munich") {
		t.Fatalf("Münch: %+v", got)
	}
	a.json("/places?country=it&q=", http.StatusOK, &got)
	if len(got) == 0 || got[0].Name != "Rome" {
		t.Fatalf("Italy's largest cities: %+v", got)
	}
	if rec := a.get("/places?country=ZZ&q=a"); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad country: %d", rec.Code)
	}
}
