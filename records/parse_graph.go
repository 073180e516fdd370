// Seeds and endorsements, whose refs are resolved once the whole file is read.

package records

import "github.com/open-recognition/registry/models"

func (st *parser) seed(n int, r *Seed) error {
	name := r.ID
	if r.Ref != "" {
		name = r.Ref
		if r.ID != "" {
			name = r.ID // a record with both id and ref is matched by id
		}
	}
	if name == "" {
		return models.FieldError("ref", "a seed names a signatory by ref or id")
	}
	at, err := parseTime("appointed_at", r.AppointedAt, false)
	if err != nil {
		return err
	}
	st.set.Seeds = append(st.set.Seeds, models.SeedIn{Line: n, AppointedAt: at, AppointedBy: r.AppointedBy})
	st.seedRefs = append(st.seedRefs, seedRef{idx: len(st.set.Seeds) - 1, name: name})
	return nil
}

func (st *parser) endorsement(n int, r *Endorsement) error {
	if r.From == "" {
		return models.FieldError("from", "is required (a ref or id)")
	}
	if r.To == "" {
		return models.FieldError("to", "is required (a ref or id)")
	}
	status := r.Status
	if status == "" {
		status = "accepted"
	}
	if status == "withdrawn" && !st.set.Full {
		// A withdrawn endorsement exists only in a registry's own history: full dumps.
		return models.FieldError("status", "%q is not pending, accepted or declined", status)
	}
	comment := models.CleanText(r.Comment)
	if err := models.ValidateEndorsement(r.Level, status, comment); err != nil {
		return err
	}
	created, err := parseTime("created_at", r.CreatedAt, true)
	if err != nil {
		return err
	}
	updated, err := parseTime("updated_at", r.UpdatedAt, false)
	if err != nil {
		return err
	}
	st.set.Endorsements = append(st.set.Endorsements, models.EndorsementIn{Line: n, Level: r.Level, Status: status,
		Comment: comment, CreatedAt: created, UpdatedAt: updated})
	st.endRefs = append(st.endRefs, endRef{idx: len(st.set.Endorsements) - 1, from: r.From, to: r.To})
	return nil
}

// target turns a ref of this file, or an id, into a public id.
func (st *parser) target(field, name string) (models.Target, error) {
	if id, ok := st.refIDs[name]; ok {
		return models.Target{PublicID: id}, nil
	}
	if validUUID(name) {
		return models.Target{PublicID: name}, nil
	}
	return models.Target{}, models.FieldError(field, "%q is not a ref defined in this file nor a signatory id", name)
}

func (st *parser) resolve() error {
	for _, s := range st.seedRefs {
		in := &st.set.Seeds[s.idx]
		t, err := st.target("ref", s.name)
		if err != nil {
			return &models.ImportError{Line: in.Line, Err: err}
		}
		if prev, ok := st.seeds[t.PublicID]; ok {
			return &models.ImportError{Line: in.Line, Err: models.FieldError("ref", "this signatory is already a seed on line %d", prev)}
		}
		st.seeds[t.PublicID] = in.Line
		in.Signatory = t
	}
	for _, e := range st.endRefs {
		in := &st.set.Endorsements[e.idx]
		from, err := st.target("from", e.from)
		if err != nil {
			return &models.ImportError{Line: in.Line, Err: err}
		}
		to, err := st.target("to", e.to)
		if err != nil {
			return &models.ImportError{Line: in.Line, Err: err}
		}
		if from == to {
			return &models.ImportError{Line: in.Line, Err: models.FieldError("to", "a signatory cannot endorse themselves")}
		}
		key := [2]string{from.PublicID, to.PublicID}
		if prev, ok := st.pairs[key]; ok {
			return &models.ImportError{Line: in.Line, Err: models.FieldError("to", "the same endorsement is already on line %d", prev)}
		}
		st.pairs[key] = in.Line
		in.From, in.To = from, to
	}
	return nil
}
