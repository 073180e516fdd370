package models

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/open-recognition/registry/geo"
	"gorm.io/gorm"
)

// ListFilter selects listed signatories. Every filter matches only what is public.
type ListFilter struct {
	Q       string
	Country string
	Place   int64
	Kind    string
	Tier    string
	Cursor  string
	Limit   int
}

// List limits.
const (
	DefaultLimit  = 50
	MaxLimit      = 200
	maxQueryWords = 6
)

// ListRow is a signatory as lists show it; fields are raw and must go through a Viewer.
type ListRow struct {
	ID             int64
	PublicID       string
	Kind           string
	Name           string
	Representative string
	Country        string
	City           string
	Affiliation    string
	Tier           string
	SignedAt       time.Time
	Visibility     Visibility `gorm:"embedded;embeddedPrefix:vis_"`
}

// Page is one page of a list, newest first.
type Page struct {
	Rows       []ListRow
	NextCursor string // empty on the last page
}

var listColumns = []string{"id", "public_id", "kind", "name", "representative", "country", "city", "affiliation", "tier", "signed_at",
	"vis_name", "vis_city", "vis_affiliation", "vis_representative", "vis_website", "vis_statement"}

// Validate checks the filter and names the bad parameter.
func (f *ListFilter) Validate() error {
	f.Q = CleanLine(f.Q)
	if len(f.Q) > 200 {
		return FieldError("q", "is longer than 200 characters")
	}
	if err := validateFilters(f.Country, f.Kind, f.Tier); err != nil {
		return err
	}
	if f.Place < 0 {
		return FieldError("place", "must be a GeoNames id")
	}
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	if f.Limit < 1 || f.Limit > MaxLimit {
		return FieldError("limit", "must be between 1 and %d", MaxLimit)
	}
	if f.Cursor != "" {
		if _, _, err := decodeCursor(f.Cursor); err != nil {
			return err
		}
	}
	return nil
}

