package models

// Visibility of a signatory's optional fields. Country and tier are always public; e-mail never is.
type Visibility struct {
	Name           string
	City           string
	Affiliation    string
	Representative string
	Website        string
	Statement      string
}

// Visibility levels.
const (
	Public  = "public"
	Members = "members"
	Hidden  = "hidden"
)

// VisibilityFields are the keys of the import format's "visibility" object, in a fixed order.
var VisibilityFields = []string{"name", "city", "affiliation", "representative", "website", "statement"}

// AllPublic is the default: a field shows unless the signatory chose otherwise.
func AllPublic() Visibility {
	return Visibility{Public, Public, Public, Public, Public, Public}
}

// ValidVisibility reports whether v is a visibility level.
func ValidVisibility(v string) bool { return v == Public || v == Members || v == Hidden }

// Get returns the level of a field by its import-format key.
func (v Visibility) Get(field string) string {
	switch field {
	case "name":
		return v.Name
	case "city":
		return v.City
	case "affiliation":
		return v.Affiliation
	case "representative":
		return v.Representative
	case "website":
		return v.Website
	case "statement":
		return v.Statement
	}
	return Hidden
}

// Set changes the level of a field by its import-format key; it reports false for an unknown key.
func (v *Visibility) Set(field, level string) bool {
	switch field {
	case "name":
		v.Name = level
	case "city":
		v.City = level
	case "affiliation":
		v.Affiliation = level
	case "representative":
		v.Representative = level
	case "website":
		v.Website = level
	case "statement":
		v.Statement = level
	default:
		return false
	}
	return true
}

// Map returns the levels that differ from public, for export.
func (v Visibility) Map() map[string]string {
	m := map[string]string{}
	for _, f := range VisibilityFields {
		if l := v.Get(f); l != Public {
			m[f] = l
		}
	}
	return m
}

// Viewer is who looks at a signatory: anonymous visitors see public fields; signed-in members
// also see members-only ones.
type Viewer struct {
	Member bool
}

// Anonymous is the viewer of every public page, API answer, export and aggregate.
var Anonymous = Viewer{}

// Sees reports whether the viewer may see a field at the given level.
func (w Viewer) Sees(level string) bool {
	return level == Public || (level == Members && w.Member)
}
