package issuer

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/google/uuid"
	"github.com/open-recognition/registry/models"
)

// Worker works off the issuance outbox: it signs each badge outside any database transaction
// and stores it together with the closing of its job, so that a crash at any point leaves
// either a finished job or one that is simply done again.
type Worker struct {
	Store      *models.Store
	Keys       *Keys
	Signer     *Signer
	BaseURL    string
	DID        string
	IssuerName string
	Log        *slog.Logger
	// Poll is how often the outbox is read when nothing wakes the worker (changes made by
	// another process); 1 s by default.
	Poll time.Duration

	wake chan struct{}
}

// NewWorker prepares a worker.
func NewWorker(store *models.Store, keys *Keys, baseURL string, log *slog.Logger) (*Worker, error) {
	signer, err := NewSigner()
	if err != nil {
		return nil, err
	}
	did, err := DID(baseURL)
	if err != nil {
		return nil, err
	}
	return &Worker{Store: store, Keys: keys, Signer: signer, BaseURL: baseURL, DID: did, IssuerName: "Open Recognition Registry",
		Log: log, Poll: time.Second, wake: make(chan struct{}, 1)}, nil
}

// Wake makes the worker look at the outbox now (a signature was just recorded).
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("issuing credentials", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-t.C:
		}
	}
}

// Drain does every open job and returns how many it closed.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	done := 0
	for ctx.Err() == nil {
		tasks, err := w.Store.PendingIssuance(ctx, 100)
		if err != nil {
			return done, err
		}
		if len(tasks) == 0 {
			return done, nil
		}
		progress := false
		for _, task := range tasks {
			if err := w.Do(ctx, task); err != nil {
				w.Log.Warn("issuance failed; will retry", "job", task.Job.ID, "err", err)
				if ferr := w.Store.FailIssuance(ctx, task.Job.ID, err.Error()); ferr != nil {
					return done, ferr
				}
				continue
			}
			done++
			progress = true
		}
		if !progress {
			return done, errors.New("no issuance job could be done; they are retried on the next round")
		}
	}
	return done, ctx.Err()
}

// Do carries out one job.
func (w *Worker) Do(ctx context.Context, task models.IssuanceTask) error {
	job := task.Job
	if job.Action == "revoke" {
		return w.Store.CompleteRevocation(ctx, job)
	}
	sg := task.Signatory
	if !sg.Listed {
		return w.Store.SkipIssuance(ctx, job.ID, "the signatory is not in the registry")
	}
	if job.Kind != "signatory" && job.Kind != "advocate" && job.Kind != "ambassador" {
		return w.Store.SkipIssuance(ctx, job.ID, fmt.Sprintf("%s credentials are issued on request", job.Kind))
	}
	if err := w.Keys.Refresh(); err != nil {
		return err
	}
	for attempt := 0; attempt < 8; attempt++ {
		list, err := w.Store.NextStatusList(ctx)
		if err != nil {
			return err
		}
		n, err := rand.Int(rand.Reader, big.NewInt(models.StatusListSize))
		if err != nil {
			return err
		}
		c, sigID, err := w.sign(task, list, int(n.Int64()))
		if err != nil {
			return err
		}
		err = w.Store.CompleteIssuance(ctx, job.ID, models.Credential{ID: c.id, SignatoryID: sg.ID, Kind: job.Kind, SignatureID: sigID,
			StatusList: list, StatusIndex: int(n.Int64()), Document: c.doc, IssuedAt: c.issued})
		if errors.Is(err, models.ErrStatusIndexTaken) {
			continue
		}
		if errors.Is(err, models.ErrJobClosed) {
			return nil
		}
		return err
	}
	return errors.New("no free status list index after 8 draws")
}

type signedCredential struct {
	id     string
	doc    string
	issued time.Time
}

// sign builds and signs one badge.
func (w *Worker) sign(task models.IssuanceTask, list, index int) (signedCredential, *int64, error) {
	sg := task.Signatory
	now := w.Store.Now().Truncate(time.Second)
	in := BadgeInput{BaseURL: w.BaseURL, DID: w.DID, CredentialID: uuid.NewString(), Kind: task.Job.Kind, Subject: sg.PublicID,
		IssuedAt: now, StatusList: list, StatusIndex: index, IssuerName: w.IssuerName}
	if sg.Visibility.Name == models.Public {
		// The text was cleaned on its way in; cleaning again costs nothing and keeps the
		// canonical form safe whatever the path.
		in.Name = models.CleanLine(sg.Name)
	}
	var sigID *int64
	if task.Job.Kind == "signatory" {
		s := task.Signature
		if s == nil {
			return signedCredential{}, nil, errors.New("the signatory has no signature to bind the badge to")
		}
		in.Version, in.Lang, in.SHA256, in.SignedAt = s.DeclarationVersion, s.Lang, s.TextSHA256, s.SignedAt
		sigID = &s.ID
	}
	c, err := Badge(in)
	if err != nil {
		return signedCredential{}, nil, err
	}
	signed, err := w.Signer.Sign(c, w.Keys.Current(), w.DID, now)
	if err != nil {
		return signedCredential{}, nil, err
	}
	b, err := json.Marshal(signed)
	if err != nil {
		return signedCredential{}, nil, err
	}
	return signedCredential{id: in.CredentialID, doc: string(b), issued: now}, sigID, nil
}
