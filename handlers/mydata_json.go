package handlers

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
)

// MyDataFormat names data.json's format; its records are those of the full dump (records), so
// that what a person downloads reads like the registry's own export of them.
const MyDataFormat = "registry-mydata"

// MyDataJSON is data.json in the download of one's data. Other people's account ids (who granted
// a role, appointed a seed, or acted on the person in the audit log) are left out: the person
// learns what was done, not who among the other accounts did it.
type MyDataJSON struct {
	Format     string             `json:"format"`
	Version    int                `json:"version"`
	Source     string             `json:"source"`
	ExportedAt string             `json:"exported_at"`
	Account    records.Account    `json:"account"`
	Identities []records.Identity `json:"identities"`
	Roles      []records.Role     `json:"roles"`
	Entry      *records.Signatory `json:"entry,omitempty"`
	// Visibility is every field's visibility, public ones included.
	Visibility  map[string]string    `json:"visibility,omitempty"`
	Seed        *records.Seed        `json:"seed,omitempty"`
	Signatures  []records.Signature  `json:"signatures"`
	Withdrawals []records.Withdrawal `json:"withdrawals"`
	// Given and Received are the endorsements both ways; People names their other parties.
	Given         []records.Endorsement `json:"endorsements_given"`
	Received      []records.Endorsement `json:"endorsements_received"`
	People        []MyDataPerson        `json:"people"`
	Notifications []MyDataNotification  `json:"notifications"`
	Credentials   []MyDataCredential    `json:"credentials"`
	Audit         []records.Audit       `json:"audit"`
	// Mail is the e-mail the registry wrote to the person, oldest first.
	Mail []MyDataMail `json:"mail"`
}

// MyDataMail is one message the registry wrote to the person: its Message-ID (the one their
// mailbox shows), its category, how many notifications it told (more than one: a digest), when
// it was written and when the mail server accepted it ("sending" until then).
type MyDataMail struct {
	MessageID     string `json:"message_id"`
	Category      string `json:"category"`
	Notifications int    `json:"notifications"`
	State         string `json:"state"`
	CreatedAt     string `json:"created_at"`
	SentAt        string `json:"sent_at,omitempty"`
}

// MyDataPerson is the other party of an endorsement: its public id, and its name only when the
// person makes it public and is listed.
type MyDataPerson struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// MyDataNotification is one notification the registry kept for the person: its other party by
// public id only when the person may know it (listed, or an endorsement between them; also in
// People), the level endorsed, the tiers before and after (to_tier names the badge of a
// badge.issued), the Declaration version, and what became of its e-mail.
type MyDataNotification struct {
	Kind     string `json:"kind"`
	Other    string `json:"other,omitempty"`
	Level    string `json:"level,omitempty"`
	FromTier string `json:"from_tier,omitempty"`
	ToTier   string `json:"to_tier,omitempty"`
	Version  int    `json:"version,omitempty"`
	Mail     string `json:"mail,omitempty"`
	// MailMessage is the Message-ID of the e-mail that told it (in Mail).
	MailMessage string `json:"mail_message,omitempty"`
	CreatedAt   string `json:"created_at"`
	ReadAt      string `json:"read_at,omitempty"`
}

// MyDataCredential is a credential as the full dump holds it, with the files of the ZIP that
// hold it on its own: the JSON document, and for a badge the PNG with the credential baked in.
type MyDataCredential struct {
	records.Credential
	Files []string `json:"files,omitempty"`
}

