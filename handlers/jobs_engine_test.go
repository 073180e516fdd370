package handlers_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

// credentialEngine is a job engine that runs the credentials.issue job with w, as a server does;
// it runs until the test ends. Its poll is an hour: a badge issued in a test was started by the
// request's wake-up, not found by polling.
func credentialEngine(t *testing.T, s *models.Store, w *issuer.Worker) *jobs.Engine {
	t.Helper()
	e := &jobs.Engine{Store: s, Log: discardLogger(), Poll: time.Hour,
		Handlers: map[string]jobs.Handler{models.IssuanceJobKind: w.IssueJob}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("job engine: %v", err)
		}
	})
	return e
}

// A signature's badge is issued by the job engine, started by the signing request's wake-up (the
// engine polls once an hour here): the credentials.issue job the signature queued in its own
// transaction signs it with the real signer, and the independent verifier accepts it as served.
func TestSignatureBadgeIssuedThroughTheEngine(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		verify := testutil.Verifier(t)
		srv := httptest.NewServer(nil)
		t.Cleanup(srv.Close)
		keys, err := issuer.OpenKeys(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		w, err := issuer.NewWorker(s, keys, srv.URL, discardLogger())
		if err != nil {
			t.Fatal(err)
		}
		engine := credentialEngine(t, s, w)
		e, _, err := handlers.New(handlers.Deps{Store: s, Logger: discardLogger(), Keys: keys, Jobs: engine,
			Config: handlers.Config{BaseURL: srv.URL, DevLogin: true}})
		if err != nil {
			t.Fatal(err)
		}
		srv.Config.Handler = e
		site := &oidcSite{t: t, srv: srv, store: s}
		site.client = site.newClient()
		// The engine has looked once at start and found nothing; from now on only a wake-up
		// makes it look.
		time.Sleep(100 * time.Millisecond)
		u := site.devUser("Ada Example", "ada@example.org")
		u.form("/sign", "/sign", person(nil))
		var sg models.Signatory
		s.DB.Take(&sg)
		var cred models.Credential
		for deadline := time.Now().Add(20 * time.Second); ; {
			if err := s.DB.Where("signatory_id = ? AND kind = ?", sg.ID, "signatory").Take(&cred).Error; err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no Signatory badge 20 s after the signature: the engine did not issue it")
			}
			time.Sleep(20 * time.Millisecond)
		}
		var job models.Job
		if err := s.DB.Where("kind = ?", models.IssuanceJobKind).Take(&job).Error; err != nil {
			t.Fatalf("no credentials.issue job was queued with the signature: %v", err)
		}
		for deadline := time.Now().Add(10 * time.Second); job.DoneAt == nil; s.DB.Take(&job, job.ID) {
			if time.Now().After(deadline) {
				t.Fatalf("the credentials.issue job stays open after its work: %+v", job)
			}
			time.Sleep(20 * time.Millisecond)
		}
		v := fetchVerifiable(t, site, cred)
		if got := verify(v.cred, v.did, v.status); !got.Verified {
			t.Errorf("the badge the engine issued does not verify: %s", got.Error)
		}
	})
}
