package records

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// The record types below appear in full dumps (export --full). They name signatories and
// accounts by their public ids only.

func (st *parser) declaration(n int, r *Declaration) error {
	if r.Version <= 0 {
		return models.FieldError("version", "must be a positive number")
	}
	if !declaration.KnownLanguage(r.Lang) {
		return models.FieldError("lang", "%q is not a language of the declaration", r.Lang)
	}
	if declaration.Hash(r.Body) != r.SHA256 {
		return models.FieldError("sha256", "does not match the body")
	}
	if strings.TrimSpace(r.Title) == "" {
		return models.FieldError("title", "is required")
	}
	at, err := parseTime("published_at", r.PublishedAt, true)
	if err != nil {
		return err
	}
	st.set.Declarations = append(st.set.Declarations, models.DeclarationIn{Line: n, Declaration: models.Declaration{
		Version: r.Version, Lang: r.Lang, Title: models.CleanLine(r.Title), Body: r.Body, SHA256: r.SHA256, PublishedAt: at}})
	return nil
}

func needUUID(field, v string, required bool) error {
	if v == "" && !required {
		return nil
	}
	if !validUUID(v) {
		return models.FieldError(field, "%q is not a lower-case UUID", v)
	}
	return nil
}

func (st *parser) account(n int, r *Account) error {
	if err := needUUID("id", r.ID, true); err != nil {
		return err
	}
	created, err := parseTime("created_at", r.CreatedAt, true)
	if err != nil {
		return err
	}
	blocked, err := optTime("blocked_at", r.BlockedAt)
	if err != nil {
		return err
	}
	deleted, err := optTime("deleted_at", r.DeletedAt)
	if err != nil {
		return err
	}
	email := models.CleanLine(r.Email)
	if err := models.ValidateEmail(email); err != nil {
		return err
	}
	lang := r.Language
	if lang == "" {
		lang = models.DefaultLanguage
	}
	if !i18n.Supported(lang) {
		return models.FieldError("language", "%q is not a language of the interface (%s)", r.Language, strings.Join(i18n.Languages, ", "))
	}
	off, err := mailOff(r.MailOff)
	if err != nil {
		return err
	}
	st.set.Accounts = append(st.set.Accounts, models.AccountIn{Line: n, PublicID: r.ID, DisplayName: models.CleanLine(r.DisplayName),
		Email: email, Verified: r.EmailVerified, CreatedAt: created, BlockedAt: blocked, DeletedAt: deleted, Language: lang, MailOff: off})
	return nil
}

// mailOff checks an account's mail choices: each a category a member can turn off (account
// mail cannot be), once, with the date it was turned off.
func mailOff(list []MailOff) ([]models.MailSetting, error) {
	var out []models.MailSetting
	seen := map[string]bool{}
	for i, m := range list {
		field := fmt.Sprintf("mail_off[%d]", i)
		if !slices.Contains(models.MailCategories, m.Category) {
			return nil, models.FieldError(field+".category", "%q is not a category of e-mail that can be turned off (%s)",
				m.Category, strings.Join(models.MailCategories, ", "))
		}
		if seen[m.Category] {
			return nil, models.FieldError(field+".category", "%q is listed twice", m.Category)
		}
		seen[m.Category] = true
		at, err := parseTime(field+".off_at", m.OffAt, true)
		if err != nil {
			return nil, err
		}
		out = append(out, models.MailSetting{Category: m.Category, OffAt: at})
	}
	return out, nil
}

func (st *parser) identity(n int, r *Identity) error {
	if err := needUUID("account", r.Account, true); err != nil {
		return err
	}
	if r.Provider == "" || r.Subject == "" {
		return models.FieldError("subject", "provider and subject are required")
	}
	created, err := parseTime("created_at", r.CreatedAt, true)
	if err != nil {
		return err
	}
	st.set.Identities = append(st.set.Identities, models.IdentityIn{Line: n, Account: r.Account, Provider: models.CleanLine(r.Provider),
		Subject: models.CleanLine(r.Subject), Email: models.CleanLine(r.Email), EmailVerified: r.EmailVerified, CreatedAt: created})
	return nil
}

func (st *parser) role(n int, r *Role) error {
	if err := needUUID("account", r.Account, true); err != nil {
		return err
	}
	if err := needUUID("granted_by", r.GrantedBy, false); err != nil {
		return err
	}
	if r.Role != "admin" {
		return models.FieldError("role", "%q is not a role (admin)", r.Role)
	}
	at, err := parseTime("granted_at", r.GrantedAt, true)
	if err != nil {
		return err
	}
	st.set.Roles = append(st.set.Roles, models.RoleIn{Line: n, Account: r.Account, Role: r.Role, GrantedAt: at, GrantedBy: r.GrantedBy})
	return nil
}

func (st *parser) signature(n int, r *Signature) error {
	t, err := st.target("signatory", r.Signatory)
	if err != nil {
		return err
	}
	if r.Version <= 0 || !declaration.KnownLanguage(r.Lang) || len(r.SHA256) != 64 {
		return models.FieldError("version", "a signature needs a version, a language (%s) and a sha256", strings.Join(declaration.Languages, ", "))
	}
	at, err := parseTime("signed_at", r.SignedAt, true)
	if err != nil {
		return err
	}
	st.set.Signatures = append(st.set.Signatures, models.SignatureIn{Line: n, Signatory: t, Version: r.Version, Lang: r.Lang, SHA256: r.SHA256, SignedAt: at})
	return nil
}

