package models_test

import (
	"context"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
	"gorm.io/gorm"
)

// A second schema stands in for the replica: what a read finds tells where it went.
func TestReplicaReads(t *testing.T) {
	ctx := context.Background()
	primary := testutil.Postgres(t)
	replica := testutil.PostgresURL(t)
	rs := testutil.SQLiteAt(t, t.TempDir()+"/unused.db") // a SQLite store refuses replicas
	if err := rs.AddReplicas(ctx, []string{replica}); err == nil {
		t.Error("a SQLite store accepted a read replica")
	}
	r, err := models.Open(ctx, replica)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := testutil.Publish(r); err != nil {
		t.Fatal(err)
	}
	testutil.Load(t, primary, `{"type":"signatory","ref":"p","kind":"person","name":"On The Primary","email":"p@example.org","country":"IT","signed_at":"2024-05-01T10:00:00Z"}`+"\n")
	testutil.Load(t, r, `{"type":"signatory","ref":"r","kind":"person","name":"On The Replica","email":"r@example.org","country":"FR","signed_at":"2024-05-01T10:00:00Z"}`+"\n"+
		`{"type":"signatory","ref":"r2","kind":"person","name":"Also On The Replica","email":"r2@example.org","country":"FR","signed_at":"2024-05-01T10:00:00Z"}`+"\n")

	if err := primary.AddReplicas(ctx, []string{"data/registry.db"}); err == nil {
		t.Error("a SQLite path was accepted as a replica")
	}
	if err := primary.AddReplicas(ctx, []string{replica}); err != nil {
		t.Fatal(err)
	}
	names := func(ctx context.Context) []string {
		t.Helper()
		page, err := primary.List(ctx, models.ListFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, row := range page.Rows {
			out = append(out, row.Name)
		}
		return out
	}
	count := func(ctx context.Context) int64 {
		t.Helper()
		var n int64
		if err := primary.DB.WithContext(ctx).Raw("SELECT count(*) FROM signatories").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}

	if got := names(ctx); len(got) != 1 || got[0] != "On The Primary" {
		t.Errorf("a read without a replica's context: %v, want the primary's signatory", got)
	}
	onReplica, i := primary.OnReplica(ctx)
	if i != 0 || models.ReplicaOf(onReplica) != 0 {
		t.Fatalf("OnReplica gave replica %d", i)
	}
	if got := names(onReplica); len(got) != 2 {
		t.Errorf("a read with a replica's context: %v, want the replica's two signatories", got)
	}
	if n := count(onReplica); n != 2 {
		t.Errorf("raw count on the replica: %d, want 2", n)
	}
	back := models.OnPrimary(onReplica)
	if models.ReplicaOf(back) != -1 {
		t.Error("OnPrimary left the context on a replica")
	}
	if n := count(back); n != 1 {
		t.Errorf("raw count with OnPrimary: %d, want the primary's 1", n)
	}
	// The change counters differ: each is read where the context says.
	pc, err := primary.ChangeCount(back)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := r.ChangeCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := primary.ChangeCount(onReplica); err != nil || got != rc {
		t.Errorf("change counter with a replica's context: %d (%v), want the replica's %d (the primary has %d)", got, err, rc, pc)
	}

	// Writes and transactions made with a replica's context land on the primary.
	if err := primary.DB.WithContext(onReplica).Exec("UPDATE signatories SET city = 'Written' WHERE name = 'On The Primary'").Error; err != nil {
		t.Fatal(err)
	}
	var inTx int64
	if err := primary.DB.WithContext(onReplica).Transaction(func(tx *gorm.DB) error {
		return tx.Raw("SELECT count(*) FROM signatories WHERE city = 'Written'").Scan(&inTx).Error
	}); err != nil {
		t.Fatal(err)
	}
	if inTx != 1 {
		t.Errorf("a transaction with a replica's context read %d rows written on the primary, want 1 (it ran on the replica?)", inTx)
	}
	var onR int64
	r.DB.Raw("SELECT count(*) FROM signatories WHERE city = 'Written'").Scan(&onR)
	if onR != 0 {
		t.Error("a write made with a replica's context reached the replica")
	}
	// A replica that failed rests: reads stay on the primary meanwhile.
	if !primary.ReplicaFailed(0) || primary.ReplicaFailed(0) {
		t.Error("ReplicaFailed should say the replica was up the first time only")
	}
	if _, i := primary.OnReplica(ctx); i != -1 {
		t.Errorf("OnReplica chose replica %d while it rests", i)
	}
	if len(primary.ReplicaPools()) != 1 || len(primary.ReplicaLocations()) != 1 {
		t.Errorf("replica pools %v, locations %v", primary.ReplicaPools(), primary.ReplicaLocations())
	}
}
