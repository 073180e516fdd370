package models

import "time"

// The years a stored date may fall in. Every date in the registry is written in UTC with a
// four-digit year (RFC 3339, the exports, the credentials' validFrom), so a date outside them
// could not be read back: "9999-12-31T23:59:59-23:00" is in year 10000 once in UTC.
const (
	FirstYear = 1970
	LastYear  = 9999
)

// CheckDate refuses a date whose UTC year lies outside FirstYear–LastYear, naming the field and
// the value as it was given.
func CheckDate(field, given string, t time.Time) error {
	if y := t.UTC().Year(); y < FirstYear || y > LastYear {
		return FieldError(field, "%q is in the year %d in UTC; dates must fall in the years %d–%d", given, y, FirstYear, LastYear)
	}
	return nil
}
