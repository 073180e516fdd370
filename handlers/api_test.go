package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

type listBody struct {
	Items      []map[string]any `json:"items"`
	NextCursor *string          `json:"next_cursor"`
}

type errorBody struct {
	Error struct {
		Code, Message, Field string
	} `json:"error"`
}

func TestAPIListShapeAndPrivacy(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, fixture)
		a := newApp(t, s, handlers.Config{})
		var body listBody
		a.json("/api/v1/signatories", http.StatusOK, &body)
		if len(body.Items) != 4 || body.NextCursor != nil {
			t.Fatalf("items %d, next_cursor %v", len(body.Items), body.NextCursor)
		}
		zoe := body.Items[0]
		want := map[string]any{"id": id("zoe"), "name": "Zoé Müller", "kind": "person", "country": "CH", "city": "Zürich",
			"tier": "signatory", "signed_at": "2024-05-07T10:00:00Z", "url": "http://localhost:8080/signatories/" + id("zoe")}
		if fmt.Sprint(zoe) != fmt.Sprint(want) {
			t.Fatalf("item = %v\nwant   %v", zoe, want)
		}
		hidden := body.Items[2]
		if hidden["id"] != id("hid") {
			t.Fatalf("order: %v", body.Items)
		}
		for _, f := range []string{"name", "city"} {
			if _, ok := hidden[f]; ok {
				t.Errorf("a %s that is not public is present: %v", f, hidden)
			}
		}
		noSecrets(t, "API list", a.get("/api/v1/signatories").Body.String())
		if got := a.get("/api/v1/signatories").Header().Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("open data CORS header = %q", got)
		}
	})
}

func TestAPIListPagesThroughEverySignatoryOnce(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		// 130 signatories, several of them signing in the same second, so that the keyset
		// must use the id to break ties.
		var b strings.Builder
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := 0; i < 130; i++ {
			fmt.Fprintf(&b, `{"type":"signatory","ref":"p%d","kind":"person","name":"Person %d","country":"PT","signed_at":"%s"}`+"\n",
				i, i, base.Add(time.Duration(i/3)*time.Hour).Format(time.RFC3339))
		}
		load(t, s, b.String())
		a := newApp(t, s, handlers.Config{})
		seen := map[string]bool{}
		var last string
		path := "/api/v1/signatories?limit=50&country=PT"
		pages := 0
		for path != "" {
			var body listBody
			a.json(path, http.StatusOK, &body)
			pages++
			for _, it := range body.Items {
				id := it["id"].(string)
				if seen[id] {
					t.Fatalf("%s appears twice", id)
				}
				seen[id] = true
				at := it["signed_at"].(string)
				if last != "" && at > last {
					t.Fatalf("not newest first: %s after %s", at, last)
				}
				last = at
			}
			path = ""
			if body.NextCursor != nil {
				path = "/api/v1/signatories?limit=50&country=PT&cursor=" + *body.NextCursor
			}
		}
		if len(seen) != 130 || pages != 3 {
			t.Fatalf("%d signatories in %d pages", len(seen), pages)
		}
		var body listBody
		a.json("/api/v1/signatories?limit=200", http.StatusOK, &body)
		if len(body.Items) != 130 || body.NextCursor != nil {
			t.Fatalf("limit=200 gives %d items", len(body.Items))
		}
	})
}

func TestAPIRefusesBadParametersNamingThem(t *testing.T) {
	s := testutil.SQLite(t)
	load(t, s, fixture)
	a := newApp(t, s, handlers.Config{})
	for query, field := range map[string]string{
		"cursor=abc":            "cursor",
		"cursor=MS4xMi4w":       "cursor",
		"limit=201":             "limit",
		"limit=-1":              "limit",
		"limit=ten":             "limit",
		"country=Italy":         "country",
		"kind=people":           "kind",
		"tier=gold":             "tier",
		"place=-3":              "place",
		"sort=name":             "sort",
		"country=IT&country=FR": "country",
	} {
		var e errorBody
		a.json("/api/v1/signatories?"+query, http.StatusBadRequest, &e)
		if e.Error.Field != field || e.Error.Code != "invalid" || e.Error.Message == "" {
			t.Errorf("%s: error %+v, want field %q", query, e.Error, field)
		}
	}
}

