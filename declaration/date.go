package declaration

import (
	"fmt"
	"time"
)

// ParseDate reads the day a text was published, written as 2016-10-26: midnight UTC of that
// day, in the years the registry's dates span (1970–9999).
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date written as YYYY-MM-DD (2016-10-26)", s)
	}
	if d.Year() < 1970 {
		return time.Time{}, fmt.Errorf("%s is before 1970", s)
	}
	return d, nil
}
