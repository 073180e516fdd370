package issuer

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"runtime"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/traffic"
)

// Worker works off the issuance outbox: it signs each badge outside any database transaction
// and stores it together with the closing of its outbox row, so that a crash at any point leaves
// either a closed row or one that is simply done again. In a server it runs as the job engine's
// credentials.issue job (IssueJob); the command line drains the outbox in-process (Drain).
type Worker struct {
	Store      *models.Store
	Keys       *Keys
	Signer     *Signer
	BaseURL    string
	DID        string
	IssuerName string
	Log        *slog.Logger
	// IssuerEmail is the issuer Profile's e-mail (--issuer-email); empty means registry@<host>.
	IssuerEmail string
	// Traffic is the server's visitors: a backlog is signed on every core while nobody visits
	// and gives way to them as they come (worker_job.go). Nil counts as nobody.
	Traffic *traffic.Meter
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
		Log: log}, nil
}

// batchSize is how many jobs one transaction closes.
const batchSize = 100

// signers is how many badges are signed at once: one per core the process may use.
func signers() int { return max(1, runtime.GOMAXPROCS(0)) }

// bulkSigners is how many badges of a bulk backlog are signed at once in a server: every core
// while nobody visits, else every core but one, which stays free for pages.
func (w *Worker) bulkSigners() int {
	if w.Traffic.Idle() {
		return signers()
	}
	return max(1, signers()-1)
}

// Drain does every open job, signing on every core, and returns how many jobs it closed.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	done := 0
	for ctx.Err() == nil {
		r, err := w.batch(ctx, signers())
		done += r.closed
		if err != nil || r.taken == 0 {
			return done, err
		}
	}
	return done, ctx.Err()
}

// outcome is what one batch did.
type outcome struct {
	// taken is how many open jobs it read; closed how many of them it closed (a job whose
	// status index turned out taken, or whose signing failed, stays open).
	taken, closed int
	// bulk says the batch was bulk work; crowd that it was a full batch of interactive work;
	// signers how many badges it signed at once.
	bulk, crowd bool
	signers     int
}

// batch does up to batchSize open jobs in the outbox's order (interactive work, then bulk work,
// each oldest first): the badges are signed outside any transaction, bulkSigners or signers at a
// time, and one transaction stores them all, each credential with the closing of its job. A
// batch that starts with interactive work holds only interactive work, so that a person's badge
// is never signed after a hundred of an import's.
func (w *Worker) batch(ctx context.Context, bulkSigners int) (outcome, error) {
	tasks, err := w.Store.PendingIssuance(ctx, batchSize)
	if err != nil || len(tasks) == 0 {
		return outcome{}, err
	}
	r := outcome{signers: signers()}
	if tasks[0].Job.Priority == models.PriorityInteractive {
		for i, t := range tasks {
			if t.Job.Priority != models.PriorityInteractive {
				tasks = tasks[:i]
				break
			}
		}
		if len(tasks) == batchSize {
			// A full batch of people's badges: a crowd is signing, and their requests need the
			// cores more than their badges do (IssueJob rests after it).
			r.crowd, r.signers = true, bulkSigners
		}
	} else {
		r.bulk, r.signers = true, bulkSigners
	}
	r.taken = len(tasks)
	if err := w.Keys.Refresh(); err != nil {
		return r, err
	}
	list, used, err := w.Store.StatusListFill(ctx)
	if err != nil {
		return r, err
	}
	key := w.Keys.Current()
	// What to do with each job is decided in order (a revocation reaches a later issuance of the
	// same badge, status indexes are drawn without repeats); the signing is then spread over
	// the signers.
	type badge struct {
		signatory   int64
		kind        string
		endorsement int64
	}
	revoking := map[badge]bool{}
	drawn := map[[2]int]bool{}
	// Each endorser's status list is filled in order: the next entry of each endorser met in
	// this batch (an entry taken meanwhile by another worker is found when the batch is stored).
	nextEntry := map[int64]int{}
	items := make([]models.Completion, len(tasks))
	failed := make([]error, len(tasks))
	type slot struct{ i, list, index, entry int }
	var toSign []slot
	for i, task := range tasks {
		items[i] = models.Completion{Job: task.Job}
		b := badge{task.Job.SignatoryID, task.Job.Kind, 0}
		live := task.Live
		if task.Job.EndorsementID != nil {
			b.endorsement = *task.Job.EndorsementID
			live = task.Endorsement != nil && task.Endorsement.Live
		}
		if task.Job.Action == "revoke" {
			revoking[b] = true
			continue
		}
		if live && !revoking[b] {
			// The signatory holds this badge already: signing another would only be refused by
			// the schema (one live credential per signatory and achievement).
			items[i].Skip = "already issued"
			continue
		}
		if used >= models.StatusListQuota {
			list, used = list+1, 0
		}
		index, err := w.freeIndex(list, drawn)
		if err != nil {
			return r, err
		}
		used++
		entry := -1
		if e := task.Endorsement; e != nil {
			if _, ok := nextEntry[e.FromID]; !ok {
				nextEntry[e.FromID] = e.NextIndex
			}
			entry = nextEntry[e.FromID]
			nextEntry[e.FromID]++
		}
		toSign = append(toSign, slot{i, list, index, entry})
	}
	var wg sync.WaitGroup
	next := make(chan slot)
	for range min(r.signers, len(toSign)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range next {
				// A badge is a millisecond of CPU; between two, the goroutines waiting for a core
				// go first. The one that commits the grouped writes gives its core up at every
				// call into SQLite and needs one back at once: it holds the write lock meanwhile.
				runtime.Gosched()
				if tasks[s.i].Job.Kind == "endorsement" {
					items[s.i], failed[s.i] = w.prepareEndorsement(tasks[s.i], s.list, s.index, s.entry)
					continue
				}
				items[s.i], failed[s.i] = w.prepare(tasks[s.i], key, s.list, s.index)
			}
		}()
	}
	for _, s := range toSign {
		next <- s
	}
	close(next)
	wg.Wait()
	done := items[:0]
	for i, it := range items {
		if failed[i] != nil {
			w.Log.Warn("issuance failed; will retry", "job", tasks[i].Job.ID, "err", failed[i])
			if ferr := w.Store.FailIssuance(ctx, tasks[i].Job.ID, failed[i].Error()); ferr != nil {
				return r, ferr
			}
			continue
		}
		done = append(done, it)
	}
	if len(done) == 0 {
		return r, errors.New("no issuance job could be done; they are retried on the next round")
	}
	retry, err := w.Store.CompleteBatch(ctx, done)
	if err != nil {
		return r, err
	}
	r.closed = len(done) - len(retry)
	return r, nil
}

