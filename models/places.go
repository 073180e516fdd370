// Where signatories are shown on the map: their city found in the embedded gazetteer, else their
// country's anchor point. The place is worked out whenever the country or city is written.

package models

import (
	"context"
	"strconv"
	"strings"

	"github.com/open-recognition/registry/geo"
	"gorm.io/gorm"
)

// Locate sets the signatory's place from its country and city: the GeoNames city when the name
// is known in that country, else no place and the country's anchor point.
func (s *Signatory) Locate() {
	s.PlaceID, s.Lat, s.Lon = nil, nil, nil
	p, ok := geo.Locate(s.Country, s.City)
	if !ok {
		return
	}
	if p.ID != 0 {
		s.PlaceID = &p.ID
	}
	s.Lat, s.Lon = &p.Lat, &p.Lon
}

// validPlace reports whether the place a record carries (a full dump's) is one this registry
// can show: both coordinates, and a city of the gazetteer in the signatory's own country.
func (s *Signatory) validPlace() bool {
	if s.Lat == nil || s.Lon == nil || *s.Lat < -90 || *s.Lat > 90 || *s.Lon < -180 || *s.Lon > 180 {
		return false
	}
	if s.PlaceID == nil {
		return true
	}
	c, ok := geo.CityByID(*s.PlaceID)
	return ok && c.Country == s.Country
}

// PlaceName is the gazetteer's name of the city a signatory is shown at, or "".
func (s *Signatory) PlaceName() string {
	if s.PlaceID == nil {
		return ""
	}
	c, _ := geo.CityByID(*s.PlaceID)
	return c.Name
}

// keepPlace keeps the place an entry had while its country and city stay the same: an
// administrator may have corrected it.
func (s *Signatory) keepPlace(had *Signatory) {
	if had.Country == s.Country && had.City == s.City && had.Lat != nil {
		s.PlaceID, s.Lat, s.Lon = had.PlaceID, had.Lat, had.Lon
	}
}

// placeBatch is how many signatories LocateMissing updates per transaction.
const placeBatch = 500

// LocateMissing gives a place to every signatory stored without one: entries written before the
// registry knew places, or restored from such a backup. It returns how many it located; running
// it again finds nothing to do.
func (s *Store) LocateMissing(ctx context.Context) (int, error) {
	done := 0
	after := int64(0)
	for {
		var rows []Signatory
		err := s.DB.WithContext(ctx).Select("id", "country", "city").
			Where("lat IS NULL AND country <> '' AND status <> ? AND id > ?", StatusDeleted, after).
			Order("id").Limit(placeBatch).Find(&rows).Error
		if err != nil || len(rows) == 0 {
			return done, err
		}
		after = rows[len(rows)-1].ID
		err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			changed := 0
			for i := range rows {
				sg := &rows[i]
				sg.Locate()
				if sg.Lat == nil {
					continue // a country without any anchor: nowhere to show it
				}
				// Only if the row is still as it was read: a server runs this while people edit
				// their entries, administrators correct places and accounts are deleted.
				res := tx.Model(&Signatory{}).
					Where("id = ? AND lat IS NULL AND status <> ? AND country = ? AND city = ?", sg.ID, StatusDeleted, sg.Country, sg.City).
					Updates(map[string]any{"place_id": sg.PlaceID, "lat": sg.Lat, "lon": sg.Lon})
				if res.Error != nil {
					return res.Error
				}
				changed += int(res.RowsAffected)
			}
			done += changed
			if changed == 0 {
				return nil
			}
			return bumpChanges(tx)
		})
		if err != nil {
			return done, err
		}
	}
}

// SetPlace lets an administrator correct where a signatory is shown: a GeoNames id, or a city
// name looked up in the signatory's country. The city text the signatory wrote stays theirs.
func (s *Store) SetPlace(ctx context.Context, by Actor, publicID, place string) (geo.City, error) {
	place = CleanLine(place)
	var city geo.City
	err := s.moderate(ctx, by, publicID, "signatory.place", place, func(tx *gorm.DB, sg *Signatory) error {
		if sg.Status == StatusDeleted {
			return Errorf(ECONFLICT, "this entry was deleted; it has no place")
		}
		var ok bool
		if id, err := strconv.ParseInt(place, 10, 64); err == nil {
			city, ok = geo.CityByID(id)
			if ok && city.Country != sg.Country {
				return FieldError("place", "GeoNames city %d is in %s, not in this signatory's country %s", id, city.Country, sg.Country)
			}
		} else if strings.TrimSpace(place) != "" {
			city, ok = geo.FindCity(sg.Country, place)
		} else {
			return FieldError("place", "is required: a GeoNames id or a city name")
		}
		if !ok {
			return FieldError("place", "no city %q is known in %s; give its GeoNames id", place, sg.Country)
		}
		return tx.Model(&Signatory{}).Where("id = ?", sg.ID).
			Updates(map[string]any{"place_id": city.ID, "lat": city.Lat, "lon": city.Lon, "updated_at": s.now()}).Error
	})
	return city, err
}
