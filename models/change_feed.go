// How a process hears of changes to the database at once: its own writes as they commit and, on
// PostgreSQL, the other servers' through LISTEN/NOTIFY. Caches still poll the change counter as
// a safety net (and as the only way on SQLite, where one server writes and the command-line
// tools' writes are seen by polling).

package models

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// ChangesChannel is the PostgreSQL channel on which processes announce their writes; the payload
// is "<schema> <process token>", so that registries in different schemas of one database, and a
// process hearing its own announcement, tell the notifications apart.
const ChangesChannel = "registry_changes"

// changeFeed is the store's record of the changes it heard of, and its announcer.
type changeFeed struct {
	heard atomic.Uint64
	token string // this process's, in the payload of its announcements

	mu   sync.Mutex
	subs map[chan struct{}]struct{}

	// announce holds one pending announcement: a burst of commits is announced once.
	announce chan struct{}
	stop     chan struct{}
	stopped  chan struct{}
}

func newChangeFeed(token string) *changeFeed {
	return &changeFeed{token: token, subs: map[chan struct{}]struct{}{}, announce: make(chan struct{}, 1)}
}

// hear records that the database changed and wakes the subscribers.
func (f *changeFeed) hear() {
	f.heard.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// committed is called after each commit of a write of this process.
func (f *changeFeed) committed() {
	f.hear()
	select {
	case f.announce <- struct{}{}:
	default:
	}
}

// ChangesHeard is a number that moves whenever this process learns that the database changed:
// one of its own writes committed or, on PostgreSQL, another process announced one (or the
// connection that listens for announcements was lost, when some may have been missed). A cache
// compares it with the value it was built at to know at once that it is stale; it stays at 0 on
// SQLite, where caches poll ChangeCount.
func (s *Store) ChangesHeard() uint64 {
	if s.changes == nil {
		return 0
	}
	return s.changes.heard.Load()
}

// SubscribeChanges returns a channel that receives a value soon after each change the store
// hears of (several changes may come as one), and a function that ends the subscription. On
// SQLite nothing is ever sent.
func (s *Store) SubscribeChanges() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	if s.changes == nil {
		return ch, func() {}
	}
	f := s.changes
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	return ch, func() {
		f.mu.Lock()
		delete(f.subs, ch)
		f.mu.Unlock()
	}
}

// announcer sends one NOTIFY per burst of this process's commits, outside their transactions:
// PostgreSQL serialises the commits of every transaction that notifies (a lock on the
// notification queue held until the commit is on disk), so a NOTIFY inside each write
// transaction would queue all writes one behind the other, as the single-row counter did. A
// failed announcement is logged; the others' caches then see the change at their next poll.
func (s *Store) announcer() {
	f := s.changes
	defer close(f.stopped)
	send := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := s.DB.WithContext(ctx).Exec("SELECT pg_notify(?, current_schema() || ' ' || ?)", ChangesChannel, f.token).Error
		if err != nil {
			s.logger().Warn("changes: could not announce a change to the other servers", "err", err)
		}
	}
	for {
		select {
		case <-f.announce:
			send()
		case <-f.stop:
			// A command that wrote and is closing the store still tells the servers.
			select {
			case <-f.announce:
				send()
			default:
			}
			return
		}
	}
}