func TestAPISignatoryDetail(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, fixture)
		a := newApp(t, s, handlers.Config{})
		var ada map[string]any
		a.json("/api/v1/signatories/"+id("ada"), http.StatusOK, &ada)
		if ada["name"] != "Ada Lovelace" || ada["affiliation"] != "Analytical Society" || ada["founding_ambassador"] != true ||
			ada["tier"] != "ambassador" || ada["declaration_version"] != float64(1) {
			t.Fatalf("ada = %v", ada)
		}
		html := ada["statement_html"].(string)
		if strings.Contains(html, "<script") || strings.Contains(html, "javascript:") || !strings.Contains(html, "<strong>recognition</strong>") {
			t.Fatalf("statement_html = %s", html)
		}
		if !strings.HasPrefix(ada["statement"].(string), "I sign because **recognition**") {
			t.Fatalf("statement = %q", ada["statement"])
		}
		if creds, ok := ada["credentials"].([]any); !ok || len(creds) != 0 {
			t.Fatalf("credentials = %v", ada["credentials"])
		}
		given := ada["endorsements_given"].([]any)
		if len(given) != 1 || given[0].(map[string]any)["level"] != "advocate" {
			t.Fatalf("endorsements_given = %v", given)
		}
		if _, ok := ada["email"]; ok {
			t.Fatal("e-mail in the API")
		}
		var hidden map[string]any
		a.json("/api/v1/signatories/"+id("hid"), http.StatusOK, &hidden)
		for _, f := range []string{"name", "city", "affiliation", "statement", "statement_html"} {
			if _, ok := hidden[f]; ok {
				t.Errorf("hidden %s present", f)
			}
		}
		var zoe map[string]any
		a.json("/api/v1/signatories/"+id("zoe"), http.StatusOK, &zoe)
		if rec := zoe["endorsements_received"].([]any); len(rec) != 1 {
			t.Fatalf("a pending endorsement is public: %v", rec)
		}
		for ref, want := range map[string]int{"gone": 410, "mod": 404, "unv": 404} {
			var e errorBody
			a.json("/api/v1/signatories/"+id(ref), want, &e)
			if e.Error.Code == "" {
				t.Errorf("%s: no error code", ref)
			}
		}
		for _, bad := range []string{"nope", "12345678-1234-1234-1234-1234567890ab", "%00"} {
			var e errorBody
			a.json("/api/v1/signatories/"+bad, http.StatusNotFound, &e)
		}
	})
}

func TestAPIStatsCountOnlyListedSignatories(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		load(t, s, fixture)
		a := newApp(t, s, handlers.Config{})
		var st struct {
			Signatories int64
			Tiers       map[string]int64
			Kinds       map[string]int64
			Countries   map[string]int64
		}
		a.json("/api/v1/stats", http.StatusOK, &st)
		if st.Signatories != 4 || st.Tiers["signatory"] != 3 || st.Tiers["ambassador"] != 1 || st.Tiers["advocate"] != 0 ||
			st.Kinds["person"] != 3 || st.Kinds["organisation"] != 1 || st.Countries["IT"] != 2 || st.Countries["FR"] != 0 || len(st.Countries) != 3 {
			t.Fatalf("stats = %+v", st)
		}
		var sum int64
		for _, n := range st.Tiers {
			sum += n
		}
		if sum != st.Signatories {
			t.Fatal("tiers do not sum to the total")
		}
		// A change by another process (here: a direct import) shows within the cache interval.
		load(t, s, `{"type":"signatory","ref":"new","kind":"person","name":"New","country":"FR","signed_at":"2025-01-01T00:00:00Z"}`)
		deadline := time.Now().Add(3 * time.Second)
		for st.Signatories != 5 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			a.json("/api/v1/stats", http.StatusOK, &st)
		}
		if st.Signatories != 5 {
			t.Fatalf("stats did not notice the change: %+v", st)
		}
	})
}

