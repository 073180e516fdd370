package jobs

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
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

// serversEvery is how often the engine looks for claims held by processes that stopped, when the
// database can tell (Engine.Servers).
const serversEvery = time.Second

// watchServers takes back, every serversEvery until ctx ends, the jobs claimed by processes the
// database says no longer run.
func (e *Engine) watchServers(ctx context.Context) {
	t := time.NewTicker(serversEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n := e.releaseStopped(ctx); n > 0 {
			e.Wake()
		}
	}
}

// releaseStopped ends the claims held by processes that Servers says are not running, and returns
// how many it ended.
func (e *Engine) releaseStopped(ctx context.Context) int {
	claims, err := e.Store.JobClaims(ctx, "")
	if err != nil || len(claims) == 0 {
		if err != nil && ctx.Err() == nil {
			e.Log.Error("jobs: reading claims", "err", err)
		}
		return 0
	}
	var holders []string
	seen := map[string]bool{e.Name: true}
	for _, c := range claims {
		if h := holder(c.LeasedBy); !seen[h] {
			seen[h] = true
			holders = append(holders, h)
		}
	}
	if len(holders) == 0 {
		return 0
	}
	alive, ok, err := e.Servers.ServersAlive(ctx, holders)
	if err != nil || !ok {
		if err != nil && ctx.Err() == nil {
			e.Log.Error("jobs: asking which servers run", "err", err)
		}
		return 0
	}
	n := 0
	for _, c := range claims {
		h := holder(c.LeasedBy)
		if h == e.Name || alive[h] {
			continue
		}
		if err := e.Store.ExpireJobLease(ctx, c); err != nil {
			if ctx.Err() == nil {
				e.Log.Error("jobs: ending the claim of a stopped server", "id", c.ID, "by", c.LeasedBy, "err", err)
			}
			continue
		}
		n++
		e.Log.Info("jobs: took back a job from a stopped server", "id", c.ID, "by", c.LeasedBy)
	}
	return n
}

// holder is the process name of a claim token "name/token".
func holder(token string) string {
	h, _, _ := strings.Cut(token, "/")
	return h
}
