package handlers

import (
	"html/template"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/open-recognition/registry/geo"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/models"
)

// entryFields are the text fields of the signing and editing forms, with their length limits.
var entryFields = []struct {
	name string
	max  int
}{
	{"name", models.MaxName}, {"representative", models.MaxName}, {"role", models.MaxRole}, {"city", models.MaxCity},
	{"affiliation", models.MaxAffiliation}, {"website", models.MaxWebsite}, {"statement", models.MaxStatement},
}

// VisibilityChoice is one per-field visibility select of the form.
type VisibilityChoice struct {
	Field, Label, Value string
	OrgOnly             bool
}

// entryView is what the signing and editing forms show.
type entryView struct {
	Form       formState
	Kind       string
	Countries  template.HTML
	Visibility []VisibilityChoice
	Levels     []string
	// Cities are suggested for the city field when the country is already known (editing an
	// entry, or a form shown again): the list works without JavaScript then.
	Cities []string
}

// readEntry reads the entry fields of a form into a signatory, and checks each field on its own
// so that every problem is shown next to its field at once, in the person's language.
func readEntry(c echo.Context, l *i18n.Localizer, kind string) (models.Signatory, formState) {
	f := formState{Values: map[string]string{}, Errors: map[string]string{}}
	for _, fld := range entryFields {
		v := models.CleanLine(c.FormValue(fld.name))
		if fld.name == "statement" {
			v = models.CleanText(c.FormValue(fld.name))
		}
		f.Values[fld.name] = v
		if utf8.RuneCountInString(v) > fld.max {
			f.Errors[fld.name] = l.T("form.too_long", fld.max)
		}
	}
	f.Values["country"] = strings.ToUpper(strings.TrimSpace(c.FormValue("country")))
	sg := models.Signatory{Kind: kind, Name: f.Values["name"], Representative: f.Values["representative"], Role: f.Values["role"],
		Country: f.Values["country"], City: f.Values["city"], Affiliation: f.Values["affiliation"], Website: f.Values["website"],
		Statement: f.Values["statement"], Visibility: models.AllPublic()}
	for _, field := range models.VisibilityFields {
		v := c.FormValue("vis_" + field)
		if !models.ValidVisibility(v) {
			v = models.Public
		}
		f.Values["vis_"+field] = v
		sg.Visibility.Set(field, v)
	}
	if sg.Name == "" {
		f.Errors["name"] = l.T("form.required")
	}
	if kind == models.KindOrganisation && sg.Representative == "" {
		f.Errors["representative"] = l.T("form.required")
	}
	switch {
	case sg.Country == "":
		f.Errors["country"] = l.T("form.country")
	case !geo.ValidCountry(sg.Country):
		f.Errors["country"] = l.T("form.country")
	}
	if _, bad := f.Errors["website"]; !bad && models.ValidateWebsite(sg.Website) != nil {
		f.Errors["website"] = l.T("form.website")
	}
	return sg, f
}

// entryFormState fills a form from an existing entry.
func entryFormState(sg *models.Signatory) formState {
	f := formState{Values: map[string]string{"name": sg.Name, "representative": sg.Representative, "role": sg.Role,
		"country": sg.Country, "city": sg.City, "affiliation": sg.Affiliation, "website": sg.Website, "statement": sg.Statement},
		Errors: map[string]string{}}
	for _, field := range models.VisibilityFields {
		f.Values["vis_"+field] = sg.Visibility.Get(field)
	}
	return f
}

func (h *Handler) entryView(c echo.Context, l *i18n.Localizer, kind string, f formState) entryView {
	v := entryView{Form: f, Kind: kind, Countries: h.countrySelect(l.Lang, f.Value("country")),
		Levels: []string{models.Public, models.Members, models.Hidden}}
	for _, field := range models.VisibilityFields {
		val := f.Value("vis_" + field)
		if val == "" {
			val = models.Public
		}
		v.Visibility = append(v.Visibility, VisibilityChoice{Field: field, Label: l.T("entry." + field), Value: val, OrgOnly: field == "representative"})
	}
	if country := f.Value("country"); geo.ValidCountry(country) {
		for _, city := range geo.SuggestCities(country, "", 50) {
			v.Cities = append(v.Cities, city.Spelling)
		}
	}
	return v
}

// fieldError puts a domain error about a field next to that field; it reports false for any
// other error.
func fieldError(f formState, err error) bool {
	var de *models.Error
	if e, ok := err.(*models.Error); ok {
		de = e
	}
	if de == nil || de.Code != models.EINVALID || de.Field == "" {
		return false
	}
	field := strings.TrimPrefix(de.Field, "visibility.")
	f.Errors[field] = de.Message
	return true
}
