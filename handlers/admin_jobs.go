package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/models"
)

// adminJobsShown is how many troubled jobs the admin page lists.
const adminJobsShown = 50

// adminJobs is the background-work section of the admin page: how many jobs are open and dead,
// and the jobs that have failed, with their last error, so that an administrator learns that a
// badge or a message is stuck before the person waiting for it writes in.
func (h *Handler) adminJobs(ctx context.Context) (models.JobsView, error) {
	return h.store.JobsTrouble(ctx, adminJobsShown)
}

// adminJobAction tries a dead job again or discards it, from the admin page's background-work
// section: 404 for an unknown job, 409 for one that is not dead.
func (h *Handler) adminJobAction(c echo.Context) error {
	acc, err := requireAdmin(c)
	if err != nil {
		return err
	}
	id, perr := strconv.ParseInt(c.Param("id"), 10, 64)
	if perr != nil || id < 1 {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	by := models.ActorOf(acc)
	action := c.Param("action")
	switch action {
	case "retry":
		err = h.store.RetryDeadJob(ctx, by, id)
	case "discard":
		err = h.store.DiscardDeadJob(ctx, by, id)
	default:
		return echo.ErrNotFound
	}
	if err != nil {
		switch code := models.ErrorCode(err); code {
		case models.ECONFLICT, models.ENOTFOUND:
			return h.renderAdmin(c, statusOf[code], errorWords(h.catalog.For(lang(c)), err), formState{})
		}
		return err
	}
	h.log.Info("admin action", "action", "job."+action, "job", id, "by", acc.PublicID)
	if action == "retry" {
		h.wake()
	}
	return c.Redirect(http.StatusSeeOther, "/admin?done=job_"+action+"#jobs")
}
