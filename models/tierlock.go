// One tier computation at a time, across every process that shares the database: servers, the
// tiers and demo commands.

package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// ErrTiersBusy says another process is computing the tiers at this moment.
var ErrTiersBusy = errors.New("another tier computation is running on this database")

// WithTierLock runs fn while no other tier computation runs on this database, in this process or
// another. On PostgreSQL the lock is a session advisory lock, keyed by the schema, held on a
// connection of its own; on SQLite it is an flock on "<database>.tiers.lock" beside the file,
// which the server and the command line take alike. Either is released when its holder ends,
// even by a crash. With wait false it returns ErrTiersBusy at once when the lock is held;
// otherwise it waits for it until ctx ends.
//
// The lock keeps two computations from doing the same work; it is not what keeps badges from
// being issued twice (ApplyTiers checks its writes, the schema allows one live credential).
func (s *Store) WithTierLock(ctx context.Context, wait bool, fn func(ctx context.Context) error) error {
	var unlock func()
	var err error
	if s.Dialect == Postgres {
		unlock, err = s.lockTiersPostgres(ctx, wait)
	} else {
		unlock, err = s.lockTiersSQLite(ctx, wait)
	}
	if err != nil {
		return err
	}
	defer unlock()
	return fn(ctx)
}

// tierLockKey names the lock within the database; hashing the schema keeps registries in
// different schemas of one database apart.
const tierLockKey = "hashtext(current_schema() || '.registry.tiers')"

func (s *Store) lockTiersPostgres(ctx context.Context, wait bool) (func(), error) {
	conn, err := s.SQL().Conn(ctx)
	if err != nil {
		return nil, err
	}
	if wait {
		_, err = conn.ExecContext(ctx, "SELECT pg_advisory_lock("+tierLockKey+")")
	} else {
		var got bool
		if err = conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock("+tierLockKey+")").Scan(&got); err == nil && !got {
			err = ErrTiersBusy
		}
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		// Unlocked even when ctx has ended; a connection that cannot unlock is discarded, which
		// ends its session and so its lock.
		uctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(uctx, "SELECT pg_advisory_unlock("+tierLockKey+")"); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

func (s *Store) lockTiersSQLite(ctx context.Context, wait bool) (func(), error) {
	// s.Path is the file itself, not a link to it: two paths to one database share one lock.
	f, err := os.OpenFile(s.Path+".tiers.lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("tier lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("tier lock %s: %w", f.Name(), err)
		}
		if !wait {
			f.Close()
			return nil, ErrTiersBusy
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
