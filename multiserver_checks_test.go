// What TestThreeServersOnOnePostgres checks once the registry has settled.

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/open-recognition/registry/models"
)

// quiet waits until the registry has settled: the tiers computed from the graph as it is, no job
// due, the change counter still for two seconds. It returns when the counter last moved, as
// sampled every 10 ms.
func waitForQuiet(t *testing.T, store *models.Store, within time.Duration) (time.Time, error) {
	ctx := context.Background()
	deadline := time.Now().Add(within)
	var last int64 = -1
	var movedAt time.Time
	for time.Now().Before(deadline) {
		n, err := store.ChangeCount(ctx)
		if err != nil {
			return movedAt, err
		}
		if n != last {
			last, movedAt = n, time.Now()
		}
		if time.Since(movedAt) >= 2*time.Second {
			current, _, err := store.TiersCurrent(ctx)
			if err != nil {
				return movedAt, err
			}
			var due int64
			store.DB.Model(&models.Job{}).Where("done_at IS NULL AND failed_at IS NULL AND run_at <= ?", time.Now()).Count(&due)
			if current && due == 0 {
				return movedAt, nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return movedAt, fmt.Errorf("the registry did not settle within %s", within)
}

// checkEveryoneOnce: each person who signed has one entry and one signature, whatever server
// their requests reached and however often a lost request was sent again.
func checkEveryoneOnce(t *testing.T, store *models.Store, people map[string]*fleetVisitor) {
	t.Helper()
	for _, v := range people {
		var entries, signatures int64
		store.DB.Model(&models.Signatory{}).Where("email = ?", v.email).Count(&entries)
		store.DB.Table("signatures").Joins("JOIN signatories ON signatories.id = signatures.signatory_id").Where("signatories.email = ?", v.email).Count(&signatures)
		if entries != 1 || signatures != 1 {
			t.Errorf("%s has %d entries and %d signatures, want 1 and 1", v.name, entries, signatures)
		}
	}
}

// checkNoDuplicateCredential: no two credentials of one achievement (or one endorsement) were
// ever live at the same time for one signatory, and everyone holds the badges of their tier.
func checkNoDuplicateCredential(t *testing.T, store *models.Store) {
	t.Helper()
	var overlaps []struct {
		SignatoryID int64
		Kind        string
		A, B        string
	}
	store.DB.Raw(`SELECT a.signatory_id, a.kind, a.id AS a, b.id AS b FROM credentials a JOIN credentials b
		ON b.signatory_id = a.signatory_id AND b.kind = a.kind AND COALESCE(b.endorsement_id, 0) = COALESCE(a.endorsement_id, 0) AND b.id <> a.id
		WHERE a.issued_at <= b.issued_at AND (a.revoked_at IS NULL OR a.revoked_at > b.issued_at)`).Scan(&overlaps)
	for _, o := range overlaps {
		t.Errorf("signatory %d holds two %s credentials at once: %s and %s", o.SignatoryID, o.Kind, o.A, o.B)
	}
	var missing []struct {
		Name, Tier string
	}
	store.DB.Raw(`SELECT s.name, k.kind AS tier FROM signatories s
		JOIN (SELECT 'signatory' AS kind UNION ALL SELECT 'advocate' UNION ALL SELECT 'ambassador') k
			ON k.kind = 'signatory' OR k.kind = s.tier
		WHERE s.listed AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.signatory_id = s.id AND c.kind = k.kind AND c.revoked_at IS NULL)`).Scan(&missing)
	for _, m := range missing {
		t.Errorf("%s has no live %s badge", m.Name, m.Tier)
	}
	var issued int64
	store.DB.Model(&models.Credential{}).Count(&issued)
	t.Logf("%d credentials issued", issued)
}

// checkNoJobLeftBehind: every job done (periodic ones waiting for their next period), none dead,
// none still held by the killed server, every badge of the outbox issued.
func checkNoJobLeftBehind(t *testing.T, store *models.Store, victim *fleetServer, servers []*fleetServer) {
	t.Helper()
	var open []models.Job
	store.DB.Where("done_at IS NULL AND (failed_at IS NOT NULL OR run_at <= ? OR leased_by IS NOT NULL)", time.Now()).Find(&open)
	for _, j := range open {
		t.Errorf("job %d (%s) left behind: due %s, held by %v, failed %v, attempts %d, error %q", j.ID, j.Kind, j.RunAt, strOrEmpty(j.LeasedBy), j.FailedAt, j.Attempts, j.LastError)
	}
	var held int64
	store.DB.Model(&models.Job{}).Where("leased_by LIKE ?", victim.name()+"/%").Count(&held)
	if held != 0 {
		t.Errorf("%d jobs still held by the killed server", held)
	}
	var outbox int64
	store.DB.Table("issuance_outbox").Where("done_at IS NULL").Count(&outbox)
	if outbox != 0 {
		t.Errorf("%d badges of the outbox never issued", outbox)
	}
	var stale int64
	store.DB.Table("status_lists").Where("signed_version < version").Count(&stale)
	if stale != 0 {
		t.Errorf("%d status lists never signed again", stale)
	}
	taken := 0
	for _, s := range servers {
		taken += strings.Count(s.log.String(), "took back a job from a stopped server")
	}
	var done int64
	store.DB.Model(&models.Job{}).Where("done_at IS NOT NULL").Count(&done)
	t.Logf("%d jobs done; %d claims of the killed server taken back by the others", done, taken)
}

func strOrEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var tiersLine = regexp.MustCompile(`msg="tiers recomputed" version=(\d+)`)

// checkTiersOncePerVersion: across every server's log, each version of the graph was computed
// once at most, and the last version was computed.
func checkTiersOncePerVersion(t *testing.T, store *models.Store, servers []*fleetServer) {
	t.Helper()
	runs := map[string][]int{}
	for i, s := range servers {
		for _, m := range tiersLine.FindAllStringSubmatch(s.log.String(), -1) {
			runs[m[1]] = append(runs[m[1]], i)
		}
	}
	var versions []string
	for v, by := range runs {
		versions = append(versions, v)
		if len(by) > 1 {
			t.Errorf("graph version %s computed %d times (by servers %v)", v, len(by), by)
		}
	}
	sort.Strings(versions)
	latest, err := store.GraphVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) < 2 {
		t.Errorf("the tiers were computed %d times: the test means to see several computations", len(runs))
	}
	if _, ok := runs[latest]; !ok {
		t.Errorf("the latest graph version %s was never computed (computed: %v)", latest, versions)
	}
	t.Logf("%d tier computations, of graph versions %v", len(runs), versions)
}

// fleetWatch looks at every surviving server's public pages over and over, remembering what
// each showed when.
type fleetWatch struct {
	servers []*fleetServer
	profile string // a signatory whose profile and trust page are watched
	client  *http.Client

	mu    sync.Mutex
	looks map[*fleetServer][]fleetLook
}

type fleetLook struct {
	at    time.Time // when the look began
	pages map[string]string
}

func newFleetWatch(servers []*fleetServer, profile string) *fleetWatch {
	return &fleetWatch{servers: servers, profile: profile, client: &http.Client{Timeout: 10 * time.Second}, looks: map[*fleetServer][]fleetLook{}}
}

func (w *fleetWatch) paths() []string {
	return []string{"/", "/signatories", "/signatories?tier=advocate", "/api/v1/signatories?limit=200", "/api/v1/stats",
		"/signatories/" + w.profile, "/signatories/" + w.profile + "/trust", "/api/v1/signatories/" + w.profile}
}

var csrfValue = regexp.MustCompile(`name="_csrf" value="[^"]*"`)

// computedAt is when a server computed the explanation a trust page shows: each server computes
// its own, so only the graph version it was computed from is compared.
var computedAt = regexp.MustCompile(`<time[^>]*datetime="[^"]*"[^>]*>[^<]*</time>`)

func (w *fleetWatch) run(ctx context.Context) {
	for ctx.Err() == nil {
		var wg sync.WaitGroup
		for _, s := range w.servers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l := fleetLook{at: time.Now(), pages: map[string]string{}}
				for _, p := range w.paths() {
					res, err := w.client.Get(s.base + p)
					if err != nil {
						l.pages[p] = "error: " + err.Error()
						continue
					}
					b, _ := io.ReadAll(res.Body)
					res.Body.Close()
					body := csrfValue.ReplaceAllString(string(b), "")
					if strings.HasSuffix(p, "/trust") {
						body = computedAt.ReplaceAllString(body, "")
					}
					l.pages[p] = fmt.Sprintf("%d %s", res.StatusCode, body)
				}
				w.mu.Lock()
				w.looks[s] = append(w.looks[s], l)
				w.mu.Unlock()
			}()
		}
		wg.Wait()
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// check: at the end every server shows the same pages, which agree with the database, and each
// showed them from at most within after the last write on.
func (w *fleetWatch) check(t *testing.T, store *models.Store, lastWrite time.Time, within time.Duration) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	final := w.looks[w.servers[0]]
	if len(final) == 0 {
		t.Fatal("no look at the pages")
	}
	want := final[len(final)-1].pages
	for i, s := range w.servers {
		looks := w.looks[s]
		end := looks[len(looks)-1].pages
		for _, p := range w.paths() {
			if end[p] != want[p] {
				t.Errorf("at the end, surviving server %d shows another %s than server 0:\n%s\n---\n%s", i, p, mainSnippet([]byte(end[p])), mainSnippet([]byte(want[p])))
			}
		}
		// The last look that differed from the end began before the server could know.
		var lastStale time.Time
		var stalePage string
		for _, l := range looks {
			for _, p := range w.paths() {
				if l.pages[p] != want[p] {
					lastStale, stalePage = l.at, p
				}
			}
		}
		late := lastStale.Sub(lastWrite)
		t.Logf("server %d: %d looks; the last one showing an older state began %s after the last write (%s)", i, len(looks), late.Round(time.Millisecond), stalePage)
		if late > within {
			t.Errorf("server %d still showed an older %s %s after the last write (at most %s)", i, stalePage, late.Round(time.Millisecond), within)
		}
	}
	// The pages agree with the database.
	var rows []struct{ PublicID, Tier string }
	store.DB.Raw("SELECT public_id, tier FROM signatories WHERE listed ORDER BY public_id").Scan(&rows)
	var list struct {
		Items []struct{ ID, Tier string } `json:"items"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(want["/api/v1/signatories?limit=200"], "200 ")), &list); err != nil {
		t.Fatalf("the API list: %v", err)
	}
	shown := map[string]string{}
	for _, it := range list.Items {
		shown[it.ID] = it.Tier
	}
	tiers := map[string]int64{}
	for _, r := range rows {
		tiers[r.Tier]++
		if shown[r.PublicID] != r.Tier {
			t.Errorf("the API lists %s as %q, the database says %q", r.PublicID, shown[r.PublicID], r.Tier)
		}
	}
	if len(list.Items) != len(rows) {
		t.Errorf("the API lists %d signatories, the database %d", len(list.Items), len(rows))
	}
	var stats struct {
		Signatories int64            `json:"signatories"`
		Tiers       map[string]int64 `json:"tiers"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(want["/api/v1/stats"], "200 ")), &stats); err != nil {
		t.Fatalf("the stats: %v", err)
	}
	if stats.Signatories != int64(len(rows)) || stats.Tiers["advocate"] != tiers["advocate"] || stats.Tiers["ambassador"] != tiers["ambassador"] {
		t.Errorf("the stats say %+v, the database %d signatories, tiers %v", stats, len(rows), tiers)
	}
	if tiers["advocate"] == 0 {
		t.Error("no Advocate: the endorsements changed no tier")
	}
	version, _ := store.GraphVersion(context.Background())
	if trust := want["/signatories/"+w.profile+"/trust"]; !strings.Contains(trust, "graph version "+version+")") {
		t.Errorf("the trust page does not show the latest graph version %s:\n%s", version, mainSnippet([]byte(trust)))
	}
}