func TestErrorsAreJSONUnderAPIAndPagesElsewhere(t *testing.T) {
	s := testutil.SQLite(t)
	a := newApp(t, s, handlers.Config{})
	var e errorBody
	a.json("/api/v1/nothing", http.StatusNotFound, &e)
	if e.Error.Code != "not_found" {
		t.Fatalf("api 404 = %+v", e)
	}
	rec := a.get("/nothing", "Accept-Language", "fr")
	if rec.Code != 404 || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), "Page introuvable") {
		t.Fatalf("page 404 = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := a.do(http.MethodPost, "/api/v1/stats"); rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST /api/v1/stats = %d", rec.Code)
	}
	req := strings.NewReader(strings.Repeat("x", 300<<10))
	r := newRequest(http.MethodPost, "/signatories", req)
	rr := serve(a, r)
	if rr.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("a large body = %d", rr.Code)
	}
	if rec := a.get("/healthz"); rec.Code != 200 || rec.Body.String() != "ok" {
		t.Fatalf("healthz = %d %q", rec.Code, rec.Body.String())
	}
}

func TestRateLimitPerClientAndForwardedForOnlyFromTrustedProxies(t *testing.T) {
	s := testutil.SQLite(t)
	a := newApp(t, s, handlers.Config{RateLimit: 1, RateBurst: 3})
	codes := func(xff string) []int {
		var out []int
		for i := 0; i < 4; i++ {
			out = append(out, a.get("/api/v1/stats", "X-Forwarded-For", xff).Code)
		}
		return out
	}
	// Without trusted proxies a forged X-Forwarded-For does not make a new client.
	first, second := codes("203.0.113.1"), codes("203.0.113.2")
	if first[3] != http.StatusTooManyRequests || second[0] != http.StatusTooManyRequests {
		t.Fatalf("rate limit dodged with X-Forwarded-For: %v %v", first, second)
	}
	var e errorBody
	a.json("/api/v1/stats", http.StatusTooManyRequests, &e)
	if e.Error.Code != "rate_limited" {
		t.Fatalf("429 body = %+v", e)
	}
	// Behind a trusted proxy, each forwarded client has its own budget.
	_, proxy, _ := netParseCIDR("192.0.2.0/24")
	b := newApp(t, s, handlers.Config{RateLimit: 1, RateBurst: 3, TrustedProxies: proxy})
	a = b
	one, two := codes("203.0.113.1"), codes("203.0.113.2")
	if one[0] != 200 || two[0] != 200 || one[3] != http.StatusTooManyRequests {
		t.Fatalf("trusted proxy: %v %v", one, two)
	}
}

func TestHeadAnswersLikeGetWithoutBody(t *testing.T) {
	s := testutil.SQLite(t)
	a := newApp(t, s, handlers.Config{})
	srv := httptest.NewServer(a.e)
	defer srv.Close()
	for _, p := range []string{"/healthz", "/", "/api/v1/stats"} {
		resp, err := http.Head(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) != 0 {
			t.Errorf("HEAD %s = %d with %d bytes", p, resp.StatusCode, len(body))
		}
	}
}

func TestRateLimitCountsAnIPv6Slash64AsOneClient(t *testing.T) {
	s := testutil.SQLite(t)
	a := newApp(t, s, handlers.Config{RateLimit: 1, RateBurst: 2})
	codes := []int{}
	for i := 0; i < 3; i++ {
		r := newRequest(http.MethodGet, "/api/v1/stats", nil)
		r.RemoteAddr = fmt.Sprintf("[2001:db8:1:2::%x]:4000", i+1)
		codes = append(codes, serve(a, r).Code)
	}
	if codes[2] != http.StatusTooManyRequests {
		t.Fatalf("three addresses of one /64: %v", codes)
	}
}
