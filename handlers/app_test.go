package handlers_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// fixture is a small registry covering every visibility rule.
const fixture = `{"type":"signatory","ref":"ada","kind":"person","name":"Ada Lovelace","email":"ada@example.org","country":"GB","city":"London","affiliation":"Analytical Society","website":"https://ada.example.org","statement":"I sign because **recognition** matters.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) [ok](https://ok.example.org)","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"hid","kind":"person","name":"Hidden Person","email":"hidden@example.org","country":"IT","city":"Secretown","affiliation":"Secret Lab","statement":"secret statement","visibility":{"name":"members","city":"hidden","affiliation":"hidden","statement":"members"},"signed_at":"2024-05-02T10:00:00Z"}
{"type":"signatory","ref":"org","kind":"organisation","name":"Università Aperta","representative":"Giulia Rossi","role":"Rettrice","email":"rettrice@uni.example.org","country":"IT","city":"Bologna","signed_at":"2024-05-03T10:00:00Z"}
{"type":"signatory","ref":"unv","kind":"organisation","name":"Unverified Foundation","country":"FR","verified":false,"signed_at":"2024-05-04T10:00:00Z"}
{"type":"signatory","ref":"gone","kind":"person","name":"Gone Person","country":"FR","status":"withdrawn","signed_at":"2024-05-05T10:00:00Z"}
{"type":"signatory","ref":"mod","kind":"person","name":"Moderated Person","country":"FR","status":"hidden","signed_at":"2024-05-06T10:00:00Z"}
{"type":"signatory","ref":"zoe","kind":"person","name":"Zoé Müller","country":"CH","city":"Zürich","signed_at":"2024-05-07T10:00:00Z"}
{"type":"seed","ref":"ada"}
{"type":"endorsement","from":"ada","to":"zoe","level":"advocate","status":"accepted","comment":"Zoé *opens* doors.","created_at":"2024-06-01T12:00:00Z"}
{"type":"endorsement","from":"org","to":"zoe","level":"advocate","status":"pending","comment":"pending comment","created_at":"2024-06-02T12:00:00Z"}
`

func id(ref string) string { return models.SignatoryID("fixture", ref) }

type app struct {
	t     *testing.T
	e     *echo.Echo
	store *models.Store
}

func newApp(t *testing.T, s *models.Store, cfg handlers.Config) *app {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://localhost:8080"
	}
	e, _, err := handlers.New(handlers.Deps{Store: s, Logger: slog.New(slog.NewTextHandler(tWriter{t}, nil)), Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return &app{t: t, e: e, store: s}
}

func load(t *testing.T, s *models.Store, text string) { t.Helper(); testutil.Load(t, s, text) }

func (a *app) do(method, path string, header ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = "192.0.2.10:5555"
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	return rec
}

func (a *app) get(path string, header ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.do(http.MethodGet, path, header...)
}

func (a *app) page(path string, header ...string) *goquery.Document {
	a.t.Helper()
	rec := a.get(path, header...)
	if rec.Code != http.StatusOK {
		a.t.Fatalf("GET %s = %d\n%s", path, rec.Code, rec.Body.String())
	}
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return doc
}

func (a *app) json(path string, want int, into any) {
	a.t.Helper()
	rec := a.get(path)
	if rec.Code != want {
		a.t.Fatalf("GET %s = %d, want %d\n%s", path, rec.Code, want, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		a.t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), into); err != nil {
		a.t.Fatalf("GET %s: %v\n%s", path, err, rec.Body.String())
	}
}

// secrets must appear in no page, no JSON, no search result.
var secrets = []string{"Hidden Person", "Secretown", "Secret Lab", "secret statement", "@example.org", "Unverified Foundation",
	"Gone Person", "Moderated Person", "pending comment"}

func noSecrets(t *testing.T, where, body string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(body, s) {
			t.Errorf("%s reveals %q", where, s)
		}
	}
}

// tWriter sends the application's log to the test's log, shown when a test fails.
type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