// myDataJSON turns what the store read into data.json's records.
func myDataJSON(d *models.MyData, source string, now time.Time) *MyDataJSON {
	other := func(id *int64) string {
		if id == nil || d.Others[*id] {
			return ""
		}
		return d.Account.PublicID
	}
	a := d.Account
	out := &MyDataJSON{Format: MyDataFormat, Version: 1, Source: source, ExportedAt: fullStamp(now),
		Account:    records.AccountRecord(a, d.MailOff),
		Identities: []records.Identity{}, Roles: []records.Role{}, Signatures: []records.Signature{}, Withdrawals: []records.Withdrawal{},
		Given: []records.Endorsement{}, Received: []records.Endorsement{}, People: []MyDataPerson{},
		Notifications: []MyDataNotification{}, Credentials: []MyDataCredential{}, Audit: []records.Audit{}, Mail: []MyDataMail{}}
	for _, m := range d.MailMessages {
		out.Mail = append(out.Mail, MyDataMail{MessageID: m.MessageID, Category: m.Category, Notifications: m.Notifications,
			State: m.State, CreatedAt: fullStamp(m.CreatedAt), SentAt: optFullStamp(m.SentAt)})
	}
	for _, x := range d.Identities {
		// The provider's subject and e-mail are the person's own; no token is ever stored.
		out.Identities = append(out.Identities, records.Identity{Type: "identity", Account: a.PublicID, Provider: x.Provider,
			Subject: x.Subject, Email: x.Email, EmailVerified: x.EmailVerified, CreatedAt: fullStamp(x.CreatedAt)})
	}
	for _, x := range d.Roles {
		out.Roles = append(out.Roles, records.Role{Type: "role", Account: a.PublicID, Role: x.Role, GrantedAt: fullStamp(x.GrantedAt),
			GrantedBy: other(x.GrantedBy)})
	}
	if s := d.Entry; s != nil {
		verified := s.Verified
		vis := s.Visibility.Map()
		if len(vis) == 0 {
			vis = nil
		}
		out.Entry = &records.Signatory{Type: "signatory", ID: s.PublicID, Kind: s.Kind, Name: s.Name, Representative: s.Representative,
			Role: s.Role, Email: s.Email, Country: s.Country, City: s.City, Affiliation: s.Affiliation, Website: s.Website,
			Statement: s.Statement, Visibility: vis, SignedAt: fullStamp(s.SignedAt), Verified: &verified, Tier: s.Tier,
			Status: s.Status, Account: a.PublicID, OriginSource: s.Source, OriginRef: s.Ref,
			PlaceID: s.PlaceID, Lat: s.Lat, Lon: s.Lon, CreatedAt: fullStamp(s.CreatedAt), UpdatedAt: fullStamp(s.UpdatedAt),
			TierSince: optFullStamp(s.TierSince), RejectedAt: optFullStamp(s.RejectedAt), Rejection: s.Rejection}
		out.Visibility = map[string]string{}
		for _, f := range models.VisibilityFields {
			out.Visibility[f] = s.Visibility.Get(f)
		}
		if d.Seed != nil {
			out.Seed = &records.Seed{Type: "seed", ID: s.PublicID, AppointedAt: fullStamp(d.Seed.AppointedAt), AppointedBy: other(d.Seed.AppointedBy)}
		}
		for _, x := range d.Signatures {
			out.Signatures = append(out.Signatures, records.Signature{Type: "signature", Signatory: s.PublicID, Version: x.DeclarationVersion,
				Lang: x.Lang, SHA256: x.TextSHA256, SignedAt: fullStamp(x.SignedAt)})
		}
		for _, x := range d.Withdrawals {
			out.Withdrawals = append(out.Withdrawals, records.Withdrawal{Type: "withdrawal", Signatory: s.PublicID,
				WithdrawnAt: fullStamp(x.WithdrawnAt), Reason: x.Reason, ResignedAt: optFullStamp(x.ResignedAt)})
		}
	}
	seen := map[string]bool{}
	person := func(id, name string) {
		if !seen[id] {
			seen[id] = true
			out.People = append(out.People, MyDataPerson{ID: id, Name: name})
		}
	}
	endorsement := func(x models.MyEndorsement) records.Endorsement {
		return records.Endorsement{Type: "endorsement", From: x.FromPublicID, To: x.ToPublicID, Level: x.Level, Status: x.Status,
			Comment: x.Comment, CreatedAt: fullStamp(x.CreatedAt), UpdatedAt: fullStamp(x.UpdatedAt)}
	}
	for _, x := range d.Given {
		out.Given = append(out.Given, endorsement(x))
		person(x.ToPublicID, x.OtherName)
	}
	for _, x := range d.Received {
		out.Received = append(out.Received, endorsement(x))
		person(x.FromPublicID, x.OtherName)
	}
	for _, x := range d.Notifications {
		n := MyDataNotification{Kind: x.Kind, Other: x.OtherPublicID, Level: deref(x.Level), FromTier: deref(x.FromTier),
			ToTier: deref(x.ToTier), Mail: deref(x.Mail), MailMessage: x.MessageID, CreatedAt: fullStamp(x.CreatedAt), ReadAt: optFullStamp(x.ReadAt)}
		if x.Version != nil {
			n.Version = *x.Version
		}
		if x.OtherPublicID != "" {
			person(x.OtherPublicID, x.OtherName)
		}
		out.Notifications = append(out.Notifications, n)
	}
	for _, x := range d.Credentials {
		c := records.Credential{Type: "credential", ID: x.ID, Signatory: d.Entry.PublicID, Kind: x.Kind,
			StatusList: x.StatusList, StatusIndex: x.StatusIndex, Document: json.RawMessage(x.Document), IssuedAt: fullStamp(x.IssuedAt),
			RevokedAt: optFullStamp(x.RevokedAt), RevokedReason: x.RevokedReason, ErasedAt: optFullStamp(x.ErasedAt),
			StatusIssuer: x.StatusIssuerPublicID, IssuerIndex: x.IssuerIndex}
		if x.EndorsementFrom != "" {
			c.Endorsement = &records.Pair{From: x.EndorsementFrom, To: x.EndorsementTo}
		}
		if x.SignatureVersion != nil {
			c.SignatureVersion = *x.SignatureVersion
		}
		out.Credentials = append(out.Credentials, MyDataCredential{Credential: c, Files: credentialFiles(x.Credential)})
	}
	for _, x := range d.Audit {
		e := records.Audit{Type: "audit", At: fullStamp(x.At), Actor: x.Actor, Action: x.Action, SubjectType: x.SubjectType,
			SubjectID: x.SubjectID, Detail: x.Detail}
		if !aboutMe(x, d) && !strings.HasPrefix(x.Action, "endorsement.") {
			// The person's own action on someone else: what they did, not what the registry
			// holds about the other person (an administrator's note on another entry).
			e.Detail = ""
		}
		if x.ActorAccountID != nil {
			if d.Others[*x.ActorAccountID] {
				e.Actor = "another account"
			} else {
				e.ActorAccount = a.PublicID
			}
		}
		out.Audit = append(out.Audit, e)
	}
	return out
}

// deref reads an optional column, "" when it is NULL.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// aboutMe tells whether an audit entry's subject is the person's account or entry.
func aboutMe(x models.AuditEntry, d *models.MyData) bool {
	switch x.SubjectType {
	case "account":
		return x.SubjectID == d.Account.PublicID
	case "signatory":
		return d.Entry != nil && x.SubjectID == d.Entry.PublicID
	}
	return false
}

// fullStamp writes a time as the full dump does (records.Exporter).
func fullStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func optFullStamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return fullStamp(*t)
}
