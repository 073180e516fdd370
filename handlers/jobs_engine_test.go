package handlers_test

import (
	"context"
	"testing"
	"time"

	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/models"
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
