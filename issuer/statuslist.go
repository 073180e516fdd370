package issuer

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// EncodeStatusList is the Bitstring Status List encoding of a list with the given entries set:
// a bitstring (entry 0 is the first byte's highest bit), GZIP-compressed, base64url without
// padding, with the multibase prefix "u".
func EncodeStatusList(size int, set []int) (string, error) {
	bits := make([]byte, (size+7)/8)
	for _, i := range set {
		if i < 0 || i >= size {
			return "", fmt.Errorf("status index %d outside the list of %d", i, size)
		}
		bits[i/8] |= 0x80 >> (i % 8)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

type statusListSubject struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	StatusPurpose string `json:"statusPurpose"`
	EncodedList   string `json:"encodedList"`
}

// StatusListCredential is a BitstringStatusListCredential before its proof.
type StatusListCredential struct {
	Context           []string          `json:"@context"`
	ID                string            `json:"id"`
	Type              []string          `json:"type"`
	Issuer            string            `json:"issuer"`
	ValidFrom         string            `json:"validFrom"`
	CredentialSubject statusListSubject `json:"credentialSubject"`
}

// StatusList builds the revocation status list credential number list.
func StatusList(base, did string, list, size int, revoked []int, at time.Time) (StatusListCredential, error) {
	enc, err := EncodeStatusList(size, revoked)
	if err != nil {
		return StatusListCredential{}, err
	}
	return statusListAt(StatusListURL(strings.TrimRight(base, "/"), list), did, at, enc), nil
}

// EndorserStatusList builds the status list of the endorsements a signatory gave, issued by
// their custodial DID (from, their public id) and signed with its key.
func EndorserStatusList(base, registryDID, from string, size int, revoked []int, at time.Time) (StatusListCredential, error) {
	enc, err := EncodeStatusList(size, revoked)
	if err != nil {
		return StatusListCredential{}, err
	}
	return statusListAt(EndorserStatusListURL(base, from), SignatoryDID(registryDID, from), at, enc), nil
}

func statusListAt(u, did string, at time.Time, enc string) StatusListCredential {
	return StatusListCredential{Context: []string{ContextVC2}, ID: u, Type: []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer: did, ValidFrom: at.UTC().Format(time.RFC3339),
		CredentialSubject: statusListSubject{ID: u + "#list", Type: "BitstringStatusList", StatusPurpose: "revocation", EncodedList: enc}}
}
