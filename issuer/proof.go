package issuer

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mr-tron/base58"
)

// Signer signs and checks Data Integrity proofs of cryptosuite eddsa-rdfc-2022, the one both
// the 1EdTech validator and the DCC verifiers accept.
type Signer struct {
	canon *canonicalizer
	// optsCache holds the canonical proof options per key and context, with a placeholder where
	// the creation time goes: only that literal differs from one proof to the next, and the
	// predicates before it fix the order of the statements, so substituting it gives exactly
	// what canonicalizing anew would. It halves the cost of a signature.
	mu        sync.Mutex
	optsCache map[string]string
}

// createdPlaceholder stands for the proof's creation time in a cached canonical form; it has
// the length and shape of a real one.
const createdPlaceholder = "1970-01-01T00:00:00Z"

// NewSigner prepares the canonicalizer and its embedded contexts.
func NewSigner() (*Signer, error) {
	c, err := newCanonicalizer()
	if err != nil {
		return nil, err
	}
	return &Signer{canon: c, optsCache: map[string]string{}}, nil
}

// Proof is a DataIntegrityProof.
type Proof struct {
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite"`
	Created            string `json:"created"`
	VerificationMethod string `json:"verificationMethod"`
	ProofPurpose       string `json:"proofPurpose"`
	ProofValue         string `json:"proofValue,omitempty"`
}

// toMap turns a document into the generic form the JSON-LD processor reads.
func toMap(doc any) (map[string]any, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// hashData is SHA-256(canonical proof options) || SHA-256(canonical document without proof).
func (s *Signer) hashData(doc map[string]any, opts Proof) ([]byte, error) {
	unsigned := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			unsigned[k] = v
		}
	}
	opts.ProofValue = ""
	oc, err := s.canonicalOptions(doc["@context"], opts)
	if err != nil {
		return nil, fmt.Errorf("canonical proof options: %w", err)
	}
	dc, err := s.canon.canonical(unsigned)
	if err != nil {
		return nil, fmt.Errorf("canonical document: %w", err)
	}
	ho, hd := sha256.Sum256([]byte(oc)), sha256.Sum256([]byte(dc))
	return append(ho[:], hd[:]...), nil
}

// canonicalOptions returns the canonical proof options, from the cache when it can.
func (s *Signer) canonicalOptions(context any, opts Proof) (string, error) {
	ctx, _ := json.Marshal(context)
	created := opts.Created
	if len(created) != len(createdPlaceholder) || !strings.HasSuffix(created, "Z") {
		om, err := toMap(opts)
		if err != nil {
			return "", err
		}
		om["@context"] = context
		return s.canon.canonical(om)
	}
	opts.Created = createdPlaceholder
	key := string(ctx) + "\n" + opts.VerificationMethod + "\n" + opts.Cryptosuite + "\n" + opts.ProofPurpose + "\n" + opts.Type
	s.mu.Lock()
	tmpl, ok := s.optsCache[key]
	s.mu.Unlock()
	if !ok {
		om, err := toMap(opts)
		if err != nil {
			return "", err
		}
		om["@context"] = context
		if tmpl, err = s.canon.canonical(om); err != nil {
			return "", err
		}
		if strings.Count(tmpl, `"`+createdPlaceholder+`"`) != 1 {
			return "", fmt.Errorf("the canonical proof options do not hold the creation time once")
		}
		s.mu.Lock()
		s.optsCache[key] = tmpl
		s.mu.Unlock()
	}
	return strings.Replace(tmpl, `"`+createdPlaceholder+`"`, `"`+created+`"`, 1), nil
}

// Sign returns doc (any JSON-marshalable credential) as a map with its proof, as an array.
func (s *Signer) Sign(doc any, key Key, did string, created time.Time) (map[string]any, error) {
	m, err := toMap(doc)
	if err != nil {
		return nil, err
	}
	opts := Proof{Type: "DataIntegrityProof", Cryptosuite: "eddsa-rdfc-2022", Created: created.UTC().Format(time.RFC3339),
		VerificationMethod: MethodID(did, key), ProofPurpose: "assertionMethod"}
	h, err := s.hashData(m, opts)
	if err != nil {
		return nil, err
	}
	opts.ProofValue = "z" + base58.Encode(ed25519.Sign(key.Private, h))
	pm, err := toMap(opts)
	if err != nil {
		return nil, err
	}
	m["proof"] = []any{pm}
	return m, nil
}

// ErrBadSignature says a proof does not match the document.
var ErrBadSignature = errors.New("the signature does not match the credential")

// Verify checks the proof of a signed document against the keys of did (any key ever used).
func (s *Signer) Verify(doc map[string]any, keys []Key, did string) error {
	proofs, ok := doc["proof"].([]any)
	if !ok || len(proofs) != 1 {
		return errors.New("the credential has no single proof")
	}
	pm, ok := proofs[0].(map[string]any)
	if !ok {
		return errors.New("the proof is not an object")
	}
	b, _ := json.Marshal(pm)
	var p Proof
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if p.Type != "DataIntegrityProof" || p.Cryptosuite != "eddsa-rdfc-2022" || !strings.HasPrefix(p.ProofValue, "z") {
		return fmt.Errorf("unsupported proof %s/%s", p.Type, p.Cryptosuite)
	}
	var key *Key
	for i := range keys {
		if MethodID(did, keys[i]) == p.VerificationMethod {
			key = &keys[i]
		}
	}
	if key == nil {
		return fmt.Errorf("the proof names key %s, which is not one of this issuer's", p.VerificationMethod)
	}
	sig, err := base58.Decode(p.ProofValue[1:])
	if err != nil {
		return ErrBadSignature
	}
	h, err := s.hashData(doc, p)
	if err != nil {
		return err
	}
	if !ed25519.Verify(key.Public, h, sig) {
		return ErrBadSignature
	}
	return nil
}
