package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// A place filter shows as a chip that drops it, and the form keeps it.
func TestListKeepsThePlaceFilter(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, mapFixture)
	a := newApp(t, s, handlers.Config{})
	bologna := strconv.FormatInt(cityID(t, "IT", "Bologna"), 10)

	doc := a.page("/signatories?place=" + bologna + "&kind=person&q=bruna")
	if got := doc.Find(`form[action="/signatories"] input[type=hidden][name=place]`).AttrOr("value", ""); got != bologna {
		t.Errorf("the form keeps place=%q, want %s: Show would drop the place", got, bologna)
	}
	chip := doc.Find("a.chip")
	if chip.Length() != 1 || !strings.Contains(chip.Text(), "Bologna") {
		t.Fatalf("no chip for the place: %q", chip.Text())
	}
	href, _ := chip.Attr("href")
	u, err := url.Parse(href)
	if err != nil || u.Path != "/signatories" || u.Query().Has("place") || u.Query().Get("kind") != "person" || u.Query().Get("q") != "bruna" {
		t.Errorf("the chip links to %q: it should drop the place and keep the other filters", href)
	}
	// Without a place, neither chip nor hidden field.
	doc = a.page("/signatories?kind=person")
	if doc.Find("a.chip").Length() != 0 || doc.Find(`input[name=place]`).Length() != 0 {
		t.Error("a place chip without a place filter")
	}
}

// Searches and filters say how many signatories they find, in the language's plural.
func TestListCountsWhatItFinds(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, mapFixture)
	a := newApp(t, s, handlers.Config{})
	for path, want := range map[string]string{
		"/signatories?q=bologna":                   "2 signatories match “bologna”.",
		"/signatories?q=bruna":                     "1 signatory matches “bruna”.",
		"/signatories?q=bologna&kind=organisation": "1 signatory matches “bologna”.",
		"/signatories?q=nobody":                    "0 signatories match “nobody”.",
		"/signatories?q=nobody&lang=fr":            "0 signataire correspond à « nobody ».",
		"/signatories?q=bologna&lang=fr":           "2 signataires correspondent à « bologna ».",
		"/signatories?q=milano":                    "0 signatories match “milano”.", // a hidden city is not searched
		"/signatories?kind=person&country=IT":      "3 signatories match these filters.",
		"/signatories?kind=organisation":           "1 signatory matches these filters.",
		"/signatories?country=IT":                  "4 signatories from Italy.",
		"/signatories":                             "6 signatories.",
		"/signatories?sort=name":                   "6 signatories.",
	} {
		if got := a.page(path).Find(".results-note").Text(); got != want {
			t.Errorf("%s says %q, want %q", path, got, want)
		}
	}
}

// Counting a search stops at a thousand: "more than" costs what a thousand index entries cost.
func TestListCountOfALargeSearchIsCapped(t *testing.T) {
	s := testutil.SQLite(t)
	var b strings.Builder
	for i := range models.CountCap + 1 {
		fmt.Fprintf(&b, `{"type":"signatory","ref":"c%d","kind":"person","name":"Common Name%d","country":"FR","signed_at":"2024-05-01T10:00:00Z"}`+"\n", i, i)
	}
	load(t, s, b.String())
	a := newApp(t, s, handlers.Config{})
	if got := a.page("/signatories?q=common").Find(".results-note").Text(); got != "More than 1,000 signatories match “common”." {
		t.Errorf("a search matching 1,001: %q", got)
	}
	if got := a.page("/signatories?q=name99").Find(".results-note").Text(); got != "11 signatories match “name99”." {
		t.Errorf("a search matching 11: %q", got)
	}
}

// listOrderFixture: names with accents and capitals, two signed in the same second, one name
// kept hidden and one shown to members only.
const listOrderFixture = `{"type":"signatory","ref":"zoe","kind":"person","name":"Zoé Zimmer","country":"CH","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"elise","kind":"person","name":"Élise Martin","country":"FR","signed_at":"2024-05-02T10:00:00Z"}
{"type":"signatory","ref":"secret","kind":"person","name":"Aaron Secret","country":"FR","visibility":{"name":"hidden"},"signed_at":"2024-05-03T10:00:00Z"}
{"type":"signatory","ref":"elias","kind":"person","name":"Elias Berg","country":"DE","signed_at":"2024-05-04T10:00:00Z"}
{"type":"signatory","ref":"emma","kind":"person","name":"Emma Stone","country":"GB","signed_at":"2024-05-05T10:00:00Z"}
{"type":"signatory","ref":"anna","kind":"person","name":"anna lower","country":"IT","signed_at":"2024-05-06T10:00:00Z"}
{"type":"signatory","ref":"member","kind":"person","name":"Abel Member","country":"IT","visibility":{"name":"members"},"signed_at":"2024-05-07T10:00:00Z"}
{"type":"signatory","ref":"bruno","kind":"person","name":"Bruno Bianchi","country":"IT","signed_at":"2024-05-08T10:00:00Z"}
{"type":"signatory","ref":"tie1","kind":"person","name":"Tie One","country":"ES","signed_at":"2024-05-09T10:00:00Z"}
{"type":"signatory","ref":"tie2","kind":"person","name":"Tie Two","country":"ES","signed_at":"2024-05-09T10:00:00Z"}
{"type":"signatory","ref":"carla","kind":"person","name":"Carla Conti","country":"IT","signed_at":"2024-05-10T10:00:00Z"}
`

