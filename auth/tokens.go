package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewToken returns 256 random bits, URL-safe: session ids and OAuth states.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics if the system has no randomness)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hasher turns tokens into what the database stores: an HMAC under the operator's
// SESSION_SECRET, so that neither a copy of the database nor the secret alone signs anyone in.
type Hasher struct{ key []byte }

// NewHasher keys the hash with the session secret (empty for development logins only).
func NewHasher(secret string) Hasher { return Hasher{key: []byte(secret)} }

// Hash is the stored form of a token.
func (h Hasher) Hash(token string) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}