func (st *parser) withdrawal(n int, r *Withdrawal) error {
	t, err := st.target("signatory", r.Signatory)
	if err != nil {
		return err
	}
	at, err := parseTime("withdrawn_at", r.WithdrawnAt, true)
	if err != nil {
		return err
	}
	resigned, err := optTime("resigned_at", r.ResignedAt)
	if err != nil {
		return err
	}
	st.set.Withdrawals = append(st.set.Withdrawals, models.WithdrawalIn{Line: n, Signatory: t, WithdrawnAt: at,
		Reason: models.CleanText(r.Reason), ResignedAt: resigned})
	return nil
}

func (st *parser) pair(p *Pair) (*[2]models.Target, error) {
	if p == nil {
		return nil, nil
	}
	from, err := st.target("endorsement.from", p.From)
	if err != nil {
		return nil, err
	}
	to, err := st.target("endorsement.to", p.To)
	if err != nil {
		return nil, err
	}
	return &[2]models.Target{from, to}, nil
}

func validKind(k string) bool {
	for _, v := range models.CredentialKinds {
		if v == k {
			return true
		}
	}
	return false
}

func (st *parser) credential(n int, r *Credential) error {
	if err := needUUID("id", r.ID, true); err != nil {
		return err
	}
	t, err := st.target("signatory", r.Signatory)
	if err != nil {
		return err
	}
	if !validKind(r.Kind) {
		return models.FieldError("kind", "%q is not a credential kind", r.Kind)
	}
	pair, err := st.pair(r.Endorsement)
	if err != nil {
		return err
	}
	if !json.Valid(r.Document) || len(r.Document) == 0 {
		return models.FieldError("document", "is not a JSON document")
	}
	issued, err := parseTime("issued_at", r.IssuedAt, true)
	if err != nil {
		return err
	}
	revoked, err := optTime("revoked_at", r.RevokedAt)
	if err != nil {
		return err
	}
	erased, err := optTime("erased_at", r.ErasedAt)
	if err != nil {
		return err
	}
	if erased != nil && (revoked == nil || string(r.Document) != models.ErasedDocument) {
		return models.FieldError("erased_at", "an erased credential must be revoked and its document must be %s", models.ErasedDocument)
	}
	var issuer *models.Target
	if r.StatusIssuer != "" || r.IssuerIndex != nil {
		if r.StatusIssuer == "" || r.IssuerIndex == nil || *r.IssuerIndex < 0 {
			return models.FieldError("status_issuer", "an endorser's status list entry needs both status_issuer and a non-negative issuer_index")
		}
		it, err := st.target("status_issuer", r.StatusIssuer)
		if err != nil {
			return err
		}
		issuer = &it
	}
	st.set.Credentials = append(st.set.Credentials, models.CredentialIn{Line: n, ID: r.ID, Signatory: t, Kind: r.Kind,
		Endorsement: pair, SignatureVer: r.SignatureVersion, StatusList: r.StatusList, StatusIndex: r.StatusIndex,
		Document: string(r.Document), IssuedAt: issued, RevokedAt: revoked, RevokedReason: models.CleanText(r.RevokedReason), ErasedAt: erased,
		StatusIssuer: issuer, IssuerIndex: r.IssuerIndex})
	return nil
}

func (st *parser) issuance(n int, r *Issuance) error {
	t, err := st.target("signatory", r.Signatory)
	if err != nil {
		return err
	}
	if !validKind(r.Kind) {
		return models.FieldError("kind", "%q is not a credential kind", r.Kind)
	}
	if r.Action != "issue" && r.Action != "revoke" {
		return models.FieldError("action", "%q is not issue or revoke", r.Action)
	}
	pair, err := st.pair(r.Endorsement)
	if err != nil {
		return err
	}
	created, err := parseTime("created_at", r.CreatedAt, true)
	if err != nil {
		return err
	}
	done, err := optTime("done_at", r.DoneAt)
	if err != nil {
		return err
	}
	st.set.Issuance = append(st.set.Issuance, models.IssuanceIn{Line: n, Signatory: t, Kind: r.Kind, Action: r.Action,
		Endorsement: pair, Reason: models.CleanText(r.Reason), CreatedAt: created, Attempts: r.Attempts, LastError: models.CleanText(r.LastError), DoneAt: done})
	return nil
}

func (st *parser) audit(n int, r *Audit) error {
	if err := needUUID("actor_account", r.ActorAccount, false); err != nil {
		return err
	}
	if r.Action == "" || r.Actor == "" {
		return models.FieldError("action", "actor and action are required")
	}
	at, err := parseTime("at", r.At, true)
	if err != nil {
		return err
	}
	st.set.Audit = append(st.set.Audit, models.AuditIn{Line: n, Actor: r.ActorAccount, AuditEntry: models.AuditEntry{
		At: at, Actor: models.CleanLine(r.Actor), Action: models.CleanLine(r.Action), SubjectType: models.CleanLine(r.SubjectType),
		SubjectID: models.CleanLine(r.SubjectID), Detail: models.CleanText(r.Detail)}})
	return nil
}

func (st *parser) mailKey(n int, r *MailKey) error {
	if err := models.CheckMailKey(r.Key); err != nil {
		return err
	}
	if st.set.MailKey != "" {
		return models.FieldError("type", "a second mail_key (the first is on line %d)", st.set.MailKeyLine)
	}
	st.set.MailKey, st.set.MailKeyLine = r.Key, n
	return nil
}
