package issuer

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A root secret is what the custodial signatory keys and the OB 2.0 recipient salts derive
// from. It is not an issuer key, so that every issuer key can be rotated out and the root be
// rotated on its own. Each version is a file root-N.secret in the keys folder (0600, written
// once with O_EXCL) holding 32 random bytes and the moment from which it derives.
//
// Version 0 exists only on registries that issued credentials before roots existed: those
// derived from issuer key 1, so on the first start after the upgrade version 0 is written with
// the seed of issuer key 1, and everything derived from it keeps its value.

// Root is one version of the root secret.
type Root struct {
	Version int
	Secret  []byte
	// Since is the first moment (a whole second) whose credentials take their OB 2.0 salt from
	// this root. It is always a second after the root was made, so that a credential issued
	// before, whose salt may already have been served, keeps it.
	Since time.Time
}

const (
	rootPrefix = "root-"
	rootSuffix = ".secret"
	rootHeader = "# Root secret of the Open Recognition Registry: keep it private and back it up with the issuer keys.\n"
)

func rootPath(dir string, version int) string {
	return filepath.Join(dir, fmt.Sprintf("%s%d%s", rootPrefix, version, rootSuffix))
}

// loadRoots reads every root version of dir, oldest first.
func loadRoots(dir string) ([]Root, error) {
	files, err := filepath.Glob(filepath.Join(dir, rootPrefix+"*"+rootSuffix))
	if err != nil {
		return nil, err
	}
	var roots []Root
	for _, path := range files {
		v, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), rootPrefix), rootSuffix))
		if err != nil || v < 0 {
			continue
		}
		r, err := readRoot(path)
		if err != nil {
			return nil, err
		}
		r.Version = v
		roots = append(roots, r)
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i].Version < roots[j].Version })
	return roots, nil
}

func readRoot(path string) (Root, error) {
	b, _, err := readSecret("root secret", path)
	if err != nil {
		return Root{}, err
	}
	var r Root
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		field, value, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		switch field {
		case "since":
			if r.Since, err = time.Parse(time.RFC3339, value); err != nil {
				return Root{}, fmt.Errorf("root secret %s: since: %w", path, err)
			}
		case "secret":
			if r.Secret, err = hex.DecodeString(value); err != nil || len(r.Secret) != 32 {
				return Root{}, fmt.Errorf("root secret %s: secret is not 32 bytes in hexadecimal", path)
			}
		}
	}
	if r.Secret == nil {
		return Root{}, fmt.Errorf("root secret %s has no secret line", path)
	}
	return r, nil
}

// writeRoot writes a root version once: O_EXCL, so that two processes never make two
// different secrets of the same version.
func writeRoot(dir string, r Root) error {
	path := rootPath(dir, r.Version)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("%ssince %s\nsecret %s\n", rootHeader, r.Since.UTC().Format(time.RFC3339), hex.EncodeToString(r.Secret))
	if _, err := f.WriteString(body); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// newRoot is a fresh root of a version, deriving from the next whole second on.
func newRoot(version int) (Root, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return Root{}, err
	}
	return Root{Version: version, Secret: secret, Since: time.Now().UTC().Truncate(time.Second).Add(time.Second)}, nil
}

// ensureRoots makes the roots a registry needs: version 0 from issuer key 1 when keys predate
// the roots (legacy), and a first random root when there is none. A file another process wrote
// meanwhile is taken as it is.
func ensureRoots(dir string, legacy []Key) ([]Root, error) {
	roots, err := loadRoots(dir)
	if err != nil {
		return nil, err
	}
	if len(roots) == 0 && len(legacy) > 0 {
		r := Root{Version: 0, Secret: legacy[0].Private.Seed()}
		if err := writeRoot(dir, r); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("root secret: %w", err)
		}
		if roots, err = loadRoots(dir); err != nil {
			return nil, err
		}
	}
	if len(roots) == 0 || roots[len(roots)-1].Version == 0 {
		r, err := newRoot(1)
		if err != nil {
			return nil, err
		}
		if err := writeRoot(dir, r); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("root secret: %w", err)
		}
		if roots, err = loadRoots(dir); err != nil {
			return nil, err
		}
	}
	return roots, nil
}

// RotateRoot adds a root version: custodial keys and salts of new credentials derive from it
// from the next second on; earlier versions stay, so what they derived keeps its value.
func (k *Keys) RotateRoot() (Root, error) {
	if err := k.refreshRoots(); err != nil {
		return Root{}, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	r, err := newRoot(k.roots[len(k.roots)-1].Version + 1)
	if err != nil {
		return Root{}, err
	}
	if err := writeRoot(k.Dir, r); errors.Is(err, fs.ErrExist) {
		return Root{}, fmt.Errorf("root secret %s appeared meanwhile; run the command again", rootPath(k.Dir, r.Version))
	} else if err != nil {
		return Root{}, err
	}
	k.roots = append(k.roots, r)
	return r, nil
}

// refreshRoots picks up root versions another process added (keys rotate-root while the
// server runs): a server that missed one would list too few keys and salt with an older root.
func (k *Keys) refreshRoots() error {
	files, err := filepath.Glob(filepath.Join(k.Dir, rootPrefix+"*"+rootSuffix))
	if err != nil {
		return err
	}
	k.mu.RLock()
	same := len(files) == len(k.roots)
	k.mu.RUnlock()
	if same {
		return nil
	}
	roots, err := loadRoots(k.Dir)
	if err != nil {
		return err
	}
	if len(roots) == 0 {
		return fmt.Errorf("the root secrets in %s are gone; restore them from the backup of the keys", k.Dir)
	}
	k.mu.Lock()
	k.roots = roots
	k.mu.Unlock()
	return nil
}

// Roots are every root version, oldest first.
func (k *Keys) Roots() ([]Root, error) {
	if err := k.refreshRoots(); err != nil {
		return nil, err
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return append([]Root(nil), k.roots...), nil
}

// RecipientRoot is the root whose salts a credential issued at issued takes: the newest one
// in force then (the oldest for anything earlier than every root).
func (k *Keys) RecipientRoot(issued time.Time) (Root, error) {
	roots, err := k.Roots()
	if err != nil {
		return Root{}, err
	}
	r := roots[0]
	for _, c := range roots {
		if !issued.Before(c.Since) {
			r = c
		}
	}
	return r, nil
}

// OB2Recipient is the hosted assertion's recipient salted from this root. The salt is the one
// issuer keys used to give (an HMAC keyed by a 32-byte seed), so that version 0, holding the
// seed of issuer key 1, gives earlier assertions the recipient they always had.
func (r Root) OB2Recipient(credentialID, email, profileURL string) map[string]any {
	return Key{Private: ed25519.NewKeyFromSeed(r.Secret)}.OB2Recipient(credentialID, email, profileURL)
}
