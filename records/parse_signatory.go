// Signatory lines: checked on their own, then given their id in file order.

package records

import (
	"strings"

	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/models"
)

// preparedSignatory is a signatory line checked on its own; what depends on the rest of the
// file (the source, refs and ids already used) is settled by applySignatory, in line order.
type preparedSignatory struct {
	in       models.SignatoryIn
	ref      string
	explicit bool // the line names its id
	origin   bool // the line carries origin_source/origin_ref
}

// prepareSignatory does the work of a signatory line that needs no other line, so that it can
// run on several cores.
func prepareSignatory(r *Signatory) (*preparedSignatory, error) {
	ref, err := cleanRef("ref", r.Ref)
	if err != nil {
		return nil, err
	}
	switch {
	case r.ID != "":
		if !validUUID(r.ID) {
			return nil, models.FieldError("id", "%q is not a lower-case UUID", r.ID)
		}
	case ref == "":
		return nil, models.FieldError("ref", "a signatory needs a ref (or the id of an export)")
	}
	sg := models.Signatory{PublicID: r.ID, Kind: r.Kind, Name: r.Name, Representative: r.Representative, Role: r.Role,
		Email: r.Email, Country: r.Country, City: r.City, Affiliation: r.Affiliation, Website: r.Website, Statement: r.Statement,
		Visibility: models.AllPublic(), Tier: "signatory", Status: models.StatusActive, Verified: true,
		Ref: ref, PlaceID: r.PlaceID, Lat: r.Lat, Lon: r.Lon}
	sg.Normalize()
	origin := r.OriginSource != "" || r.OriginRef != ""
	if origin {
		sg.Source, sg.Ref = r.OriginSource, r.OriginRef
	} else if r.ID != "" && ref == "" {
		sg.Ref = ""
	}
	for k, v := range r.Visibility {
		if !sg.Visibility.Set(k, v) {
			return nil, models.FieldError("visibility", "unknown field %q (expected %s)", k, strings.Join(models.VisibilityFields, ", "))
		}
	}
	if r.Verified != nil {
		sg.Verified = *r.Verified
	}
	if r.Tier != "" {
		sg.Tier = r.Tier
	}
	if r.Status != "" {
		sg.Status = r.Status
	}
	if sg.SignedAt, err = parseTime("signed_at", r.SignedAt, true); err != nil {
		return nil, err
	}
	if sg.CreatedAt, err = parseTime("created_at", r.CreatedAt, false); err != nil {
		return nil, err
	}
	if sg.UpdatedAt, err = parseTime("updated_at", r.UpdatedAt, false); err != nil {
		return nil, err
	}
	if sg.TierSince, err = optTime("tier_since", r.TierSince); err != nil {
		return nil, err
	}
	if sg.RejectedAt, err = optTime("rejected_at", r.RejectedAt); err != nil {
		return nil, err
	}
	sg.Rejection = models.CleanLine(r.Rejection)
	if (sg.Rejection != "") != (sg.RejectedAt != nil) {
		return nil, models.FieldError("rejection", "rejection and rejected_at go together")
	}
	if sg.CreatedAt.IsZero() {
		sg.CreatedAt = sg.SignedAt
	}
	if sg.UpdatedAt.IsZero() {
		sg.UpdatedAt = sg.CreatedAt
	}
	if err := sg.Validate(); err != nil {
		return nil, err
	}
	lang := r.Lang
	if lang == "" {
		lang = declaration.Languages[0]
	}
	if !declaration.KnownLanguage(lang) {
		return nil, models.FieldError("lang", "%q is not a language of the declaration (%s)", lang, strings.Join(declaration.Languages, ", "))
	}
	if r.Account != "" && !validUUID(r.Account) {
		return nil, models.FieldError("account", "%q is not a lower-case UUID", r.Account)
	}
	return &preparedSignatory{in: models.SignatoryIn{Signatory: sg, Account: r.Account, Lang: lang}, ref: ref,
		explicit: r.ID != "", origin: origin}, nil
}

// applySignatory gives a prepared line its id and checks it against the lines before it.
func (st *parser) applySignatory(n int, p *preparedSignatory) error {
	in := &p.in
	in.Line = n
	if !p.explicit {
		in.Signatory.PublicID = models.SignatoryID(st.source, p.ref)
	}
	if !p.origin && (p.ref != "" || !p.explicit) {
		in.Signatory.Source = st.source
	}
	id := in.Signatory.PublicID
	if p.ref != "" {
		if prev, ok := st.refs[p.ref]; ok {
			return models.FieldError("ref", "%q is already used on line %d", p.ref, prev)
		}
		st.refs[p.ref] = n
		st.refIDs[p.ref] = id
	}
	if prev, ok := st.ids[id]; ok {
		return models.FieldError("id", "%s is already used on line %d", id, prev)
	}
	st.ids[id] = n
	// The record stays where the decoder put it: copying 100,000 large records into one
	// slice costs more than the rest of their checks.
	st.signatories = append(st.signatories, in)
	return nil
}
