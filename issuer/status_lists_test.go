package issuer

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// listBit reads entry index of a signed status list credential.
func listBit(t *testing.T, doc []byte, index int) bool {
	t.Helper()
	var list struct {
		CredentialSubject struct{ EncodedList string }
	}
	if err := json.Unmarshal(doc, &list); err != nil {
		t.Fatal(err)
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

// openStatusJobs counts the open credentials.status jobs.
func openStatusJobs(t *testing.T, s *models.Store) int64 {
	t.Helper()
	var n int64
	s.DB.Model(&models.Job{}).Where("kind = ? AND done_at IS NULL AND failed_at IS NULL", models.StatusJobKind).Count(&n)
	return n
}

// The credentials.status job signs a list made stale by a revocation once and stores it; a
// list revoked again while it was being signed stays stale, is served fresh meanwhile, and is
// signed again.
func TestStatusJobSignsStaleListsOnce(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		w, keys := testWorker(t, s)
		sl := w.StatusLists()
		ada, adaEntry := signUp(t, s, "ada@example.org", "Ada Lovelace", models.Public)
		bob, bobEntry := signUp(t, s, "bob@example.org", "Bob Example", models.Public)
		carol, carolEntry := signUp(t, s, "carol@example.org", "Carol Example", models.Public)
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		badge := func(sg models.Signatory) models.Credential {
			creds, err := s.SignatoryCredentials(ctx, sg.ID)
			if err != nil || len(creds) == 0 {
				t.Fatalf("credentials of %s: %v, %v", sg.Name, creds, err)
			}
			return creds[0]
		}
		ref := models.StatusListRef{List: badge(adaEntry).StatusList}
		row := func() *models.StoredStatusList {
			r, err := s.StatusListRow(ctx, ref)
			if err != nil || r == nil {
				t.Fatalf("stored list: %v, %v", r, err)
			}
			return r
		}
		// Issuing marks nothing stale and queues no job: no bit moved.
		if n, err := sl.signStale(ctx); err != nil || n != 0 || openStatusJobs(t, s) != 0 {
			t.Fatalf("after issuing: the job stored %d lists (%v); %d jobs open", n, err, openStatusJobs(t, s))
		}
		first, err := sl.Serve(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if r := row(); r.Version != 1 || r.SignedVersion != 1 || *r.Document != string(first.Body) {
			t.Fatalf("first request: stored version %d signed from %d", r.Version, r.SignedVersion)
		}

		// A revocation makes the list stale and queues the job in its own transaction.
		if _, err := s.Withdraw(ctx, ada, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if r := row(); r.Version != 2 || r.SignedVersion != 1 {
			t.Fatalf("after the revocation: version %d signed from %d, want 2 and 1", r.Version, r.SignedVersion)
		}
		if n := openStatusJobs(t, s); n != 1 {
			t.Fatalf("%d credentials.status jobs open after the revocation, want 1", n)
		}
		if n, err := sl.signStale(ctx); err != nil || n != 1 {
			t.Fatalf("the job stored %d lists (%v), want 1", n, err)
		}
		signed := row()
		if signed.SignedVersion != 2 || !listBit(t, []byte(*signed.Document), badge(adaEntry).StatusIndex) {
			t.Fatalf("after the job: signed from %d, Ada's bit set %v", signed.SignedVersion, listBit(t, []byte(*signed.Document), badge(adaEntry).StatusIndex))
		}
		if err := sl.Signer.Verify(mapOf(t, *signed.Document), keys.All(), w.DID); err != nil {
			t.Errorf("stored list does not verify: %v", err)
		}
		// Once: a second run finds nothing stale, and the stored copy is what is served.
		if n, err := sl.signStale(ctx); err != nil || n != 0 {
			t.Errorf("a second run stored %d lists (%v)", n, err)
		}
		if got, _ := sl.Serve(ctx, ref); string(got.Body) != *signed.Document || !row().SignedAt.Equal(*signed.SignedAt) {
			t.Error("the stored copy was not served as stored")
		}

		// Bob's revocation: the job reads the stale list and its bits, and signs...
		if _, err := s.Withdraw(ctx, bob, ""); err != nil {
			t.Fatal(err)
		}
		w.Drain(ctx)
		stale, err := s.StaleStatusLists(ctx, 10)
		if err != nil || len(stale) != 1 || stale[0].Ref.List != ref.List || stale[0].Version != 3 {
			t.Fatalf("stale lists %+v, %v", stale, err)
		}
		_, revoked, err := s.StatusListBits(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		body, method, at, err := sl.sign(ref, revoked)
		if err != nil {
			t.Fatal(err)
		}
		// ... while Carol's revocation commits.
		if _, err := s.Withdraw(ctx, carol, ""); err != nil {
			t.Fatal(err)
		}
		w.Drain(ctx)
		if stored, err := s.StoreStatusList(ctx, ref, stale[0].Version, body, method, at); err != nil || !stored {
			t.Fatalf("storing the copy signed from version 3: %v, %v", stored, err)
		}
		if r := row(); r.SignedVersion != 3 || r.Version != 4 {
			t.Fatalf("after the race: version %d signed from %d, want 4 and 3 (still stale)", r.Version, r.SignedVersion)
		}
		if listBit(t, []byte(body), badge(carolEntry).StatusIndex) {
			t.Fatal("the copy signed before Carol's revocation has her bit set")
		}
		// A request meanwhile never sees the older copy.
		fresh, err := sl.Serve(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if !listBit(t, fresh.Body, badge(carolEntry).StatusIndex) || !listBit(t, fresh.Body, badge(bobEntry).StatusIndex) {
			t.Error("a request during the race was served a list without the revocations committed")
		}
		// The revocation asked for the job again; it signs the list from version 4 (unless the
		// request above stored it first: either way once, and current).
		if n := openStatusJobs(t, s); n != 1 {
			t.Errorf("%d credentials.status jobs open, want 1", n)
		}
		sl.signStale(ctx)
		if r := row(); r.SignedVersion != 4 || !listBit(t, []byte(*r.Document), badge(carolEntry).StatusIndex) {
			t.Errorf("after the next run: signed from %d, Carol's bit set %v", r.SignedVersion, listBit(t, []byte(*r.Document), badge(carolEntry).StatusIndex))
		}
		if n, _ := sl.signStale(ctx); n != 0 {
			t.Errorf("a run with nothing stale stored %d lists", n)
		}
		// An old copy is never stored over a newer one.
		if stored, err := s.StoreStatusList(ctx, ref, 3, body, method, at); err != nil || stored {
			t.Errorf("a copy signed from version 3 replaced the one signed from 4: %v, %v", stored, err)
		}
	})
}

func mapOf(t *testing.T, doc string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	return m
}
