package models

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	Sort    string // SortNewest (also when empty) or SortName
	Cursor  string
	Limit   int
	// CountMatches asks List to count the matches too, up to CountCap.
	CountMatches bool
}

// List orders and limits.
const (
	SortNewest    = "newest"
	SortName      = "name"
	DefaultLimit  = 50
	MaxLimit      = 200
	maxQueryWords = 6
	// CountCap is where counting matches stops: past it a page says "more than", so that a
	// search for one letter costs no more than reading a thousand index entries.
	CountCap = 1000
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
	NameKey        string
	Visibility     Visibility `gorm:"embedded;embeddedPrefix:vis_"`
}

// Page is one page of a list, in the order the filter asked for.
type Page struct {
	Rows       []ListRow
	NextCursor string // empty on the last page
	PrevCursor string // empty on the first page
	// Matches counts every page's rows, up to CountCap+1, when the filter asked for it.
	Matches int64
}

var listColumns = []string{"id", "public_id", "kind", "name", "representative", "country", "city", "affiliation", "tier", "signed_at",
	"name_key", "vis_name", "vis_city", "vis_affiliation", "vis_representative", "vis_website", "vis_statement"}

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
	switch f.Sort {
	case "":
		f.Sort = SortNewest
	case SortNewest, SortName:
	default:
		return FieldError("sort", "must be %s or %s", SortNewest, SortName)
	}
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	if f.Limit < 1 || f.Limit > MaxLimit {
		return FieldError("limit", "must be between 1 and %d", MaxLimit)
	}
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return err
		}
		if c.sort != f.Sort {
			return FieldError("cursor", "belongs to the order sort=%s, not sort=%s; start again from the first page", c.sort, f.Sort)
		}
	}
	return nil
}

// List returns one page of listed signatories, newest first or by name, by keyset pagination
// in both directions: a page after a cursor or before it costs what the first one does.
func (s *Store) List(ctx context.Context, f ListFilter) (Page, error) {
	if err := f.Validate(); err != nil {
		return Page{}, err
	}
	base, err := s.listQuery(ctx, f)
	if err != nil {
		return Page{}, err
	}
	var p Page
	if f.CountMatches {
		err := s.DB.WithContext(ctx).Table("(?) AS m", base.Session(&gorm.Session{}).Select("1").Limit(CountCap+1)).Count(&p.Matches).Error
		if err != nil {
			return Page{}, err
		}
	}
	var c cursor
	if f.Cursor != "" {
		c, _ = decodeCursor(f.Cursor)
	}
	q := base.Select(listColumns)
	if f.Cursor != "" {
		q = c.where(q)
	}
	rows, err := scanListRows(q.Order(orderBy(f.Sort, c.before)).Limit(f.Limit + 1))
	if err != nil {
		return Page{}, err
	}
	more := len(rows) > f.Limit
	if more {
		rows = rows[:f.Limit]
	}
	if c.before {
		if !more {
			// Back at the beginning: the first page, full, rather than what was left before
			// the cursor (fewer rows when some left the registry meanwhile).
			f.Cursor = ""
			f.CountMatches = false
			first, err := s.List(ctx, f)
			first.Matches = p.Matches
			return first, err
		}
		slices.Reverse(rows)
	}
	p.Rows = rows
	if len(rows) == 0 {
		return p, nil
	}
	first, last := rows[0], rows[len(rows)-1]
	if more || c.before {
		p.NextCursor = cursorAt(f.Sort, false, &last).encode()
	}
	if f.Cursor != "" {
		p.PrevCursor = cursorAt(f.Sort, true, &first).encode()
	}
	return p, nil
}

// listQuery selects the listed signatories a filter matches, in no order.
func (s *Store) listQuery(ctx context.Context, f ListFilter) (*gorm.DB, error) {
	q := s.DB.WithContext(ctx).Model(&Signatory{}).Where("listed = ?", true)
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
		return s.matchWords(ctx, q, words)
	}
	return q, nil
}

// orderBy is the order of a list, or its reverse for the rows before a cursor.
func orderBy(sort string, reverse bool) string {
	switch {
	case sort == SortName && !reverse:
		return "name_key, id"
	case sort == SortName:
		return "name_key DESC, id DESC"
	case !reverse:
		return "signed_at DESC, id DESC"
	default:
		return "signed_at, id"
	}
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
			&r.Tier, &r.SignedAt, &r.NameKey, &v.Name, &v.City, &v.Affiliation, &v.Representative, &v.Website, &v.Statement); err != nil {
			return nil, err
		}
		r.SignedAt = r.SignedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// cursor is a place in a list: the row it is at, in the list's order, and whether the page