// freeIndex draws a random index of a status list that no other credential of the batch has
// drawn; an index another credential already holds is found when the batch is stored.
func (w *Worker) freeIndex(list int, drawn map[[2]int]bool) (int, error) {
	for {
		n, err := rand.Int(rand.Reader, big.NewInt(models.StatusListSize))
		if err != nil {
			return 0, err
		}
		k := [2]int{list, int(n.Int64())}
		if !drawn[k] {
			drawn[k] = true
			return k[1], nil
		}
	}
}

// prepare works out one issuance job: a badge signed with the given index of the status list,
// or nothing to do. It runs on several goroutines at once.
func (w *Worker) prepare(task models.IssuanceTask, key Key, list, index int) (models.Completion, error) {
	job := task.Job
	it := models.Completion{Job: job}
	switch {
	case !task.Signatory.Listed:
		it.Skip = "the signatory is not in the registry"
		return it, nil
	case job.Kind != "signatory" && job.Kind != "advocate" && job.Kind != "ambassador":
		it.Skip = fmt.Sprintf("%s credentials are not issued here", job.Kind)
		return it, nil
	}
	c, sigID, err := w.sign(task, key, list, index)
	if err != nil {
		return it, err
	}
	it.Credential = &models.Credential{ID: c.id, SignatoryID: task.Signatory.ID, Kind: job.Kind, SignatureID: sigID,
		StatusList: list, StatusIndex: index, Document: c.doc, IssuedAt: c.issued,
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
func (w *Worker) sign(task models.IssuanceTask, key Key, list, index int) (signedCredential, *int64, error) {
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
	signed, err := w.Signer.Sign(c, key, w.DID, now)
	if err != nil {
		return signedCredential{}, nil, err
	}
	b, err := json.Marshal(signed)
	if err != nil {
		return signedCredential{}, nil, err
	}
	return signedCredential{id: in.CredentialID, doc: string(b), name: in.Name, issued: now}, sigID, nil
}

// prepareEndorsement signs the credential of an accepted endorsement with the endorser's
// custodial key, at entry of the endorser's own status list; list and index are its entry of the
// registry's list, which every credential row holds. An endorsement no longer accepted (withdrawn,
// declined, changed since it was queued) closes the job unissued: accepting it again queues
// another.
func (w *Worker) prepareEndorsement(task models.IssuanceTask, list, index, entry int) (models.Completion, error) {
	it := models.Completion{Job: task.Job}
	e := task.Endorsement
	switch {
	case e == nil:
		it.Skip = "the endorsement no longer exists"
		return it, nil
	case e.Status != "accepted":
		it.Skip = "the endorsement is no longer accepted"
		return it, nil
	case !e.Listed:
		it.Skip = "the endorser or the endorsee is not in the registry"
		return it, nil
	case entry < 0 || entry >= models.StatusListSize:
		return it, fmt.Errorf("the status list of endorser %s is full", e.FromPublicID)
	}
	key, err := w.Keys.SignatoryKey(e.FromPublicID)
	if err != nil {
		return it, err
	}
	// The endorser's name only when public.
	name := models.PublicName(&models.Signatory{Name: e.FromName, Visibility: models.Visibility{Name: e.FromNameVis}})
	now := w.Store.Now().Truncate(time.Second)
	in := EndorsementInput{BaseURL: w.BaseURL, DID: w.DID, CredentialID: uuid.NewString(), From: e.FromPublicID, FromName: name,
		To: e.ToPublicID, Level: e.Level, Comment: models.CleanText(e.Comment), AcceptedAt: e.UpdatedAt, StatusIndex: entry}
	signed, err := w.Signer.Sign(Endorsement(in), key, SignatoryDID(w.DID, e.FromPublicID), now)
	if err != nil {
		return it, err
	}
	doc, err := json.Marshal(signed)
	if err != nil {
		return it, err
	}
	from := e.FromID
	it.Credential = &models.Credential{ID: in.CredentialID, SignatoryID: e.ToID, Kind: "endorsement", EndorsementID: &e.ID,
		StatusList: list, StatusIndex: index, StatusIssuer: &from, IssuerIndex: &entry, Document: string(doc), IssuedAt: now,
		Carries:  &models.NameUse{SignatoryID: e.FromID, Name: name},
		Endorses: &models.EndorsementState{Level: e.Level, Comment: e.Comment}}
	return it, nil
}