// The list pages forward and back, newest first or by name, three at a time.
func TestListPagesBothWaysInEitherOrder(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, listOrderFixture)
		a := newApp(t, s, handlers.Config{})
		refs := map[string]string{}
		for _, r := range []string{"zoe", "elise", "secret", "elias", "emma", "anna", "member", "bruno", "tie1", "tie2", "carla"} {
			refs[id(r)] = r
		}
		pageOf := func(path string) (doc *goquery.Document, got []string) {
			t.Helper()
			doc = a.page(path)
			doc.Find("li.person a.name").Each(func(_ int, sel *goquery.Selection) {
				href, _ := sel.Attr("href")
				got = append(got, refs[href[strings.LastIndex(href, "/")+1:]])
			})
			return doc, got
		}
		for sort, want := range map[string][]string{
			// Newest first; of two signed in the same second, the one that came later.
			"": {"carla", "tie2", "tie1", "bruno", "member", "anna", "emma", "elias", "secret", "elise", "zoe"},
			// By name, without case or accents; names that are not public come last, in the
			// order they were written, whatever they are.
			"name": {"anna", "bruno", "carla", "elias", "elise", "emma", "tie1", "tie2", "zoe", "secret", "member"},
		} {
			start := "/signatories?limit=3"
			if sort != "" {
				start += "&sort=" + sort
			}
			var pages [][]string
			var urls []string
			for path := start; path != ""; {
				doc, got := pageOf(path)
				pages, urls = append(pages, got), append(urls, path)
				if len(pages) > 1 && doc.Find(`a[rel=prev]`).Length() == 0 {
					t.Errorf("sort=%s: page %d has no Previous link", sort, len(pages))
				}
				path = doc.Find(`a[rel=next]`).AttrOr("href", "")
				if path != "" && !strings.Contains(path, "limit=3") || sort != "" && path != "" && !strings.Contains(path, "sort="+sort) {
					t.Fatalf("the next link %q drops the filters", path)
				}
			}
			if all := slices.Concat(pages...); !slices.Equal(all, want) {
				t.Errorf("sort=%q: %q, want %q", sort, all, want)
			}
			if doc, _ := pageOf(start); doc.Find(`a[rel=prev]`).Length() != 0 {
				t.Errorf("sort=%q: the first page has a Previous link", sort)
			}
			// Back from the last page, Previous gives every page again, and the first one
			// ends it.
			doc, _ := pageOf(urls[len(urls)-1])
			for i := len(pages) - 2; i >= 0; i-- {
				prev := doc.Find(`a[rel=prev]`).AttrOr("href", "")
				if prev == "" {
					t.Fatalf("sort=%q: no Previous link back to page %d", sort, i+1)
				}
				var got []string
				doc, got = pageOf(prev)
				if !slices.Equal(got, pages[i]) {
					t.Errorf("sort=%q: Previous to page %d gives %q, want %q", sort, i+1, got, pages[i])
				}
				if i > 0 && doc.Find(`a[rel=next]`).Length() == 0 {
					t.Errorf("sort=%q: page %d reached backwards has no Next link", sort, i+1)
				}
			}
			if doc.Find(`a[rel=prev]`).Length() != 0 {
				t.Errorf("sort=%q: back on the first page there is still a Previous link", sort)
			}
		}
		body := a.get("/signatories?sort=name").Body.String()
		for _, secret := range []string{"Aaron Secret", "Abel Member"} {
			if strings.Contains(body, secret) {
				t.Errorf("the list by name shows %q", secret)
			}
		}

		// A bad order is refused, naming the parameter, and so is a cursor of another order.
		rec := a.get("/signatories?sort=oldest")
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "sort") {
			t.Errorf("sort=oldest: %d", rec.Code)
		}
		next := a.page("/signatories?limit=3&sort=name").Find(`a[rel=next]`).AttrOr("href", "")
		u, _ := url.Parse(next)
		rec = a.get("/signatories?limit=3&cursor=" + url.QueryEscape(u.Query().Get("cursor")))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "cursor") {
			t.Errorf("a cursor of the list by name used newest first: %d", rec.Code)
		}
		// The API keeps its order and its cursor: newest first, next_cursor only.
		rec = a.get("/api/v1/signatories?sort=name")
		if rec.Code != http.StatusBadRequest {
			t.Errorf("the API sorts: %d", rec.Code)
		}
	})
}

// A search's count is kept while the registry is unchanged, and follows a change: a new
// signature that matches shows in the count within the summary's refresh.
func TestListSearchCountFollowsTheRegistry(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, mapFixture)
	a := newApp(t, s, handlers.Config{})
	count := func() string { return a.page("/signatories?q=bologna").Find(".results-note").Text() }
	for range 3 { // counted once, then from memory
		if got := count(); got != "2 signatories match “bologna”." {
			t.Fatalf("before: %q", got)
		}
	}
	load(t, s, `{"type":"signatory","ref":"late","kind":"person","name":"Lia Late","country":"IT","city":"Bologna","signed_at":"2024-06-01T10:00:00Z"}`+"\n")
	deadline := time.Now().Add(10 * time.Second)
	for count() != "3 signatories match “bologna”." {
		if time.Now().After(deadline) {
			t.Fatalf("after a new signature in Bologna the search still says %q", count())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
