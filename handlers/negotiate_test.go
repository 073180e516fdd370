package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// /credentials/{id} answers what the client asks for: the page to browsers (their real Accept
// headers), the credential to wallets and verifiers, including VC 2.0's application/vc, with
// q-values read as RFC 9110 says; Vary: Accept on every answer.
func TestCredentialContentNegotiation(t *testing.T) {
	s := testutil.SQLite(t)
	site, w, _ := issuingSite(t, s)
	ctx := context.Background()
	u := site.devUser("Ada Example", "ada@example.org")
	u.form("/sign", "/sign", person(nil))
	if n, err := w.Drain(ctx); err != nil || n != 1 {
		t.Fatalf("drain: %d, %v", n, err)
	}
	var cred models.Credential
	s.DB.Take(&cred)
	credURL := site.srv.URL + "/credentials/" + cred.ID
	const page = "text/html"
	for _, c := range []struct{ name, accept, want string }{
		{"Chrome", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7", page},
		{"Firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", page},
		{"Safari", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", page},
		{"no Accept", "", page},
		{"curl", "*/*", page},
		{"VC 2.0", "application/vc", "application/vc"},
		{"VC 2.0 draft name", "application/vc+ld+json", "application/vc+ld+json"},
		{"wallet with q-values", "application/vc, application/ld+json;q=0.9, */*;q=0.1", "application/vc"},
		{"wallet preferring JSON-LD", "application/vc;q=0.8, application/ld+json", "application/ld+json"},
		{"JSON-LD with a profile", `application/ld+json;profile="https://www.w3.org/ns/credentials/v2", application/json;q=0.5`, "application/ld+json"},
		{"page ranked lower", "text/html;q=0.5, application/vc", "application/vc"},
		{"page ranked higher", "text/html, application/vc;q=0.9", page},
		{"JSON refused", "application/vc;q=0, text/html;q=0.1", page},
		{"tie goes to the first listed", "application/json, text/html", "application/json"},
		{"any application type", "application/*", "application/ld+json"},
		{"nothing we serve", "image/png", page},
	} {
		req, _ := http.NewRequest(http.MethodGet, credURL, nil)
		if c.accept != "" {
			req.Header.Set("Accept", c.accept)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		buf := make([]byte, 1<<16)
		for {
			n, err := res.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		res.Body.Close()
		ct := res.Header.Get("Content-Type")
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Vary"), "Accept") {
			t.Errorf("%s: %d, Vary %q", c.name, res.StatusCode, res.Header.Get("Vary"))
		}
		if c.want == page {
			if !strings.HasPrefix(ct, "text/html") || !strings.Contains(b.String(), "This badge is valid.") {
				t.Errorf("%s (Accept: %s): %s, want the verification page", c.name, c.accept, ct)
			}
			continue
		}
		if ct != c.want || b.String() != cred.Document {
			t.Errorf("%s (Accept: %s): %s, want the credential as %s", c.name, c.accept, ct, c.want)
		}
	}
}
