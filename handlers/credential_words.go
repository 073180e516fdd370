package handlers

import (
	"regexp"
	"strconv"
	"time"

	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
)

// A credential is signed in English and stays exactly as issued; its verification page says what
// it says in the reader's language, from the catalogue. What the catalogue cannot say (a
// credential from another registry's import, in words this one never writes) is shown as
// written, marked as English.

// badgeWords names a credential's badge and says what it recognises.
func badgeWords(l *i18n.Localizer, kind string, doc map[string]any) (name, description string) {
	switch kind {
	case "signatory":
		return l.T("badge.signatory.name"), l.T("badge.signatory.description")
	case "advocate":
		return l.T("badge.advocate.name"), l.T("badge.advocate.description")
	case "ambassador":
		return l.T("badge.ambassador.name"), l.T("badge.ambassador.description")
	case "endorsement":
		// The level is in the credential only as its name, which the issuer derives from it.
		docName, _ := doc["name"].(string)
		switch docName {
		case issuer.Endorsement(issuer.EndorsementInput{Level: "advocate"}).Name:
			return l.T("badge.endorsement.advocate.name"), l.T("badge.endorsement.advocate.description")
		case issuer.Endorsement(issuer.EndorsementInput{Level: "ambassador"}).Name:
			return l.T("badge.endorsement.ambassador.name"), l.T("badge.endorsement.ambassador.description")
		}
		return docName, ""
	}
	a := issuer.Achievements[kind]
	return a.Name, a.Description
}

// revocationWords says why a credential was revoked, from the reason the registry recorded (see
// revokeAll and its callers in models); ok is false for a reason it never records.
func revocationWords(l *i18n.Localizer, kind, reason string) (words string, ok bool) {
	switch reason {
	case "":
		return "", true
	case models.ReasonWithdrawn:
		if kind == "endorsement" {
			return l.T("cred.reason.withdrawn_endorsement"), true
		}
		return l.T("cred.reason.withdrawn"), true
	case models.ReasonTierChanged:
		return l.T("cred.reason.tier_changed"), true
	case models.ReasonSuperseded:
		return l.T("cred.reason.superseded"), true
	case models.ReasonUnverified:
		return l.T("cred.reason.unverified"), true
	case models.ReasonHidden:
		return l.T("cred.reason.hidden"), true
	case models.ReasonEndorsementChanged:
		return l.T("cred.reason.endorsement_changed"), true
	case models.ReasonEndorsementWithdrawn:
		return l.T("cred.reason.endorsement_withdrawn"), true
	case models.ReasonEndorsementDeclined:
		return l.T("cred.reason.endorsement_declined"), true
	}
	if key, known := goneReasons[reason]; known {
		return l.T(key), true
	}
	return reason, false
}

// signedEvidence reads the evidence of a Signatory badge as issuer.Badge writes it.
var signedEvidence = regexp.MustCompile(`^Signed on (\S+): version (\d+), language ([A-Za-z-]+), text SHA-256 ([0-9a-f]{64})\.$`)

// evidenceWords says what was signed: the version, language and fingerprint of the text, and
// when; ok is false when the evidence is not in the registry's words.
func evidenceWords(l *i18n.Localizer, description string) (words string, ok bool) {
	m := signedEvidence.FindStringSubmatch(description)
	if m == nil {
		return description, false
	}
	at, err := time.Parse(time.RFC3339, m[1])
	version, err2 := strconv.Atoi(m[2])
	if err != nil || err2 != nil {
		return description, false
	}
	language := m[3]
	if i18n.Supported(language) {
		language = l.T("lang." + language)
	}
	return l.T("cred.signed_text", version, language, l.Date(at), m[4]), true
}
