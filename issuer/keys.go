// Package issuer is the registry's credential issuer: its signing keys, its did:web identity and
// the Open Badges credentials it signs. Keys live in files, never in the database, so that a
// copy of the database cannot sign anything.
package issuer

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mr-tron/base58"
)

// Key is one Ed25519 issuer key. The newest signs; older ones stay published so that what they
// signed keeps verifying.
type Key struct {
	N       int // 1, 2, … in the order the keys were made
	Private ed25519.PrivateKey
	Public  ed25519.PublicKey
	Created time.Time
}

// Multibase is the public key as did:web documents and proofs name it: "z" + base58btc of the
// multicodec prefix for Ed25519 (0xed 0x01) and the 32-byte key.
func (k Key) Multibase() string {
	return "z" + base58.Encode(append([]byte{0xed, 0x01}, k.Public...))
}

// Keys are the issuer keys of one registry, in the folder --keys names.
type Keys struct {
	Dir   string
	mu    sync.RWMutex
	list  []Key  // oldest first
	roots []Root // oldest first; see roots.go
}

const keyPrefix = "issuer-"

// OpenKeys loads the keys of dir, creating the folder (0700), a first root secret and a first
// key (0600) when there is none. A folder, key or root file that others may read is refused:
// whoever reads the key can sign badges in the registry's name, and whoever reads the root can
// sign endorsements in every signatory's.
func OpenKeys(dir string) (*Keys, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("issuer keys folder %s: %w", dir, err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("issuer keys folder %s is open to other users (mode %04o); run: chmod 700 %s", dir, st.Mode().Perm(), dir)
	}
	k := &Keys{Dir: dir}
	if err := k.load(); err != nil {
		return nil, err
	}
	// The roots come first: keys without roots are a registry from before roots existed, whose
	// derivations came from issuer key 1 (see roots.go).
	if k.roots, err = ensureRoots(dir, k.list); err != nil {
		return nil, err
	}
	if len(k.list) == 0 {
		if _, err := k.Rotate(); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func (k *Keys) load() error {
	entries, err := os.ReadDir(k.Dir)
	if err != nil {
		return err
	}
	var list []Key
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, keyPrefix) || !strings.HasSuffix(name, ".pem") {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, keyPrefix), ".pem"))
		if err != nil {
			continue
		}
		key, err := readKey(filepath.Join(k.Dir, name))
		if err != nil {
			return err
		}
		key.N = n
		list = append(list, key)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].N < list[j].N })
	k.mu.Lock()
	k.list = list
	k.mu.Unlock()
	return nil
}

// Refresh picks up keys and root versions another process added (keys rotate or rotate-root
// while the server runs).
func (k *Keys) Refresh() error {
	if err := k.refreshRoots(); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(k.Dir, keyPrefix+"*.pem"))
	if err != nil {
		return err
	}
	k.mu.RLock()
	same := len(files) == len(k.list)
	k.mu.RUnlock()
	if same {
		return nil
	}
	return k.load()
}

// readSecret reads a key or root file, refusing one that other users may read: a secret others
// could copy signs for the registry.
func readSecret(what, path string) ([]byte, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, nil, fmt.Errorf("%s %s is readable by other users (mode %04o); run: chmod 600 %s", what, path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	return b, st, err
}

func readKey(path string) (Key, error) {
	b, st, err := readSecret("issuer key", path)
	if err != nil {
		return Key{}, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return Key{}, fmt.Errorf("issuer key %s is not a PEM private key", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return Key{}, fmt.Errorf("issuer key %s: %w", path, err)
	}
	priv, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return Key{}, fmt.Errorf("issuer key %s is not an Ed25519 key", path)
	}
	return Key{Private: priv, Public: priv.Public().(ed25519.PublicKey), Created: st.ModTime().UTC()}, nil
}

// Rotate makes a new key that signs from now on; the older keys stay published.
func (k *Keys) Rotate() (Key, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Key{}, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return Key{}, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 1
	if len(k.list) > 0 {
		n = k.list[len(k.list)-1].N + 1
	}
	path := filepath.Join(k.Dir, fmt.Sprintf("%s%d.pem", keyPrefix, n))
	// O_EXCL: never overwrite a key, even if two processes race.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return Key{}, fmt.Errorf("issuer key %s appeared meanwhile; run the command again", path)
	}
	if err != nil {
		return Key{}, err
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		os.Remove(path)
		return Key{}, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return Key{}, err
	}
	if err := f.Close(); err != nil {
		return Key{}, err
	}
	key := Key{N: n, Private: priv, Public: pub, Created: time.Now().UTC()}
	k.list = append(k.list, key)
	return key, nil
}

// Current is the key that signs.
func (k *Keys) Current() Key {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.list[len(k.list)-1]
}

// All are every key, oldest first.
func (k *Keys) All() []Key {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return append([]Key(nil), k.list...)
}
