package issuer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Open Badges 2.0 hosted documents, for backpacks that do not read 3.0 yet.

// ContextOB2 is the Open Badges 2.0 context.
const ContextOB2 = "https://w3id.org/openbadges/v2"

// OB2Issuer is the issuer Profile; OB 2.0 requires its e-mail.
func OB2Issuer(base, name, email string) map[string]any {
	return map[string]any{"@context": ContextOB2, "type": "Issuer", "id": base + "/ob2/issuer", "name": name, "url": base,
		"email": email, "image": base + IssuerImagePath}
}

// OB2BadgeClass is one badge.
func OB2BadgeClass(base string, a Achievement) map[string]any {
	return map[string]any{"@context": ContextOB2, "type": "BadgeClass", "id": base + "/ob2/badges/" + a.Slug, "name": a.Name,
		"description": a.Description, "image": AchievementImage(base, a),
		"criteria": map[string]any{"id": CriteriaURL(base, a), "narrative": a.Criteria}, "issuer": base + "/ob2/issuer"}
}

// OB2AssertionURL is where the hosted assertion of a credential is served; its baked images
// are at the same address with .png and .svg.
func OB2AssertionURL(base, credentialID string) string {
	return base + "/ob2/assertions/" + credentialID
}

// OB2Recipient names the recipient of a hosted assertion: a salted SHA-256 of the e-mail when
// one is known, else the profile URL (logins such as ORCID often give no e-mail). The salt is
// derived from the issuer key and the credential, so it is stable, and unknown to anyone who
// would try addresses against the hash.
func (k Key) OB2Recipient(credentialID, email, profileURL string) map[string]any {
	if email == "" {
		return map[string]any{"type": "url", "hashed": false, "identity": profileURL}
	}
	m := hmac.New(sha256.New, k.Private.Seed())
	m.Write([]byte("ob2-salt\n" + credentialID))
	salt := hex.EncodeToString(m.Sum(nil))[:32]
	sum := sha256.Sum256([]byte(strings.ToLower(email) + salt))
	return map[string]any{"type": "email", "hashed": true, "salt": salt, "identity": "sha256$" + hex.EncodeToString(sum[:])}
}

// OB2Assertion is a hosted assertion of an issued badge. Its image is the PNG baked for OB 2.0,
// which a backpack can import.
func OB2Assertion(base, credentialID, kind string, recipient map[string]any, issued time.Time, evidence string) map[string]any {
	id := OB2AssertionURL(base, credentialID)
	a := map[string]any{"@context": ContextOB2, "type": "Assertion", "id": id, "recipient": recipient,
		"badge": base + "/ob2/badges/" + kind, "verification": map[string]any{"type": "hosted"}, "issuedOn": issued.UTC().Format(time.RFC3339),
		"image": id + ".png"}
	if evidence != "" {
		a["evidence"] = map[string]any{"id": base + "/credentials/" + credentialID, "narrative": evidence}
	}
	return a
}
