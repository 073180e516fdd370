package jobs

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// releaseDead ends the claims held by processes of this machine that no longer run (killed, or
// crashed): a server started again after a kill -9 takes their jobs over at once instead of
// waiting for the leases to run out. Only claims named host:pid/token with this engine's host
// are looked at, and only a process the kernel says does not exist (ESRCH) counts as gone: a
// pid taken by another process since keeps its claim until the lease ends. Servers sharing a
// database from different machines, or from containers with separate process ids, need
// different host names.
func (e *Engine) releaseDead(ctx context.Context) {
	host, _, ok := hostPID(e.Name)
	if !ok {
		return
	}
	claims, err := e.Store.JobClaims(ctx, host+":")
	if err != nil {
		if ctx.Err() == nil {
			e.Log.Error("jobs: reading claims", "err", err)
		}
		return
	}
	for _, c := range claims {
		holder, _, _ := strings.Cut(c.LeasedBy, "/")
		h, pid, ok := hostPID(holder)
		if !ok || h != host || pid == os.Getpid() || !processGone(pid) {
			continue
		}
		if err := e.Store.ExpireJobLease(ctx, c); err != nil {
			e.Log.Error("jobs: ending the claim of a stopped process", "id", c.ID, "by", c.LeasedBy, "err", err)
			continue
		}
		e.Log.Info("jobs: took back a job from a stopped process", "id", c.ID, "by", c.LeasedBy)
	}
}

// hostPID splits an engine name "host:pid".
func hostPID(name string) (string, int, bool) {
	i := strings.LastIndexByte(name, ':')
	if i <= 0 {
		return "", 0, false
	}
	pid, err := strconv.Atoi(name[i+1:])
	if err != nil || pid <= 0 {
		return "", 0, false
	}
	return name[:i], pid, true
}

// processGone tells whether no process has this id on this machine.
func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
