package issuer

import (
	"fmt"
	"net/url"
	"strings"
)

// DID is the issuer's did:web for a base URL: did:web:host, a port percent-encoded
// (did:web:localhost%3A8080), a path prefix as more colon-separated segments. Its document is
// served at {base}/.well-known/did.json (or {base}/did.json under a path).
func DID(baseURL string) (string, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("base URL %q has no host", baseURL)
	}
	did := "did:web:" + strings.ReplaceAll(u.Host, ":", "%3A")
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if seg != "" {
			did += ":" + url.PathEscape(seg)
		}
	}
	return did, nil
}

// VerificationMethod is one published key.
type VerificationMethod struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	Controller         string `json:"controller"`
	PublicKeyMultibase string `json:"publicKeyMultibase"`
}

// DIDDocument is what /.well-known/did.json serves.
type DIDDocument struct {
	Context            []string             `json:"@context"`
	ID                 string               `json:"id"`
	VerificationMethod []VerificationMethod `json:"verificationMethod"`
	AssertionMethod    []string             `json:"assertionMethod"`
}

// MethodID names a key inside the issuer's DID.
func MethodID(did string, k Key) string { return did + "#" + k.Multibase() }

// Document lists every key, current and rotated out, so that every credential ever signed
// still finds its key.
func (k *Keys) Document(did string) DIDDocument {
	doc := DIDDocument{Context: []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"}, ID: did}
	for _, key := range k.All() {
		id := MethodID(did, key)
		doc.VerificationMethod = append(doc.VerificationMethod, VerificationMethod{ID: id, Type: "Multikey", Controller: did, PublicKeyMultibase: key.Multibase()})
		doc.AssertionMethod = append(doc.AssertionMethod, id)
	}
	return doc
}
