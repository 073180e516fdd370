package issuer

import (
	"context"

	"github.com/open-recognition/registry/models"
)

// badge builds a badge with what its signatory's record says beyond the worker's own fields:
// when the tier was reached, the recipient's verified e-mail as a salted hash, and the issuer's
// e-mail. A failed lookup fails the job, which is retried: a badge signed without its
// identifier could never gain it.
func (w *Worker) badge(in BadgeInput, task models.IssuanceTask) (BadgeCredential, error) {
	sg := task.Signatory
	in.IssuerEmail = w.IssuerEmail
	if sg.TierSince != nil && sg.Tier == task.Job.Kind {
		in.AwardedAt = *sg.TierSince
	}
	// The worker signs outside any request; the lookup is one row by primary key.
	email, err := w.Store.VerifiedEmail(context.Background(), &sg)
	if err != nil {
		return BadgeCredential{}, err
	}
	if email != "" {
		// The salt of the OB 2.0 recipient, from the root secret in force when the credential
		// is issued (as /ob2/assertions reads it): secret, so the e-mail cannot be tried against
		// the hash, and distinct for every credential, so two badges cannot be linked by it.
		root, err := w.Keys.RecipientRoot(in.IssuedAt)
		if err != nil {
			return BadgeCredential{}, err
		}
		r := root.OB2Recipient(in.CredentialID, email, "")
		in.EmailHash, _ = r["identity"].(string)
		in.EmailSalt, _ = r["salt"].(string)
	}
	return Badge(in)
}
