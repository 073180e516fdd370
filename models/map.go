// The map's counts: how many listed signatories each country and each city has, under the map's
// filters. They are computed from the summary's cells, in memory.

package models

import (
	"context"
	"sort"

	"github.com/open-recognition/registry/geo"
)

// MapCell counts the listed signatories of one tier and kind at one place. Place is 0 for those
// shown at country level: no known city, or a city they did not make public.
type MapCell struct {
	Country string
	Place   int64
	Tier    string
	Kind    string
	N       int64
}

// mapCells groups the listed signatories once; a city counts only when its signatory made the
// city public, so no aggregate reveals a hidden one.
func (s *Store) mapCells(ctx context.Context) ([]MapCell, error) {
	var cells []MapCell
	err := s.DB.WithContext(ctx).Model(&Signatory{}).
		Select("country, CASE WHEN vis_city = ? THEN COALESCE(place_id, 0) ELSE 0 END AS place, tier, kind, COUNT(*) AS n", Public).
		Where("listed = ?", true).Group("country, vis_city, place_id, tier, kind").
		Scan(&cells).Error
	return cells, err
}

// MapFilter narrows the map; empty fields match everything.
type MapFilter struct {
	Tier, Kind, Country string
}

// Validate names the first bad filter.
func (f MapFilter) Validate() error { return validateFilters(f.Country, f.Kind, f.Tier) }

// CountryCount is a country on the map.
type CountryCount struct {
	Code     string
	Count    int64
	Lat, Lon float64
	Located  bool // false for a country without an anchor point
}

// PlaceCount is a city on the map.
type PlaceCount struct {
	City  geo.City
	Count int64
}

// MapCounts is the map under one filter: countries by count, most first, then cities likewise.
type MapCounts struct {
	Total     int64
	Countries []CountryCount
	Places    []PlaceCount
	// Max are the largest counts, for scales.
	MaxCountry, MaxPlace int64
}

// Map counts the summary's signatories under a filter.
func (sum *Summary) Map(f MapFilter) MapCounts {
	countries := map[string]int64{}
	places := map[int64]int64{}
	var out MapCounts
	for _, c := range sum.Cells {
		if (f.Tier != "" && c.Tier != f.Tier) || (f.Kind != "" && c.Kind != f.Kind) || (f.Country != "" && c.Country != f.Country) {
			continue
		}
		out.Total += c.N
		countries[c.Country] += c.N
		if c.Place != 0 {
			places[c.Place] += c.N
		}
	}
	for code, n := range countries {
		lat, lon, ok := geo.CountryAnchor(code)
		out.Countries = append(out.Countries, CountryCount{Code: code, Count: n, Lat: lat, Lon: lon, Located: ok})
		out.MaxCountry = max(out.MaxCountry, n)
	}
	sort.Slice(out.Countries, func(i, j int) bool {
		a, b := out.Countries[i], out.Countries[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Code < b.Code
	})
	for id, n := range places {
		city, ok := geo.CityByID(id)
		if !ok {
			continue // a place id from a newer gazetteer than this build's; its country still counts
		}
		out.Places = append(out.Places, PlaceCount{City: city, Count: n})
		out.MaxPlace = max(out.MaxPlace, n)
	}
	sort.Slice(out.Places, func(i, j int) bool {
		a, b := out.Places[i], out.Places[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.City.ID < b.City.ID
	})
	return out
}

// PlaceCount is how many listed signatories show a city publicly.
func (sum *Summary) PlaceCount(id int64) int64 {
	var n int64
	for _, c := range sum.Cells {
		if c.Place == id {
			n += c.N
		}
	}
	return n
}
