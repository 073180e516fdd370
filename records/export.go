package records

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/open-recognition/registry/models"
	"gorm.io/gorm"
)

// Exporter writes the registry as JSONL.
type Exporter struct {
	Store *models.Store
	// Source names the registry in the header (its base URL).
	Source string
	// Full writes the complete, lossless dump; otherwise only what signatories made public.
	Full bool
	// Progress, when set, is told the records written so far and the total expected.
	Progress func(done, total int64)
}

// Export writes one consistent snapshot of the registry to w.
func (x Exporter) Export(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256*1024)
	err := x.Store.Snapshot(ctx, func(tx *gorm.DB) error {
		d, err := models.NewDump(tx)
		if err != nil {
			return err
		}
		e := &exportRun{Exporter: x, d: d, enc: json.NewEncoder(bw)}
		e.enc.SetEscapeHTML(false)
		if err := e.count(); err != nil {
			return err
		}
		if err := e.write(Header{Type: "header", Format: Format, Version: Version, Source: x.Source, Full: x.Full,
			ExportedAt: stamp(x.Store.Now())}); err != nil {
			return err
		}
		if x.Full {
			return e.full()
		}
		return e.public()
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

type exportRun struct {
	Exporter
	d     *models.Dump
	enc   *json.Encoder
	done  int64
	total int64
}

const (
	listedOnly = "listed = ?"
)

func (e *exportRun) count() error {
	if e.Progress == nil {
		return nil
	}
	var n, m int64
	var err error
	if e.Full {
		n, err = models.Count[models.Signatory](e.d, "")
		if err == nil {
			m, err = models.Count[models.Endorsement](e.d, "")
		}
	} else {
		n, err = models.Count[models.Signatory](e.d, listedOnly, true)
		if err == nil {
			m, err = e.d.CountPublicEndorsements()
		}
	}
	e.total = n + m
	return err
}

func (e *exportRun) write(v any) error {
	e.done++
	if e.Progress != nil && e.done%2048 == 0 {
		e.Progress(e.done, e.total)
	}
	return e.enc.Encode(v)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func optStamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

// public writes what an anonymous visitor may see: listed signatories with their public
// fields, seeds among them, and accepted endorsements between them. Never an e-mail.
func (e *exportRun) public() error {
	err := models.Each(e.d, "signed_at, id", listedOnly, []any{true}, func(s *models.Signatory) error {
		r := Signatory{Type: "signatory", ID: s.PublicID, Kind: s.Kind, Country: s.Country, SignedAt: stamp(s.SignedAt), Tier: s.Tier}
		v := s.Visibility
		if v.Name == models.Public {
			r.Name = s.Name
		} else {
			r.Visibility = map[string]string{"name": models.Hidden}
		}
		if s.Kind == models.KindOrganisation && v.Representative == models.Public {
			r.Representative, r.Role = s.Representative, s.Role
		}
		if v.City == models.Public {
			r.City = s.City
		}
		if v.Affiliation == models.Public {
			r.Affiliation = s.Affiliation
		}
		if v.Website == models.Public {
			r.Website = s.Website
		}
		if v.Statement == models.Public {
			r.Statement = s.Statement
		}
		return e.write(r)
	})
	if err != nil {
		return err
	}
	err = models.Each(e.d, "signatory_id", "signatory_id IN (SELECT id FROM signatories WHERE listed = ?)", []any{true}, func(s *models.Seed) error {
		return e.write(Seed{Type: "seed", ID: e.d.SignatoryPublicID(s.SignatoryID)})
	})
	if err != nil {
		return err
	}
	return e.d.EachPublicEndorsement(func(en *models.Endorsement) error {
		return e.write(Endorsement{Type: "endorsement", From: e.d.SignatoryPublicID(en.FromID), To: e.d.SignatoryPublicID(en.ToID),
			Level: en.Level, Status: en.Status, Comment: en.Comment, CreatedAt: stamp(en.CreatedAt)})
	})
}

// full writes every table, in an order an import can follow.
func (e *exportRun) full() error {
	d := e.d
	steps := []func() error{
		func() error {
			return models.Each(d, "version, lang", "", nil, func(x *models.Declaration) error {
				return e.write(Declaration{Type: "declaration", Version: x.Version, Lang: x.Lang, Title: x.Title, Body: x.Body,
					SHA256: x.SHA256, PublishedAt: stamp(x.PublishedAt)})
			})
		},
		func() error {
			return d.EachAccount(func(x *models.AccountRow) error {
				return e.write(AccountRecord(x.Account, x.MailOff))
			})
		},
		func() error {
			return models.Each(d, "id", "", nil, func(x *models.Identity) error {
				return e.write(Identity{Type: "identity", Account: d.AccountPublicID(&x.AccountID), Provider: x.Provider, Subject: x.Subject,
					Email: x.Email, EmailVerified: x.EmailVerified, CreatedAt: stamp(x.CreatedAt)})
			})
		},
		func() error {
			return models.Each(d, "account_id, role", "", nil, func(x *models.Role) error {
				return e.write(Role{Type: "role", Account: d.AccountPublicID(&x.AccountID), Role: x.Role, GrantedAt: stamp(x.GrantedAt),
					GrantedBy: d.AccountPublicID(x.GrantedBy)})
			})
		},
		func() error {
			return models.Each(d, "id", "", nil, func(s *models.Signatory) error {
				verified := s.Verified
				vis := s.Visibility.Map()
				if len(vis) == 0 {
					vis = nil
				}
				return e.write(Signatory{Type: "signatory", ID: s.PublicID, Kind: s.Kind, Name: s.Name, Representative: s.Representative,
					Role: s.Role, Email: s.Email, Country: s.Country, City: s.City, Affiliation: s.Affiliation, Website: s.Website,
					Statement: s.Statement, Visibility: vis, SignedAt: stamp(s.SignedAt), Verified: &verified, Tier: s.Tier,
					Status: s.Status, Account: d.AccountPublicID(s.AccountID), OriginSource: s.Source, OriginRef: s.Ref,
					PlaceID: s.PlaceID, Lat: s.Lat, Lon: s.Lon, CreatedAt: stamp(s.CreatedAt), UpdatedAt: stamp(s.UpdatedAt),
					TierSince: optStamp(s.TierSince), RejectedAt: optStamp(s.RejectedAt), Rejection: s.Rejection})
			})
		},
		func() error {
			return models.Each(d, "id", "", nil, func(x *models.Signature) error {
				return e.write(Signature{Type: "signature", Signatory: d.SignatoryPublicID(x.SignatoryID), Version: x.DeclarationVersion,
					Lang: x.Lang, SHA256: x.TextSHA256, SignedAt: stamp(x.SignedAt)})
			})
		},
		func() error {
			return models.Each(d, "id", "", nil, func(x *models.Withdrawal) error {
				return e.write(Withdrawal{Type: "withdrawal", Signatory: d.SignatoryPublicID(x.SignatoryID), WithdrawnAt: stamp(x.WithdrawnAt),
					Reason: x.Reason, ResignedAt: optStamp(x.ResignedAt)})
			})
		},
		func() error {
			return models.Each(d, "signatory_id", "", nil, func(x *models.Seed) error {
				return e.write(Seed{Type: "seed", ID: d.SignatoryPublicID(x.SignatoryID), AppointedAt: stamp(x.AppointedAt),
					AppointedBy: d.AccountPublicID(x.AppointedBy)})
			})
		},
		func() error {
			return models.Each(d, "id", "", nil, func(x *models.Endorsement) error {
				return e.write(Endorsement{Type: "endorsement", From: d.SignatoryPublicID(x.FromID), To: d.SignatoryPublicID(x.ToID),
					Level: x.Level, Status: x.Status, Comment: x.Comment, CreatedAt: stamp(x.CreatedAt), UpdatedAt: stamp(x.UpdatedAt)})
			})
		},
		func() error {
			return d.EachCredential(func(x *models.CredentialRow) error {
				return e.write(Credential{Type: "credential", ID: x.ID, Signatory: d.SignatoryPublicID(x.SignatoryID), Kind: x.Kind,
					Endorsement: pair(d.Pair(x.EFrom, x.ETo)), SignatureVersion: deref(x.SigVersion), StatusList: x.StatusList,
					StatusIndex: x.StatusIndex, Document: json.RawMessage(x.Document), IssuedAt: stamp(x.IssuedAt),
					RevokedAt: optStamp(x.RevokedAt), RevokedReason: x.RevokedReason, ErasedAt: optStamp(x.ErasedAt),
					StatusIssuer: d.OptSignatoryPublicID(x.StatusIssuer), IssuerIndex: x.IssuerIndex})
			})
		},
		func() error {
			return d.EachIssuance(func(x *models.IssuanceRow) error {
				return e.write(Issuance{Type: "issuance", Signatory: d.SignatoryPublicID(x.SignatoryID), Kind: x.Kind, Action: x.Action,
					Endorsement: pair(d.Pair(x.EFrom, x.ETo)), Reason: x.Reason, CreatedAt: stamp(x.CreatedAt), Attempts: x.Attempts,
					LastError: x.LastError, DoneAt: optStamp(x.DoneAt)})
			})
		},
		func() error {
			key, err := d.MailKey()
			if err != nil || key == "" {
				return err
			}
			return e.write(MailKey{Type: "mail_key", Key: key})
		},
		func() error {
			return models.Each(d, "id", "", nil, func(x *models.AuditEntry) error {
				return e.write(Audit{Type: "audit", At: stamp(x.At), ActorAccount: d.AccountPublicID(x.ActorAccountID), Actor: x.Actor,
					Action: x.Action, SubjectType: x.SubjectType, SubjectID: x.SubjectID, Detail: x.Detail})
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// AccountRecord is an account as the full dump writes it, with its language (left out when it is
// the default, "en") and the categories of e-mail it turned off. The download of one's data
// writes the same record.
func AccountRecord(a models.Account, off []models.MailSetting) Account {
	r := Account{Type: "account", ID: a.PublicID, DisplayName: a.DisplayName, Email: a.Email, EmailVerified: a.EmailVerified,
		CreatedAt: stamp(a.CreatedAt), BlockedAt: optStamp(a.BlockedAt), DeletedAt: optStamp(a.DeletedAt)}
	if a.Language != models.DefaultLanguage {
		r.Language = a.Language
	}
	for _, m := range off {
		r.MailOff = append(r.MailOff, MailOff{Category: m.Category, OffAt: stamp(m.OffAt)})
	}
	return r
}

func pair(p *[2]string) *Pair {
	if p == nil {
		return nil
	}
	return &Pair{From: p[0], To: p[1]}
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
