// A server's own connection to PostgreSQL: it hears the other servers' changes and shows them
// that this server is alive.

package models

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// listenRetry is how long the listener waits before connecting again after losing its connection.
const listenRetry = time.Second

// serverLockKey is the session advisory lock a server holds under its name while it runs, in the
// namespace of the schema (registries in different schemas of one database stay apart).
const serverLockKey = "hashtext(current_schema() || '.registry.server'), hashtext($1)"

// Listen keeps a connection of its own to PostgreSQL until ctx ends. On it the server hears the
// changes the other processes announce (ChangesChannel) and passes them on at once
// (ChangesHeard, SubscribeChanges), and it holds a session lock under name, by which the others
// know it runs (ServersAlive): PostgreSQL releases the lock when the session ends, however the
// server ended. A lost connection is logged and made again every second; meanwhile the
// caches count one change heard (announcements may have been missed) and fall back on polling.
// On SQLite it returns at once.
func (s *Store) Listen(ctx context.Context, name string, log *slog.Logger) {
	if s.Dialect != Postgres {
		return
	}
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, name, log)
		s.present.Store(false)
		if ctx.Err() != nil {
			return
		}
		log.Warn("changes: lost the connection that listens for other servers' changes; connecting again", "err", err, "retry", listenRetry.String())
		s.changes.hear()
		select {
		case <-ctx.Done():
			return
		case <-time.After(listenRetry):
		}
	}
}

func (s *Store) listenOnce(ctx context.Context, name string, log *slog.Logger) error {
	cfg, err := pgx.ParseConfig(s.dsn)
	if err != nil {
		return err
	}
	// Operators see in pg_stat_activity which server the connection belongs to.
	cfg.RuntimeParams["application_name"] = "registry " + name
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	var schema string
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+ChangesChannel); err != nil {
		return err
	}
	var got bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock("+serverLockKey+")", name).Scan(&got); err != nil {
		return err
	}
	if !got {
		return errors.New("another process on this database runs under the same name " + name)
	}
	s.present.Store(true)
	// Changes made while no connection listened were not heard.
	s.changes.hear()
	log.Info("changes: listening for other servers' changes", "channel", ChangesChannel, "schema", schema, "server", name)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		from, token, _ := strings.Cut(n.Payload, " ")
		if from == schema && token != s.changes.token {
			s.changes.hear()
		}
	}
}

// Present tells whether this server's listening connection holds its lock: while it does not,
// the other servers count it as stopped and take back the jobs it holds, so it claims none.
// Always true on SQLite, where no other server shares the database.
func (s *Store) Present() bool {
	return s.Dialect != Postgres || s.present.Load()
}

// ServersAlive tells which of the named servers hold their lock (are running) on this database.
// On SQLite it reports none as known: ok is false.
func (s *Store) ServersAlive(ctx context.Context, names []string) (alive map[string]bool, ok bool, err error) {
	if s.Dialect != Postgres {
		return nil, false, nil
	}
	alive = map[string]bool{}
	for _, name := range names {
		var held bool
		err := s.DB.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM pg_locks l, (SELECT `+strings.ReplaceAll(serverLockKey, "$1", "?")+`) AS k (k1, k2)
			WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
				AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
				AND l.classid = k.k1::oid AND l.objid = k.k2::oid)`, name).Scan(&held).Error
		if err != nil {
			return nil, false, err
		}
		alive[name] = held
	}
	return alive, true, nil
}
