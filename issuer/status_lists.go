package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/open-recognition/registry/jobs"
	"github.com/open-recognition/registry/models"
	"golang.org/x/sync/singleflight"
)

// StatusLists signs the status list credentials (the registry's and each endorser's) and keeps
// the signed copies in the database, so that every server on it serves the same bytes and a list
// is signed once per change rather than once per server. A copy older than the list's bits is
// never served: a request that finds one signs the list afresh, so a revocation shows on every
// server as soon as it commits, even before the credentials.status job has stored the new copy.
type StatusLists struct {
	Store   *models.Store
	Keys    *Keys
	Signer  *Signer
	BaseURL string
	DID     string
	Log     *slog.Logger

	// signing shares one signature among the requests that find the same list stale at once.
	signing singleflight.Group
}

// NewStatusLists prepares the status lists of the registry at baseURL.
func NewStatusLists(store *models.Store, keys *Keys, signer *Signer, baseURL string, log *slog.Logger) (*StatusLists, error) {
	baseURL = strings.TrimRight(baseURL, "/")
	did, err := DID(baseURL)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &StatusLists{Store: store, Keys: keys, Signer: signer, BaseURL: baseURL, DID: did, Log: log}, nil
}

// SignedStatusList is a signed status list credential as served.
type SignedStatusList struct {
	Body []byte
	// SignedAt is when it was signed.
	SignedAt time.Time
	// ETag names its bytes.
	ETag string
}