// List returns one page of listed signatories, newest first, by keyset pagination on
// (signed_at, id) so that a deep page costs what the first one does.
func (s *Store) List(ctx context.Context, f ListFilter) (Page, error) {
	if err := f.Validate(); err != nil {
		return Page{}, err
	}
	q := s.DB.WithContext(ctx).Model(&Signatory{}).Select(listColumns).Where("listed = ?", true)
	if f.Country != "" {
		q = q.Where("country = ?", f.Country)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Tier != "" {
		q = q.Where("tier = ?", f.Tier)
	}
	if f.Place != 0 {
		// A hidden city must not be found through its place either.
		q = q.Where("place_id = ? AND vis_city = ?", f.Place, Public)
	}
	words := Words(f.Q)
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	if len(words) > 0 {
		var err error
		if q, err = s.matchWords(ctx, q, words); err != nil {
			return Page{}, err
		}
	}
	if f.Cursor != "" {
		at, id, _ := decodeCursor(f.Cursor)
		// The first condition is an index range; the second only sorts out ties in that second.
		q = q.Where("signed_at <= ? AND (signed_at < ? OR id < ?)", at, at, id)
	}
	rows, err := scanListRows(q.Order("signed_at DESC, id DESC").Limit(f.Limit + 1))
	if err != nil {
		return Page{}, err
	}
	p := Page{Rows: rows}
	if len(rows) > f.Limit {
		p.Rows = rows[:f.Limit]
		last := p.Rows[f.Limit-1]
		p.NextCursor = encodeCursor(last.SignedAt, last.ID)
	}
	return p, nil
}

// rareWord is how many signatories a word may match and still lead the search.
const rareWord = 500

// matchWords adds the search words to a list query; each word matches the beginning of a public
// word. When some word is
// rare, its few signatories are looked up first and the list is read among them only; without
// this, a word nobody has would walk the whole registry looking for fifty matches.
func (s *Store) matchWords(ctx context.Context, q *gorm.DB, words []string) (*gorm.DB, error) {
	var candidates []int64
	rare := false
	for _, w := range words {
		w = truncateUTF8(w, maxTermBytes)
		cond, args := "term >= ? AND term < ?", []any{w, w + prefixUpperBound}
		// Counting up to the threshold reads a few hundred index entries and nothing else.
		var n int64
		err := s.DB.WithContext(ctx).Raw("SELECT COUNT(*) FROM (SELECT 1 FROM search_terms WHERE "+cond+" LIMIT ?) AS m",
			append(args, rareWord+1)...).Scan(&n).Error
		if err != nil {
			return nil, err
		}
		if n <= rareWord {
			var ids []int64
			if err := s.DB.WithContext(ctx).Table("search_terms").Where(cond, args...).Pluck("signatory_id", &ids).Error; err != nil {
				return nil, err
			}
			candidates = intersect(candidates, ids, rare)
			rare = true
			continue
		}
		q = q.Where("id IN (SELECT signatory_id FROM search_terms WHERE "+cond+")", args...)
	}
	if rare {
		if len(candidates) == 0 {
			candidates = []int64{0} // no signatory has id 0: an empty page
		}
		q = q.Where("id IN ?", candidates)
	}
	return q, nil
}

// intersect keeps the ids in both lists; the first list (started=false) is taken as it is.
func intersect(have, ids []int64, started bool) []int64 {
	if !started {
		return ids
	}
	keep := make(map[int64]bool, len(ids))
	for _, id := range ids {
		keep[id] = true
	}
	out := have[:0]
	for _, id := range have {
		if keep[id] {
			out = append(out, id)
		}
	}
	return out
}

// scanListRows reads listColumns into ListRows by hand: lists are the hottest queries, and
// GORM's reflection costs more than SQLite's reading of the rows.
func scanListRows(q *gorm.DB) ([]ListRow, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ListRow
	for rows.Next() {
		var r ListRow
		v := &r.Visibility
		if err := rows.Scan(&r.ID, &r.PublicID, &r.Kind, &r.Name, &r.Representative, &r.Country, &r.City, &r.Affiliation,
			&r.Tier, &r.SignedAt, &v.Name, &v.City, &v.Affiliation, &v.Representative, &v.Website, &v.Statement); err != nil {
			return nil, err
		}
		r.SignedAt = r.SignedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

func encodeCursor(at time.Time, id int64) string {
	raw := "1." + strconv.FormatInt(at.UnixMicro(), 36) + "." + strconv.FormatInt(id, 36)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// The times a cursor may carry: years 1970 to 9999.
var (
	cursorMin = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	cursorMax = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

func decodeCursor(c string) (time.Time, int64, error) {
	bad := FieldError("cursor", "is not a cursor this registry gave out; start again from the first page")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, 0, bad
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || parts[0] != "1" {
		return time.Time{}, 0, bad
	}
	micro, err1 := strconv.ParseInt(parts[1], 36, 64)
	id, err2 := strconv.ParseInt(parts[2], 36, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return time.Time{}, 0, bad
	}
	// Every date the registry holds lies in 1970–9999; a time outside is not one of its cursors,
	// and PostgreSQL would refuse it ("timestamp out of range").
	at := time.UnixMicro(micro).UTC()
	if at.Before(cursorMin) || !at.Before(cursorMax) {
		return time.Time{}, 0, bad
	}
	return at, id, nil
}

// Profile returns one signatory by public id: ENOTFOUND when it is unknown or not listed,
// EGONE when it was withdrawn or deleted.
func (s *Store) Profile(ctx context.Context, publicID string) (*Signatory, error) {
	var sg Signatory
	err := s.DB.WithContext(ctx).Where("public_id = ?", publicID).Take(&sg).Error
	if err == gorm.ErrRecordNotFound {
		return nil, Errorf(ENOTFOUND, "no signatory has the id %s", publicID)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case sg.Status == StatusWithdrawn || sg.Status == StatusDeleted:
		return nil, Errorf(EGONE, "this signatory withdrew from the registry")
	case !sg.Listed:
		return nil, Errorf(ENOTFOUND, "no signatory has the id %s", publicID)
	}
	return &sg, nil
}

// EndorsementRow is an accepted endorsement as a profile shows it, with the other party.
type EndorsementRow struct {
	Level     string
	Comment   string
	CreatedAt time.Time
	PublicID  string
	Name      string
	VisName   string
	Kind      string
	Country   string
	Tier      string
}

// Endorsements lists the accepted endorsements a signatory received (received=true) or gave,
// between listed signatories, newest first.
func (s *Store) Endorsements(ctx context.Context, signatoryID int64, received bool, limit int) ([]EndorsementRow, int64, error) {
	self, other := "from_id", "to_id"
	if received {
		self, other = "to_id", "from_id"
	}
	base := s.DB.WithContext(ctx).Table("endorsements e").
		Joins(fmt.Sprintf("JOIN signatories o ON o.id = e.%s", other)).
		Where(fmt.Sprintf("e.%s = ? AND e.status = ? AND o.listed = ?", self), signatoryID, "accepted", true)
	var total int64
	if err := base.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []EndorsementRow
	err := base.Select("e.level, e.comment, e.created_at, o.public_id, o.name, o.vis_name, o.kind, o.country, o.tier").
		Order("e.created_at DESC, e.id DESC").Limit(limit).Scan(&rows).Error
	return rows, total, err
}

// IsSeed reports whether a signatory is a founding Ambassador.
func (s *Store) IsSeed(ctx context.Context, signatoryID int64) (bool, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&Seed{}).Where("signatory_id = ?", signatoryID).Count(&n).Error
	return n > 0, err
}

// SignedVersion returns the newest declaration version a signatory signed, 0 when none is recorded.
func (s *Store) SignedVersion(ctx context.Context, signatoryID int64) (int, error) {
	var v *int
	err := s.DB.WithContext(ctx).Model(&Signature{}).Select("MAX(declaration_version)").
		Where("signatory_id = ?", signatoryID).Scan(&v).Error
	if err != nil || v == nil {
		return 0, err
	}
	return *v, nil
}

// validateFilters checks the filters lists and the map share, naming the first bad one.
func validateFilters(country, kind, tier string) error {
	if country != "" && !geo.ValidCountry(country) {
		return FieldError("country", "%q is not an ISO 3166-1 alpha-2 country code", country)
	}
	if kind != "" && kind != KindPerson && kind != KindOrganisation {
		return FieldError("kind", "must be person or organisation")
	}
	if tier != "" && !ValidTier(tier) {
		return FieldError("tier", "must be one of signatory, advocate, ambassador")
	}
	return nil
}
