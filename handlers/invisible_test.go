package handlers_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// A name typed with a right-to-left override or zero-width characters is stored, shown and
// signed into the badge as it is seen: the invisible characters are gone everywhere.
func TestInvisibleCharactersNeverReachACredential(t *testing.T) {
	hostile := "\u202eAda\u200b Love\ufefflace\u2066"
	site, w, _ := issuingSite(t, testutil.SQLite(t))
	u := site.devUser("Ada", "ada@example.org")
	u.form("/sign", "/sign", person(url.Values{"name": {hostile}, "affiliation": {"Open\u200d\u200d Lab\u00ad"},
		"statement": {"Recognition\u202e matters."}}))
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var sg models.Signatory
	site.store.DB.Take(&sg)
	if sg.Name != "Ada Lovelace" || sg.Affiliation != "Open Lab" || sg.Statement != "Recognition matters." {
		t.Errorf("stored %q, %q, %q; want the visible text only", sg.Name, sg.Affiliation, sg.Statement)
	}
	_, api := getWith(t, site.srv.URL+"/api/v1/signatories/"+sg.PublicID, "")
	var out struct{ Credentials []struct{ URL string } }
	json.Unmarshal([]byte(api), &out)
	if len(out.Credentials) != 1 {
		t.Fatalf("credentials %+v", out.Credentials)
	}
	for _, page := range []string{"/signatories/" + sg.PublicID, strings.TrimPrefix(out.Credentials[0].URL, site.srv.URL) + ".json"} {
		_, body := getWith(t, site.srv.URL+page, "")
		for _, bad := range []string{"\u202e", "\u200b", "\ufeff", "\u2066", `\u202e`, `\u200b`, `\ufeff`, `\u2066`} {
			if strings.Contains(body, bad) {
				t.Errorf("%s carries %+q", page, bad)
			}
		}
		if !strings.Contains(body, "Ada Lovelace") {
			t.Errorf("%s does not name Ada Lovelace", page)
		}
	}
}