func signedStatusList(body string, at time.Time) SignedStatusList {
	sum := sha256.Sum256([]byte(body))
	return SignedStatusList{Body: []byte(body), SignedAt: at, ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
}

// Serve returns the list to serve: the stored copy while it is current, else a copy signed now,
// stored unless another server stored one at least as new meanwhile (then that one is served).
// A list that holds no credential is ENOTFOUND.
func (s *StatusLists) Serve(ctx context.Context, ref models.StatusListRef) (SignedStatusList, error) {
	row, err := s.Store.StatusListRow(ctx, ref)
	if err != nil {
		return SignedStatusList{}, err
	}
	method, err := s.method(ref)
	if err != nil {
		return SignedStatusList{}, err
	}
	if row.Current(method) {
		return signedStatusList(*row.Document, *row.SignedAt), nil
	}
	var version int64
	if row != nil {
		version = row.Version
	}
	key := s.flightKey(ref) + "@" + strconv.FormatInt(version, 10)
	v, err, _ := s.signing.Do(key, func() (any, error) {
		// Shared by every request waiting on it: one leaving early does not cancel the others.
		l, _, err := s.refresh(context.WithoutCancel(ctx), ref, version)
		return l, err
	})
	if err != nil {
		return SignedStatusList{}, err
	}
	return v.(SignedStatusList), nil
}

func (s *StatusLists) flightKey(ref models.StatusListRef) string {
	if ref.Endorser() {
		return "endorser:" + strconv.FormatInt(ref.Issuer, 10)
	}
	return "registry:" + strconv.Itoa(ref.List)
}

// method is the verification method that signs ref now.
func (s *StatusLists) method(ref models.StatusListRef) (string, error) {
	if !ref.Endorser() {
		return MethodID(s.DID, s.Keys.Current()), nil
	}
	key, err := s.Keys.SignatoryKey(ref.IssuerPublicID)
	if err != nil {
		return "", err
	}
	return MethodID(SignatoryDID(s.DID, ref.IssuerPublicID), key), nil
}

// refresh signs ref from its bits as they are now (at least as new as version, which was read
// before them; 0 when the list had no row) and stores the copy unless a copy of that version or
// a later one is stored already. It returns the copy to serve and whether it stored it.
func (s *StatusLists) refresh(ctx context.Context, ref models.StatusListRef, version int64) (SignedStatusList, bool, error) {
	// Keys rotated by another process sign from now on here too: otherwise two servers would
	// each replace the other's copy.
	if err := s.Keys.Refresh(); err != nil {
		return SignedStatusList{}, false, err
	}
	exists, revoked, err := s.Store.StatusListBits(ctx, ref)
	if err != nil {
		return SignedStatusList{}, false, err
	}
	if !exists {
		if ref.Endorser() {
			return SignedStatusList{}, false, models.Errorf(models.ENOTFOUND, "this signatory has no endorsement credential with a status entry")
		}
		return SignedStatusList{}, false, models.Errorf(models.ENOTFOUND, "no status list %d", ref.List)
	}
	body, method, at, err := s.sign(ref, revoked)
	if err != nil {
		return SignedStatusList{}, false, err
	}
	stored, err := s.Store.StoreStatusList(ctx, ref, version, body, method, at)
	if err != nil {
		return SignedStatusList{}, false, err
	}
	ours := signedStatusList(body, at)
	if stored {
		return ours, true, nil
	}
	// Another server stored a copy first: serve it if it is as new as this one, so that every
	// server answers the same bytes.
	row, err := s.Store.StatusListRow(ctx, ref)
	if err != nil {
		return SignedStatusList{}, false, err
	}
	if row != nil && row.Document != nil && row.SignedVersion >= max(version, 1) && row.SignedBy != nil && *row.SignedBy == method {
		return signedStatusList(*row.Document, *row.SignedAt), false, nil
	}
	return ours, false, nil
}

// sign builds and signs ref's credential with the given entries revoked.
func (s *StatusLists) sign(ref models.StatusListRef, revoked []int) (body, method string, at time.Time, err error) {
	at = s.Store.Now().UTC().Truncate(time.Second)
	var slc StatusListCredential
	var key Key
	did := s.DID
	if ref.Endorser() {
		if key, err = s.Keys.SignatoryKey(ref.IssuerPublicID); err != nil {
			return "", "", at, err
		}
		did = SignatoryDID(s.DID, ref.IssuerPublicID)
		slc, err = EndorserStatusList(s.BaseURL, s.DID, ref.IssuerPublicID, models.StatusListSize, revoked, at)
	} else {
		key = s.Keys.Current()
		slc, err = StatusList(s.BaseURL, s.DID, ref.List, models.StatusListSize, revoked, at)
	}
	if err != nil {
		return "", "", at, err
	}
	signed, err := s.Signer.Sign(slc, key, did, at)
	if err != nil {
		return "", "", at, err
	}
	b, err := json.Marshal(signed)
	if err != nil {
		return "", "", at, err
	}
	return string(b), MethodID(did, key), at, nil
}

// statusBatch is how many stale lists one run of credentials.status signs before it hands the
// job back, so that other due jobs get their turn during a long revocation wave.
const statusBatch = 50

// Job is the credentials.status job: it signs each stale list once and stores it. A list revoked
// again while it was being signed stays stale (the store is a compare-and-swap on the version
// signed from), and the revocation asked for the job again, so it is signed again. A list whose
// signing fails is left stale, to be tried again after the job's backoff; servers meanwhile sign
// it on request.
func (s *StatusLists) Job(ctx context.Context, _ *jobs.Job) error {
	_, err := s.signStale(ctx)
	return err
}

// signStale does one run of the job and returns how many lists it stored.
func (s *StatusLists) signStale(ctx context.Context) (int, error) {
	stale, err := s.Store.StaleStatusLists(ctx, statusBatch)
	if err != nil {
		return 0, err
	}
	var failed []error
	stored := 0
	for _, l := range stale {
		if ctx.Err() != nil {
			return stored, ctx.Err()
		}
		_, ok, err := s.refresh(ctx, l.Ref, l.Version)
		if err != nil {
			s.Log.Warn("status list: signing failed", "list", s.flightKey(l.Ref), "err", err)
			failed = append(failed, fmt.Errorf("%s: %w", s.flightKey(l.Ref), err))
			continue
		}
		if ok {
			stored++
		}
	}
	if len(failed) > 0 {
		return stored, errors.Join(failed...)
	}
	if len(stale) == statusBatch {
		return stored, &jobs.Continue{At: s.Store.Now(), Priority: jobs.Interactive}
	}
	return stored, nil
}

// StatusLists are the status lists the worker's keys sign, for the credentials.status job.
func (w *Worker) StatusLists() *StatusLists {
	return &StatusLists{Store: w.Store, Keys: w.Keys, Signer: w.Signer, BaseURL: strings.TrimRight(w.BaseURL, "/"), DID: w.DID, Log: w.Log}
}
