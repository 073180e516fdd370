package handlers_test

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/testutil"
)

// Arriving from the map at a city, a person narrows the list, keeps the city, then drops it.
func TestJourneyListPlaceFilter(t *testing.T) {
	ctx := browser(t)
	s := testutil.SQLite(t)
	load(t, s, mapFixture)
	site := newSite(t, s, handlers.Config{})
	j := &journey{t: t, ctx: ctx, base: site.srv.URL}
	bologna := strconv.FormatInt(cityID(t, "IT", "Bologna"), 10)

	j.run("a desktop window", chromedp.EmulateViewport(1280, 900))
	j.open("/signatories?place=" + bologna)
	j.expect("2 signatories in Bologna.", "Bruna Bolognese", "Università Aperta")

	// Show: the place stays.
	j.run("choose people", chromedp.SetValue("#kind", "person", chromedp.ByID))
	j.submit("/signatories")
	q := j.query()
	if q.Get("place") != bologna || q.Get("kind") != "person" {
		t.Fatalf("after Show at %s: the place filter is lost", j.path())
	}
	j.expect("1 signatory matches these filters.", "Bruna Bolognese")
	if body := j.text(); strings.Contains(body, "Università Aperta") {
		t.Error("the organisation is still listed among people")
	}

	// The chip drops the place and keeps the rest.
	j.clickAndWait("remove the place", "a.chip")
	q = j.query()
	if q.Has("place") || q.Get("kind") != "person" {
		t.Fatalf("after the chip at %s: want people everywhere", j.path())
	}
	j.expect("Romolo Romano", "Max Münchner")

	// The search box sits on the line of the selects, as tall as they are.
	var boxes []map[string]float64
	j.run("measure the filters", chromedp.Evaluate(`[...document.querySelectorAll(".filters input[type=search], .filters select")].map(e => {
		const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; })`, &boxes))
	if len(boxes) < 4 {
		t.Fatalf("%d filter fields", len(boxes))
	}
	for i, b := range boxes[1:] {
		if math.Abs(b["top"]-boxes[0]["top"]) > 0.5 || math.Abs(b["bottom"]-boxes[0]["bottom"]) > 0.5 {
			t.Errorf("field %d spans %.1f–%.1f, the search box %.1f–%.1f", i+2, b["top"], b["bottom"], boxes[0]["top"], boxes[0]["bottom"])
		}
	}
}

func (j *journey) query() url.Values {
	j.t.Helper()
	u, err := url.Parse(j.path())
	if err != nil {
		j.t.Fatal(err)
	}
	return u.Query()
}
