package models

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

// groupStore is a SQLite store with a scratch table for grouped writes.
func groupStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "group.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.DB.Exec("CREATE TABLE scratch (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)").Error; err != nil {
		t.Fatal(err)
	}
	return s
}

func scratchNames(t *testing.T, s *Store) map[string]bool {
	t.Helper()
	var names []string
	if err := s.DB.Raw("SELECT name FROM scratch").Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}

// writeAtOnce makes n grouped writes at once, write i running fn(i, …), and returns their answers.
func writeAtOnce(s *Store, n int, fn func(i int, tx *gorm.DB) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.groupWrite(context.Background(), func(tx *gorm.DB) error { return fn(i, tx) })
		}()
	}
	wg.Wait()
	return errs
}

// Writes made at once share transactions, and each is answered with its own outcome: a write
// that fails (a constraint, an error of its own, a panic) leaves nothing behind, and the others
// of its batch are committed.
func TestGroupedWritesFailAlone(t *testing.T) {
	s := groupStore(t)
	const n = 300
	errs := writeAtOnce(s, n, func(i int, tx *gorm.DB) error {
		if err := tx.Exec("INSERT INTO scratch (name) VALUES (?)", fmt.Sprintf("row %d", i)).Error; err != nil {
			return err
		}
		switch i % 10 {
		case 1: // a second row that breaks the unique constraint: the first goes too
			return tx.Exec("INSERT INTO scratch (name) VALUES (?)", fmt.Sprintf("row %d", i)).Error
		case 2:
			return errors.New("refused")
		case 3:
			panic("a bug")
		}
		return nil
	})
	names := scratchNames(t, s)
	for i, err := range errs {
		stored := names[fmt.Sprintf("row %d", i)]
		switch i % 10 {
		case 1, 2, 3:
			if err == nil || stored {
				t.Errorf("write %d should fail alone: err %v, stored %v", i, err, stored)
			}
		default:
			if err != nil || !stored {
				t.Errorf("write %d should be committed: err %v, stored %v", i, err, stored)
			}
		}
	}
	if len(names) != n*7/10 {
		t.Errorf("%d rows stored, want %d", len(names), n*7/10)
	}
}

// A write whose request has gone before its turn is not run; one already queued is answered
// even if its request goes meanwhile, with whether it was committed.
func TestGroupedWriteOfAGoneRequest(t *testing.T) {
	s := groupStore(t)
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.groupWrite(gone, func(tx *gorm.DB) error {
		return tx.Exec("INSERT INTO scratch (name) VALUES ('gone')").Error
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a write of a request gone before it was queued: %v", err)
	}
	// Hold the batch so that the next write waits in the queue while its request ends.
	started, release := make(chan struct{}), make(chan struct{})
	go s.groupWrite(context.Background(), func(tx *gorm.DB) error {
		close(started)
		<-release
		return nil
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.groupWrite(ctx, func(tx *gorm.DB) error {
			return tx.Exec("INSERT INTO scratch (name) VALUES ('late')").Error
		})
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	close(release)
	err = <-done
	if stored := scratchNames(t, s)["late"]; (err == nil) != stored {
		t.Fatalf("the answer (%v) does not say whether the write was stored (%v)", err, stored)
	}
}

// What every write of a batch asks for once runs once, at the end of the batch, and in the same
// transaction: a batch that fails leaves none of it.
func TestBatchEffectsRunOnce(t *testing.T) {
	s := groupStore(t)
	if err := s.DB.Exec("CREATE TABLE marks (n INTEGER NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	go s.groupWrite(context.Background(), func(tx *gorm.DB) error {
		close(started)
		<-release
		return nil
	})
	<-started
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.groupWrite(context.Background(), func(tx *gorm.DB) error {
				if err := tx.Exec("INSERT INTO scratch (name) VALUES (?)", fmt.Sprint(i)).Error; err != nil {
					return err
				}
				return oncePerBatch(tx, "mark", func(tx *gorm.DB) error { return tx.Exec("INSERT INTO marks (n) VALUES (1)").Error })
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	time.Sleep(100 * time.Millisecond) // the twenty wait in the queue: one batch
	close(release)
	wg.Wait()
	var marks int64
	s.DB.Raw("SELECT COUNT(*) FROM marks").Scan(&marks)
	if rows := len(scratchNames(t, s)); rows != n || marks < 1 || marks > 2 {
		t.Fatalf("%d rows and %d marks, want %d rows and one mark per batch", rows, marks, n)
	}
}

// A store closing answers the writes still queued instead of leaving them waiting.
func TestGroupedWritesWhenClosing(t *testing.T) {
	s := groupStore(t)
	var wg sync.WaitGroup
	results := make(chan error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- s.groupWrite(context.Background(), func(tx *gorm.DB) error {
				return tx.Exec("INSERT INTO scratch (name) VALUES (?)", fmt.Sprint(i)).Error
			})
		}()
	}
	time.Sleep(5 * time.Millisecond)
	s.closeGroup()
	wg.Wait()
	close(results)
	for err := range results {
		if err != nil && !errors.Is(err, errStoreClosed) {
			t.Errorf("a write answered %v while the store closed", err)
		}
	}
}

// Rows a write leaves for the end of its batch (insertAtEnd) are stored with the write, and taken
// back with it when it fails, whatever the other writes of the batch do.
func TestRowsAtTheEndGoWithTheirWrite(t *testing.T) {
	s := groupStore(t)
	if _, err := s.Migrate(context.Background()); err != nil { // the audit log
		t.Fatal(err)
	}
	if err := s.DB.Exec("CREATE TABLE later (name TEXT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	insertLater := func(tx *gorm.DB, names []string) error {
		for _, n := range names {
			if err := tx.Exec("INSERT INTO later (name) VALUES (?)", n).Error; err != nil {
				return err
			}
		}
		return nil
	}
	const n = 300
	errs := writeAtOnce(s, n, func(i int, tx *gorm.DB) error {
		name := fmt.Sprintf("row %d", i)
		if err := tx.Exec("INSERT INTO scratch (name) VALUES (?)", name).Error; err != nil {
			return err
		}
		if err := insertAtEnd(tx, "later", insertLater, name, name+" again"); err != nil {
			return err
		}
		if err := audit(tx, AuditEntry{At: time.Now(), Actor: "test", Action: "test.write", SubjectID: name}); err != nil {
			return err
		}
		switch i % 5 {
		case 1:
			return errors.New("refused after leaving its rows")
		case 2:
			panic("a bug after leaving its rows")
		}
		return nil
	})
	var later, audited []string
	if err := s.DB.Raw("SELECT name FROM later").Scan(&later).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Raw("SELECT subject_id FROM audit_log WHERE action = 'test.write'").Scan(&audited).Error; err != nil {
		t.Fatal(err)
	}
	count := func(list []string) map[string]int {
		m := map[string]int{}
		for _, v := range list {
			m[v]++
		}
		return m
	}
	laterOf, auditOf := count(later), count(audited)
	for i, err := range errs {
		name := fmt.Sprintf("row %d", i)
		want := 1
		if i%5 == 1 || i%5 == 2 {
			want = 0
			if err == nil {
				t.Errorf("write %d should fail", i)
			}
		} else if err != nil {
			t.Errorf("write %d: %v", i, err)
		}
		if laterOf[name] != want || laterOf[name+" again"] != want || auditOf[name] != want {
			t.Errorf("write %d (err %v): %d and %d rows at the end, %d audit entries; want %d of each", i, err,
				laterOf[name], laterOf[name+" again"], auditOf[name], want)
		}
	}
}
