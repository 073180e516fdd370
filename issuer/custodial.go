package issuer

import (
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
)

// Custodial keys: a signatory's identity did:web:<host>:signatories:<id> has an Ed25519 key per
// root version, derived (HKDF) from that root and the signatory's public id, so that no
// per-person secret is stored anywhere. The newest root's key signs; the document lists every
// version's key, so that what an earlier root's key signed keeps verifying.

// custodialKey derives a signatory's key from one root version. Version 0 holds the seed of
// issuer key 1, from which this derivation (same salt, same info) came before roots existed.
func custodialKey(r Root, publicID string) (Key, error) {
	seed, err := hkdf.Key(sha256.New, r.Secret, []byte("open-recognition-registry"), "signatory key\n"+publicID, ed25519.SeedSize)
	if err != nil {
		return Key{}, err
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return Key{N: r.Version, Private: priv, Public: priv.Public().(ed25519.PublicKey), Created: r.Since}, nil
}

// SignatoryKey is the custodial key that signs for a signatory now: the newest root's.
func (k *Keys) SignatoryKey(publicID string) (Key, error) {
	roots, err := k.Roots()
	if err != nil {
		return Key{}, err
	}
	return custodialKey(roots[len(roots)-1], publicID)
}

// SignatoryKeys are a signatory's custodial keys of every root version, oldest first.
func (k *Keys) SignatoryKeys(publicID string) ([]Key, error) {
	roots, err := k.Roots()
	if err != nil {
		return nil, err
	}
	keys := make([]Key, 0, len(roots))
	for _, r := range roots {
		key, err := custodialKey(r, publicID)
		if err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	return keys, nil
}

// SignatoryDID is a signatory's custodial did:web; its document is {base}/signatories/{id}/did.json.
func SignatoryDID(registryDID, publicID string) string {
	return registryDID + ":signatories:" + publicID
}

// SignatoryDocument is the DID document of a signatory's custodial identity: the key of every
// root version. Listing a version's key for someone it never signed for reveals nothing (it is
// a public key) and spares a search of every credential on each request.
func (k *Keys) SignatoryDocument(registryDID, publicID string) (DIDDocument, error) {
	keys, err := k.SignatoryKeys(publicID)
	if err != nil {
		return DIDDocument{}, err
	}
	did := SignatoryDID(registryDID, publicID)
	doc := DIDDocument{Context: []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"}, ID: did}
	for _, key := range keys {
		id := MethodID(did, key)
		doc.VerificationMethod = append(doc.VerificationMethod, VerificationMethod{ID: id, Type: "Multikey", Controller: did, PublicKeyMultibase: key.Multibase()})
		doc.AssertionMethod = append(doc.AssertionMethod, id)
	}
	return doc, nil
}
