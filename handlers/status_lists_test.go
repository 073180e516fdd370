package handlers_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// servedList is a status list as one server answered it.
type servedList struct {
	code       int
	body, etag string
}

func getList(t *testing.T, e http.Handler, path, ifNoneMatch string) servedList {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code == http.StatusOK && (rec.Header().Get("Content-Type") != "application/ld+json" ||
		rec.Header().Get("Cache-Control") != "public, max-age=60" || rec.Header().Get("Access-Control-Allow-Origin") != "*") {
		t.Errorf("%s: headers %v", path, rec.Header())
	}
	return servedList{rec.Code, rec.Body.String(), rec.Header().Get("ETag")}
}

// entrySet reads entry index of a served status list.
func entrySet(t *testing.T, l servedList, index int) bool {
	t.Helper()
	var list struct {
		CredentialSubject struct{ EncodedList string }
	}
	if err := json.Unmarshal([]byte(l.body), &list); err != nil || len(list.CredentialSubject.EncodedList) < 2 {
		t.Fatalf("not a status list (%v): %.200s", err, l.body)
	}
	z, err := base64.RawURLEncoding.DecodeString(list.CredentialSubject.EncodedList[1:])
	if err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	bits, _ := io.ReadAll(r)
	return bits[index/8]&(0x80>>(index%8)) != 0
}

// Two servers on one database (each its own connection pool, handler and clock, the second two
// minutes ahead so that a copy each signed itself would differ) serve the same bytes for the
// registry's status list and an endorser's; a revocation shows on both as soon as it commits,
// before any job has run, and they still agree.
func TestStatusListsSameOnEveryServer(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		site, w, keys, first := workerSite(t, s, handlers.Config{DevLogin: true})
		other, err := models.Open(ctx, s.Location)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		other.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
		second, _, err := handlers.New(handlers.Deps{Store: other, Logger: discardLogger(), Keys: keys, Config: handlers.Config{BaseURL: site.srv.URL}})
		if err != nil {
			t.Fatal(err)
		}
		servers := []http.Handler{first, second}

		ada, adaEntry, bea, beaEntry := site.twoSignatories()
		page := "/signatories/" + adaEntry.PublicID
		bea.form(page, page+"/endorse", url.Values{"level": {"advocate"}})
		ada.form("/account", "/account/endorsements/"+beaEntry.PublicID+"/accept", nil)
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		var badge, endorsement models.Credential
		if err := s.DB.Where("signatory_id = ? AND kind = 'signatory'", adaEntry.ID).Take(&badge).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.DB.Where("kind = 'endorsement'").Take(&endorsement).Error; err != nil || endorsement.IssuerIndex == nil {
			t.Fatalf("endorsement credential %+v: %v", endorsement, err)
		}
		registryList := "/status/" + strconv.Itoa(badge.StatusList)
		endorserList := "/signatories/" + beaEntry.PublicID + "/status"
		did, _ := issuer.DID(site.srv.URL)
		signer, _ := issuer.NewSigner()
		beaKeys, _ := keys.SignatoryKeys(beaEntry.PublicID)
		verify := func(path string, l servedList) {
			t.Helper()
			var doc map[string]any
			json.Unmarshal([]byte(l.body), &doc)
			keysOf, didOf := keys.All(), did
			if path == endorserList {
				keysOf, didOf = beaKeys, issuer.SignatoryDID(did, beaEntry.PublicID)
			}
			if err := signer.Verify(doc, keysOf, didOf); err != nil {
				t.Errorf("%s does not verify: %v", path, err)
			}
		}
		// same asks each server in turn (the order given) and checks that they answer the same
		// signed bytes and ETag.
		same := func(path string, order ...int) servedList {
			t.Helper()
			var got []servedList
			for _, i := range order {
				got = append(got, getList(t, servers[i], path, ""))
			}
			for i, l := range got {
				if l.code != http.StatusOK || l.etag == "" {
					t.Fatalf("%s from server %d: %d, ETag %q", path, order[i], l.code, l.etag)
				}
				if l.body != got[0].body || l.etag != got[0].etag {
					t.Errorf("%s: server %d and server %d serve different lists:\n%.300s\n%.300s", path, order[0], order[i], got[0].body, l.body)
				}
			}
			verify(path, got[0])
			return got[0]
		}

		for _, path := range []string{registryList, endorserList} {
			l := same(path, 0, 1)
			if entrySet(t, l, badge.StatusIndex) && path == registryList || path == endorserList && entrySet(t, l, *endorsement.IssuerIndex) {
				t.Errorf("%s: an entry is set before any revocation", path)
			}
			// Revalidation by ETag works on either server.
			if got := getList(t, second, path, l.etag); got.code != http.StatusNotModified {
				t.Errorf("%s with If-None-Match: %d, want 304", path, got.code)
			}
		}
		var stored int64
		s.DB.Model(&models.StoredStatusList{}).Where("signed_version = version").Count(&stored)
		if stored != 2 {
			t.Errorf("%d status lists stored, want 2 (the registry's and Bea's)", stored)
		}

		// Bea withdraws her endorsement: its credential is revoked in that transaction, and both
		// servers show it at once, asked in either order.
		bea.post(page+"/endorse/withdraw", url.Values{"_csrf": {site.csrf(bea.c, "/account")}})
		var open int64
		s.DB.Model(&models.Job{}).Where("kind = ? AND done_at IS NULL", models.StatusJobKind).Count(&open)
		if open != 1 {
			t.Errorf("%d credentials.status jobs queued by the revocation, want 1", open)
		}
		if l := same(endorserList, 1, 0); !entrySet(t, l, *endorsement.IssuerIndex) {
			t.Error("the endorser's list does not show the withdrawn endorsement revoked")
		}
		if l := same(registryList, 0, 1); !entrySet(t, l, endorsement.StatusIndex) {
			t.Error("the registry's list does not show the withdrawn endorsement revoked")
		}

		// Ada withdraws from the registry: her badge is revoked when the worker commits it.
		ada.form("/account", "/account/withdraw", url.Values{})
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if l := same(registryList, 1, 0); !entrySet(t, l, badge.StatusIndex) {
			t.Error("the registry's list does not show the withdrawn signatory's badge revoked")
		}

		// The job then finds every list current: the servers stored what they signed.
		if err := w.StatusLists().Job(ctx, nil); err != nil {
			t.Fatal(err)
		}
		var stale int64
		s.DB.Model(&models.StoredStatusList{}).Where("signed_version < version").Count(&stale)
		if stale != 0 {
			t.Errorf("%d status lists still stale", stale)
		}
	})
}