// wanted lies after it (Next) or before it (Previous).
type cursor struct {
	sort   string
	before bool
	at     time.Time // newest first: the row's signature time
	key    string    // by name: the row's name key
	id     int64
}

func cursorAt(sort string, before bool, r *ListRow) cursor {
	return cursor{sort: sort, before: before, at: r.SignedAt, key: r.NameKey, id: r.ID}
}

// where keeps the rows on the cursor's side. The first condition is an index range; the second
// only sorts out ties in it.
func (c cursor) where(q *gorm.DB) *gorm.DB {
	switch {
	case c.sort == SortName && !c.before:
		return q.Where("name_key >= ? AND (name_key > ? OR id > ?)", c.key, c.key, c.id)
	case c.sort == SortName:
		return q.Where("name_key <= ? AND (name_key < ? OR id < ?)", c.key, c.key, c.id)
	case !c.before:
		return q.Where("signed_at <= ? AND (signed_at < ? OR id < ?)", c.at, c.at, c.id)
	default:
		return q.Where("signed_at >= ? AND (signed_at > ? OR id > ?)", c.at, c.at, c.id)
	}
}

// encode writes a cursor. "Next, newest first" keeps the first format ("1.time.id"), so that the
// API's next_cursor reads as it always has; the others are "2.order.direction.id.value".
func (c cursor) encode() string {
	var raw string
	switch {
	case c.sort == SortNewest && !c.before:
		raw = "1." + strconv.FormatInt(c.at.UnixMicro(), 36) + "." + strconv.FormatInt(c.id, 36)
	default:
		dir, value := "a", strconv.FormatInt(c.at.UnixMicro(), 36)
		if c.before {
			dir = "b"
		}
		if c.sort == SortName {
			value = c.key
		}
		raw = "2." + c.sort + "." + dir + "." + strconv.FormatInt(c.id, 36) + "." + value
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// The times a cursor may carry: years 1970 to 9999.
var (
	cursorMin = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	cursorMax = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

func decodeCursor(s string) (cursor, error) {
	bad := FieldError("cursor", "is not a cursor this registry gave out; start again from the first page")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(b) {
		return cursor{}, bad
	}
	raw := string(b)
	c := cursor{sort: SortNewest}
	var micro, id string
	switch {
	case strings.HasPrefix(raw, "1."):
		parts := strings.Split(raw, ".")
		if len(parts) != 3 {
			return cursor{}, bad
		}
		micro, id = parts[1], parts[2]
	case strings.HasPrefix(raw, "2."):
		// The value comes last: a name key may hold dots.
		parts := strings.SplitN(raw, ".", 5)
		if len(parts) != 5 || (parts[1] != SortNewest && parts[1] != SortName) || (parts[2] != "a" && parts[2] != "b") {
			return cursor{}, bad
		}
		c.sort, c.before, id = parts[1], parts[2] == "b", parts[3]
		if c.sort == SortName {
			c.key = parts[4]
			if len(c.key) > maxNameKey {
				return cursor{}, bad
			}
		} else {
			micro = parts[4]
		}
	default:
		return cursor{}, bad
	}
	var err2 error
	if c.id, err2 = strconv.ParseInt(id, 36, 64); err2 != nil || c.id <= 0 {
		return cursor{}, bad
	}
	if c.sort == SortNewest {
		m, err := strconv.ParseInt(micro, 36, 64)
		if err != nil {
			return cursor{}, bad
		}
		// Every date the registry holds lies in 1970–9999; a time outside is not one of its
		// cursors, and PostgreSQL would refuse it ("timestamp out of range").
		c.at = time.UnixMicro(m).UTC()
		if c.at.Before(cursorMin) || !c.at.Before(cursorMax) {
			return cursor{}, bad
		}
	}
	return c, nil
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

// Count is how many listed signatories a filter without search words matches, from the
// summary's cells, without asking the database. A place counts only signatories whose city is
// public, as the list's place filter does.
func (sum *Summary) Count(f ListFilter) int64 {
	var n int64
	for _, c := range sum.Cells {
		if (f.Country != "" && c.Country != f.Country) || (f.Kind != "" && c.Kind != f.Kind) ||
			(f.Tier != "" && c.Tier != f.Tier) || (f.Place != 0 && c.Place != f.Place) {
			continue
		}
		n += c.N
	}
	return n
}
