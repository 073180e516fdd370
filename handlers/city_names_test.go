package handlers_test

import (
	"strings"
	"testing"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/testutil"
)

// Ada wrote "London": the pages name her city as the page's language does, where CLDR gives
// the name (Londres, Londra), and /map.json keeps its English names, adding labels on request.
func TestCityNamesInThePageLanguage(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture)
	a := newApp(t, s, handlers.Config{})
	for lang, want := range map[string]string{"en": "London", "fr": "Londres", "it": "Londra", "es": "Londres", "de": "London"} {
		if got := a.page("/signatories/" + id("ada") + "?lang=" + lang).Find(".facts").Text(); !strings.Contains(got, want) {
			t.Errorf("profile in %s: %q lacks %q", lang, got, want)
		}
		if got := a.page("/signatories?lang=" + lang).Find("main").Text(); !strings.Contains(got, want) {
			t.Errorf("list in %s lacks %q", lang, want)
		}
	}
	if got := a.page("/signatories?place=2643743&lang=fr").Find("main").Text(); !strings.Contains(got, "1 signataire à Londres") {
		t.Errorf("the place filter's note in French: %q", got)
	}
	if got := a.page("/map?lang=it").Text(); !strings.Contains(got, "Londra, Regno Unito") {
		t.Error("the map's table of cities does not say Londra, Regno Unito")
	}
	body := a.get("/map.json?lang=it").Body.String()
	if !strings.Contains(body, `"name":"London","label":"Londra"`) || !strings.Contains(body, `"name":"United Kingdom","label":"Regno Unito"`) {
		t.Errorf("/map.json?lang=it: %s", body)
	}
	if body := a.get("/map.json").Body.String(); strings.Contains(body, `"label"`) {
		t.Errorf("/map.json without lang has labels: %s", body)
	}
	if got, _ := a.page("/map?lang=de").Find("#interactive-map").Attr("data-json"); got != "/map.json?lang=de" {
		t.Errorf("the interactive map reads %q, want its labels in German", got)
	}
}
