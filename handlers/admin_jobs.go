package handlers

import (
	"context"

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
