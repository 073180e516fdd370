package models

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// SQLiteFile turns a --db value that is not a PostgreSQL URL into the real path of the SQLite
// file: a plain path, or a SQLite URI (file:registry.db, file:/srv/registry.db,
// file:///srv/registry.db). URI parameters are refused rather than dropped: the registry sets
// its own (WAL, synchronous=FULL, foreign keys…) and a "?mode=ro" it ignored would surprise.
// Symbolic links are resolved, so that the lock that keeps a second server and restore away
// from a database in use, and restore itself, act on the file and not on a link to it.
func SQLiteFile(location string) (string, error) {
	path := location
	if strings.HasPrefix(location, "file:") {
		u, err := url.Parse(location)
		if err != nil {
			return "", fmt.Errorf("--db: %q is not a SQLite URI such as file:data/registry.db: %v", location, err)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return "", fmt.Errorf("--db: %q: SQLite URI parameters are not accepted (the registry sets its own); give the file alone, e.g. file:%s", location, u.Opaque+u.Path)
		}
		if u.Host != "" && u.Host != "localhost" {
			return "", fmt.Errorf("--db: %q names the host %q; a SQLite database must be a file on this machine", location, u.Host)
		}
		path = u.Opaque
		if path == "" {
			path = u.Path
		}
		if p, err := url.PathUnescape(path); err == nil {
			path = p
		}
	}
	if path == "" {
		return "", errors.New("--db: no database file given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("--db: %q: %w", location, err)
	}
	return resolveLinks(abs), nil
}

// resolveLinks follows symbolic links in a path whose last part may not exist yet.
func resolveLinks(abs string) string {
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}

// sqliteDSN is the driver's URI for a file path with the given parameters; characters that
// mean something in a URI are escaped.
func sqliteDSN(path, params string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) + "?" + params
}

// IsPostgres tells a PostgreSQL URL from a SQLite file.
func IsPostgres(location string) bool {
	return strings.HasPrefix(location, "postgres://") || strings.HasPrefix(location, "postgresql://")
}
