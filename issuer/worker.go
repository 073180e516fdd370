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
	// IssuerEmail is the issuer Profile's e-mail (--issuer-email); empty means registry@<host>.
	IssuerEmail string

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

// Run works until ctx ends. A long backlog (a large import) is worked off at half a core:
// after each full batch the worker rests as long as the batch took, so that pages stay fast
// while thousands of badges are signed.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		start := time.Now()
		n, err := w.batch(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("issuing credentials", "err", err)
		}
		if n == batchSize {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Since(start)):
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-t.C:
		}
	}
}

// batchSize is how many jobs one transaction closes.
const batchSize = 100

// Drain does every open job and returns how many it closed.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	done := 0
	for ctx.Err() == nil {
		n, err := w.batch(ctx)
		done += n
		if err != nil || n == 0 {
			return done, err
		}
	}
	return done, ctx.Err()
}

// batch does up to batchSize open jobs, oldest first: each is signed on its own, and one
// transaction stores them all, each credential with the closing of its job. It returns how
// many jobs it took on (a job whose status index was taken is signed again next time).
func (w *Worker) batch(ctx context.Context) (int, error) {
	tasks, err := w.Store.PendingIssuance(ctx, batchSize)
	if err != nil || len(tasks) == 0 {
		return 0, err
	}
	if err := w.Keys.Refresh(); err != nil {
		return 0, err
	}
	list, used, err := w.Store.StatusListFill(ctx)
	if err != nil {
		return 0, err
	}
	items := make([]models.Completion, 0, len(tasks))
	// revoking notes the badges this batch revokes before it reaches a later issuance of the
	// same badge, which must then be signed anew.
	type badge struct {
		signatory int64
		kind      string
	}
	revoking := map[badge]bool{}
	for _, task := range tasks {
		if used >= models.StatusListQuota {
			list, used = list+1, 0
		}
		key := badge{task.Job.SignatoryID, task.Job.Kind}
		if task.Job.Action == "revoke" {
			revoking[key] = true
		}
		if task.Job.Action == "issue" && task.Live && !revoking[key] {
			// The signatory holds this badge already: signing another would only be refused by
			// the schema (one live credential per signatory and achievement).
			items = append(items, models.Completion{Job: task.Job, Skip: "already issued"})
			continue
		}
		it, err := w.prepare(task, list)
		if err != nil {
			w.Log.Warn("issuance failed; will retry", "job", task.Job.ID, "err", err)
			if ferr := w.Store.FailIssuance(ctx, task.Job.ID, err.Error()); ferr != nil {
				return 0, ferr
			}
			continue
		}
		if it.Credential != nil {
			used++
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return 0, errors.New("no issuance job could be done; they are retried on the next round")
	}
	if _, err := w.Store.CompleteBatch(ctx, items); err != nil {
		return 0, err
	}
	return len(tasks), nil
}

// prepare works out one job: a revocation, a badge signed with a random index of the status
// list, or nothing to do.
func (w *Worker) prepare(task models.IssuanceTask, list int) (models.Completion, error) {
	job := task.Job
	it := models.Completion{Job: job}
	switch {
	case job.Action == "revoke":
		return it, nil
	case !task.Signatory.Listed:
		it.Skip = "the signatory is not in the registry"
		return it, nil
	case job.Kind != "signatory" && job.Kind != "advocate" && job.Kind != "ambassador":
		it.Skip = fmt.Sprintf("%s credentials are issued on request", job.Kind)
		return it, nil
	}
	n, err := rand.Int(rand.Reader, big.NewInt(models.StatusListSize))
	if err != nil {
		return it, err
	}
	c, sigID, err := w.sign(task, list, int(n.Int64()))
	if err != nil {
		return it, err
	}
	it.Credential = &models.Credential{ID: c.id, SignatoryID: task.Signatory.ID, Kind: job.Kind, SignatureID: sigID,
		StatusList: list, StatusIndex: int(n.Int64()), Document: c.doc, IssuedAt: c.issued,
		Carries: &models.NameUse{SignatoryID: task.Signatory.ID, Name: c.name}}
	return it, nil
}

type signedCredential struct {
	id, doc string
	// name is the recipient's name signed in, "" for none.
	name   string
	issued time.Time
}

// sign builds and signs one badge.
func (w *Worker) sign(task models.IssuanceTask, list, index int) (signedCredential, *int64, error) {
	sg := task.Signatory
	now := w.Store.Now().Truncate(time.Second)
	in := BadgeInput{BaseURL: w.BaseURL, DID: w.DID, CredentialID: uuid.NewString(), Kind: task.Job.Kind, Subject: sg.PublicID,
		IssuedAt: now, StatusList: list, StatusIndex: index, IssuerName: w.IssuerName}
	// The name only when public. The text was cleaned on its way in; cleaning again costs
	// nothing and keeps the canonical form safe whatever the path.
	in.Name = models.PublicName(&sg)
	var sigID *int64
	if task.Job.Kind == "signatory" {
		s := task.Signature
		if s == nil {
			return signedCredential{}, nil, errors.New("the signatory has no signature to bind the badge to")
		}
		in.Version, in.Lang, in.SHA256, in.SignedAt = s.DeclarationVersion, s.Lang, s.TextSHA256, s.SignedAt
		sigID = &s.ID
	}
	c, err := w.badge(in, task)
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
	return signedCredential{id: in.CredentialID, doc: string(b), name: in.Name, issued: now}, sigID, nil
}

// IssueEndorsement signs an accepted endorsement with the endorser's custodial key and stores
// it, unless it was issued meanwhile; it returns the credential's id. Endorsements are issued on
// first request rather than through the outbox: there can be millions.
func (w *Worker) IssueEndorsement(ctx context.Context, e *models.AcceptedEndorsement) (string, error) {
	key, err := w.Keys.SignatoryKey(e.FromPublicID)
	if err != nil {
		return "", err
	}
	for attempt := 0; attempt < 8; attempt++ {
		// The endorser's name only when public.
		name := models.PublicName(&models.Signatory{Name: e.FromName, Visibility: models.Visibility{Name: e.FromNameVis}})
		list, _, err := w.Store.StatusListFill(ctx)
		if err != nil {
			return "", err
		}
		n, err := rand.Int(rand.Reader, big.NewInt(models.StatusListSize))
		if err != nil {
			return "", err
		}
		now := w.Store.Now().Truncate(time.Second)
		in := EndorsementInput{BaseURL: w.BaseURL, DID: w.DID, CredentialID: uuid.NewString(), From: e.FromPublicID, FromName: name,
			To: e.ToPublicID, Level: e.Level, Comment: models.CleanText(e.Comment), IssuedAt: now}
		signed, err := w.Signer.Sign(Endorsement(in), key, SignatoryDID(w.DID, e.FromPublicID), now)
		if err != nil {
			return "", err
		}
		doc, err := json.Marshal(signed)
		if err != nil {
			return "", err
		}
		id, err := w.Store.StoreEndorsementCredential(ctx, models.Credential{ID: in.CredentialID, SignatoryID: e.ToID, Kind: "endorsement",
			EndorsementID: &e.ID, StatusList: list, StatusIndex: int(n.Int64()), Document: string(doc), IssuedAt: now,
			Carries: &models.NameUse{SignatoryID: e.FromID, Name: name}})
		if errors.Is(err, models.ErrStatusIndexTaken) {
			continue
		}
		if errors.Is(err, models.ErrNameChanged) {
			// The endorser changed their public name meanwhile: sign again with the new choice.
			if e, err = w.Store.AcceptedEndorsementBetween(ctx, e.FromPublicID, e.ToPublicID); err != nil {
				return "", err
			}
			continue
		}
		return id, err
	}
	return "", errors.New("no free status list index after 8 draws")
}
