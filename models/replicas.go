package models

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// Read replicas take the public reads off the primary. Nothing reads from a replica unless the
// context says it may (OnReplica): background work, writes, transactions and every read made
// for a signed-in person stay on the primary, so they never see a replica's lag. A request
// marked for a replica keeps to one replica from start to end, so that everything it reads
// comes from one state of the registry.

// replicaKey marks a context whose plain reads may go to one replica.
type replicaKey struct{}

// replicaSet is a store's read replicas.
type replicaSet struct {
	pools     []*sql.DB
	locations []string
	next      atomic.Uint64
	// downUntil holds, per replica, until when (Unix nanoseconds) it is left out after failing.
	downUntil []atomic.Int64
}

// replicaRest is how long a replica that failed is left out before it is tried again: a
// replica that is gone costs one failed read per rest, not one per request.
const replicaRest = 5 * time.Second

// replicaName is how the resolver knows replica i.
func replicaName(i int) string { return "replica:" + strconv.Itoa(i) }

// AddReplicas connects to PostgreSQL read replicas of the store's PostgreSQL primary. Each must
// answer now; from then on, reads made with a context from OnReplica go to one of them.
func (s *Store) AddReplicas(ctx context.Context, urls []string) error {
	if len(urls) == 0 {
		return nil
	}
	if s.Dialect != Postgres {
		return fmt.Errorf("read replicas need a PostgreSQL primary, not the SQLite file %s", s.Location)
	}
	set := &replicaSet{}
	resolver := &dbresolver.DBResolver{}
	for i, u := range urls {
		if !IsPostgres(u) {
			return fmt.Errorf("read replica %d is not a postgres:// URL", i+1)
		}
		loc := redactURL(u)
		// The replica's pool is opened here rather than by the resolver, so that the server can
		// check that it answers, report its pool and close it.
		pool, err := openReplicaPool(ctx, u)
		if err != nil {
			set.close()
			return fmt.Errorf("read replica %s: %w", loc, err)
		}
		set.pools = append(set.pools, pool)
		set.locations = append(set.locations, loc)
		// One resolver per replica, chosen by name: writes through it still go to the primary
		// (its only source), reads to this replica alone.
		resolver.Register(dbresolver.Config{Replicas: []gorm.Dialector{postgres.New(postgres.Config{Conn: pool})}}, replicaName(i))
	}
	set.downUntil = make([]atomic.Int64, len(set.pools))
	if err := s.DB.Use(resolver); err != nil {
		set.close()
		return fmt.Errorf("read replicas: %w", err)
	}
	// A statement made under a replica's context names that replica (naming it runs the
	// resolver again, so the order among the callbacks does not matter); any other statement
	// names none and stays on the primary.
	uses := make([]gorm.StatementModifier, len(urls))
	for i := range urls {
		m, ok := dbresolver.Use(replicaName(i)).(gorm.StatementModifier)
		if !ok {
			set.close()
			return fmt.Errorf("read replicas: the resolver cannot be told which replica to use")
		}
		uses[i] = m
	}
	route := func(db *gorm.DB) {
		if i, ok := db.Statement.Context.Value(replicaKey{}).(int); ok && i >= 0 && i < len(uses) {
			uses[i].ModifyStatement(db.Statement)
		}
	}
	cb := s.DB.Callback()
	for _, err := range []error{
		cb.Query().Before("gorm:query").Register("registry:replica", route),
		cb.Row().Before("gorm:row").Register("registry:replica", route),
		cb.Raw().Before("gorm:raw").Register("registry:replica", route),
	} {
		if err != nil {
			set.close()
			return fmt.Errorf("read replicas: %w", err)
		}
	}
	s.replicas = set
	return nil
}

func openReplicaPool(ctx context.Context, url string) (*sql.DB, error) {
	db, err := gorm.Open(postgres.Open(url), &gorm.Config{})
	if err != nil {
		return nil, err
	}
	pool, err := db.DB()
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("does not answer: %w", err)
	}
	return pool, nil
}

func (r *replicaSet) close() {
	if r == nil {
		return
	}
	for _, p := range r.pools {
		p.Close()
	}
}

// HasReplicas tells whether reads can go to a replica.
func (s *Store) HasReplicas() bool { return s.replicas != nil && len(s.replicas.pools) > 0 }

// OnReplica returns a context whose plain reads go to the next replica in turn, and that
// replica's number; without replicas, or while every replica rests after failing
// (ReplicaFailed), it returns ctx unchanged and -1. Writes and transactions made with it still
// go to the primary.
func (s *Store) OnReplica(ctx context.Context) (context.Context, int) {
	if !s.HasReplicas() {
		return ctx, -1
	}
	r, now := s.replicas, time.Now().UnixNano()
	n := uint64(len(r.pools))
	for range n {
		i := int(r.next.Add(1) % n)
		if r.downUntil[i].Load() <= now {
			return context.WithValue(ctx, replicaKey{}, i), i
		}
	}
	return ctx, -1
}

// ReplicaFailed leaves replica i out for a few seconds, its reads going to the others or to the
// primary meanwhile. It tells whether the replica was in use until now, so that its failure is
// logged once rather than for every request.
func (s *Store) ReplicaFailed(i int) (wasUp bool) {
	if !s.HasReplicas() || i < 0 || i >= len(s.replicas.pools) {
		return false
	}
	now := time.Now()
	prev := s.replicas.downUntil[i].Swap(now.Add(replicaRest).UnixNano())
	return prev <= now.UnixNano()
}

// OnPrimary returns a context whose reads go to the primary even when ctx was made for a
// replica: for what a cache compares (the change counter) and what is computed once for every
// visitor (the summary).
func OnPrimary(ctx context.Context) context.Context {
	if _, ok := ctx.Value(replicaKey{}).(int); !ok {
		return ctx
	}
	return context.WithValue(ctx, replicaKey{}, -1)
}

// ReplicaOf tells which replica a context's reads go to, or -1 for the primary.
func ReplicaOf(ctx context.Context) int {
	if i, ok := ctx.Value(replicaKey{}).(int); ok {
		return i
	}
	return -1
}

// ReplicaPools are the replicas' connection pools, by name (replica1, replica2…), for the
// operator's metrics.
func (s *Store) ReplicaPools() map[string]*sql.DB {
	out := map[string]*sql.DB{}
	if s.HasReplicas() {
		for i, p := range s.replicas.pools {
			out["replica"+strconv.Itoa(i+1)] = p
		}
	}
	return out
}

// ReplicaLocations are the replicas as the operator named them, passwords left out.
func (s *Store) ReplicaLocations() []string {
	if !s.HasReplicas() {
		return nil
	}
	return append([]string(nil), s.replicas.locations...)
}
