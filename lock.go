package main

import (
	"fmt"
	"os"
	"syscall"

	"github.com/open-recognition/registry/models"
)

// lockDatabase takes an exclusive advisory lock beside a SQLite file while the server runs, so
// that restore can refuse to replace a database in use. PostgreSQL needs none.
func lockDatabase(store *models.Store) (unlock func(), err error) {
	if store.Dialect != models.SQLite {
		return func() {}, nil
	}
	return lockFile(store.Path + ".lock")
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("the database %s is in use by a running server (lock %s); stop it first", path[:len(path)-5], path)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
