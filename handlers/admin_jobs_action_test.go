package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/handlers"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"gorm.io/gorm"
)

// An administrator tries a dead job again or discards it from the admin page: a signed-in POST
// with the form's CSRF token, written to the audit log; an unknown job is 404, a job that is not
// dead 409, a form without its token 403, and someone who is not an administrator 403.
func TestAdministratorsRetryAndDiscardDeadJobs(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		site := newSite(t, s, handlers.Config{DevLogin: true, Admins: []string{"boss@example.org"}})
		boss := site.devUser("The Boss", "boss@example.org")
		ada := site.devUser("Ada Example", "ada@example.org")
		// queue queues a job of kind and fails it once, with one attempt allowed if dead.
		queue := func(kind string, dead bool) int64 {
			t.Helper()
			max := 3
			if dead {
				max = 1
			}
			var id int64
			err := s.DB.Transaction(func(tx *gorm.DB) error {
				j := models.Job{Kind: kind, MaxAttempts: max}
				_, err := models.EnqueueJob(tx, &j)
				id = j.ID
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			j, err := s.ClaimJob(ctx, []string{kind}, "test/1", time.Minute)
			if err != nil || j == nil || j.ID != id {
				t.Fatalf("claim %s: %v %v", kind, j, err)
			}
			if err := s.RetryJob(ctx, j, "smtp: 421 try later", s.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			return id
		}
		job := func(id int64) models.Job {
			t.Helper()
			var j models.Job
			if err := s.DB.Take(&j, id).Error; err != nil {
				t.Fatal(err)
			}
			return j
		}
		dead, failing := queue("mail.digest", true), queue("mail.endorsement", false)
		action := func(u *devUser, id int64, what string, withToken bool) int {
			t.Helper()
			v := url.Values{}
			if withToken {
				v.Set("_csrf", site.csrf(u.c, "/account"))
			}
			res, _ := u.post("/admin/jobs/"+strconv.FormatInt(id, 10)+"/"+what, v)
			return res.StatusCode
		}
		// The dead job offers both actions; the failing one, which the engine still tries, none.
		_, page := boss.get("/admin")
		for _, form := range []string{`action="/admin/jobs/` + strconv.FormatInt(dead, 10) + `/retry"`, `action="/admin/jobs/` + strconv.FormatInt(dead, 10) + `/discard"`} {
			if !strings.Contains(page, form) {
				t.Errorf("the admin page has no form %s", form)
			}
		}
		if strings.Contains(page, `/admin/jobs/`+strconv.FormatInt(failing, 10)+`/`) {
			t.Error("the admin page offers actions on a job that is not dead")
		}

		if got := action(boss, dead, "retry", false); got != http.StatusForbidden {
			t.Errorf("retry without the CSRF token: %d, want 403", got)
		}
		if got := action(ada, dead, "retry", true); got != http.StatusForbidden {
			t.Errorf("retry by someone who is not an administrator: %d, want 403", got)
		}
		if j := job(dead); !j.Dead() {
			t.Fatalf("a refused retry changed the job: %+v", j)
		}
		if got := action(boss, 999999, "retry", true); got != http.StatusNotFound {
			t.Errorf("retry of an unknown job: %d, want 404", got)
		}
		if got := action(boss, dead, "reboot", true); got != http.StatusNotFound {
			t.Errorf("an unknown action: %d, want 404", got)
		}
		if got := action(boss, failing, "retry", true); got != http.StatusConflict {
			t.Errorf("retry of a job that is not dead: %d, want 409", got)
		}
		if got := action(boss, failing, "discard", true); got != http.StatusConflict {
			t.Errorf("discard of a job that is not dead: %d, want 409", got)
		}

		if got := action(boss, dead, "retry", true); got != http.StatusOK {
			t.Fatalf("retry: %d, want the admin page after the redirect", got)
		}
		j := job(dead)
		if j.Dead() || j.DoneAt != nil || j.Attempts != 0 || j.RunAt.After(time.Now()) {
			t.Errorf("after a retry the job is %+v; want it open, due now, attempts reset", j)
		}
		c, err := s.ClaimJob(ctx, []string{"mail.digest"}, "test/2", time.Minute)
		if err != nil || c == nil || c.ID != dead {
			t.Fatalf("the retried job cannot be claimed: %v, %v", c, err)
		}
		// Its one attempt fails again: dead again, and this time discarded.
		if err := s.RetryJob(ctx, c, "smtp: 550 no such user", s.Now()); err != nil {
			t.Fatal(err)
		}
		if j = job(dead); !j.Dead() {
			t.Fatal("the job did not die again after its last attempt")
		}
		if got := action(boss, dead, "discard", true); got != http.StatusOK {
			t.Fatalf("discard: %d", got)
		}
		j = job(dead)
		if j.Dead() || j.DoneAt == nil || !strings.Contains(j.LastError, "discarded by") || !strings.Contains(j.LastError, "550 no such user") {
			t.Errorf("after a discard the job is %+v; want it done, with a note and its last error", j)
		}
		if got := action(boss, dead, "discard", true); got != http.StatusConflict {
			t.Errorf("discarding a discarded job: %d, want 409", got)
		}
		var audit []models.AuditEntry
		s.DB.Where("subject_type = ?", "job").Order("id").Find(&audit)
		if len(audit) != 2 || audit[0].Action != "job.retry" || audit[1].Action != "job.discard" ||
			audit[0].SubjectID != strconv.FormatInt(dead, 10) || audit[0].ActorAccountID == nil || audit[1].Detail != "mail.digest" {
			t.Errorf("audit log %+v; want the retry and the discard of job %d by the administrator", audit, dead)
		}
		_, page = boss.get("/admin")
		if !strings.Contains(page, "dead job discarded") {
			t.Error("the admin page's audit log does not name the discard")
		}
	})
}
