package records

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/models"
)

// maxLine bounds one record; a statement is capped far below it.
const maxLine = 4 << 20

// Parser reads a JSONL file into an ImportSet, checking every line; the first bad line stops it
// with an error naming that line.
type Parser struct {
	// Source is used when the file has no header naming one (--source, else the file name).
	Source string
	// Progress, when set, is told the bytes read so far.
	Progress func(read int64)
}

// pending collects refs to resolve once every signatory line has been read, since a line may
// name a signatory defined further down.
type parser struct {
	set      *models.ImportSet
	source   string
	refs     map[string]int    // ref → line
	refIDs   map[string]string // ref → public id
	ids      map[string]int    // public id → line
	pairs    map[[2]string]int
	seeds    map[string]int
	seedRefs []seedRef
	endRefs  []endRef
}

type seedRef struct {
	idx  int
	name string
}

type endRef struct {
	idx      int
	from, to string
}

// Parse reads the whole file. Nothing is written anywhere: the caller imports the result.
func (p Parser) Parse(r io.Reader) (*models.ImportSet, error) {
	st := &parser{set: &models.ImportSet{}, source: p.Source, refs: map[string]int{}, refIDs: map[string]string{}, ids: map[string]int{},
		pairs: map[[2]string]int{}, seeds: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	var read int64
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		read += int64(len(b) + 1)
		if p.Progress != nil && line%4096 == 0 {
			p.Progress(read)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		if err := st.line(line, b); err != nil {
			return nil, &models.ImportError{Line: line, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &models.ImportError{Line: line + 1, Err: fmt.Errorf("line is longer than %d bytes", maxLine)}
		}
		return nil, err
	}
	if p.Progress != nil {
		p.Progress(read)
	}
	if err := st.resolve(); err != nil {
		return nil, err
	}
	st.set.Source = st.source
	return st.set, nil
}

// typePrefix is how every line this registry writes begins; reading the type from it spares a
// second full decoding of the line.
var typePrefix = []byte(`{"type":"`)

func recordType(b []byte) (string, error) {
	if rest, ok := bytes.CutPrefix(b, typePrefix); ok {
		if end := bytes.IndexByte(rest, '"'); end > 0 && bytes.IndexByte(rest[:end], '\\') < 0 {
			return string(rest[:end]), nil
		}
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return "", fmt.Errorf("not a JSON object: %v", jsonMessage(err))
	}
	return head.Type, nil
}

func (st *parser) line(n int, b []byte) error {
	typ, err := recordType(b)
	if err != nil {
		return err
	}
	switch typ {
	case "header":
		return st.header(n, b)
	case "signatory":
		return decodeInto(b, st.signatory, n)
	case "seed":
		return decodeInto(b, st.seed, n)
	case "endorsement":
		return decodeInto(b, st.endorsement, n)
	case "declaration":
		return decodeInto(b, st.declaration, n)
	case "account":
		return decodeInto(b, st.account, n)
	case "identity":
		return decodeInto(b, st.identity, n)
	case "role":
		return decodeInto(b, st.role, n)
	case "signature":
		return decodeInto(b, st.signature, n)
	case "withdrawal":
		return decodeInto(b, st.withdrawal, n)
	case "credential":
		return decodeInto(b, st.credential, n)
	case "issuance":
		return decodeInto(b, st.issuance, n)
	case "audit":
		return decodeInto(b, st.audit, n)
	case "":
		return models.FieldError("type", "is missing")
	default:
		return models.FieldError("type", "unknown record type %q", typ)
	}
}

// decodeInto decodes strictly, so a misspelt field is reported instead of silently dropped.
func decodeInto[T any](b []byte, handle func(int, *T) error, n int) error {
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return errors.New(jsonMessage(err))
	}
	return handle(n, &v)
}

func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s: expected %s, found %s", te.Field, te.Type, te.Value)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return strings.Replace(msg, "unknown field", "unknown field", 1)
}

func (st *parser) header(n int, b []byte) error {
	if n != 1 {
		return fmt.Errorf("a header may only be the first line")
	}
	var h Header
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return errors.New(jsonMessage(err))
	}
	if h.Format != Format {
		return models.FieldError("format", "expected %q, found %q", Format, h.Format)
	}
	if h.Version != Version {
		return models.FieldError("version", "this registry reads version %d of the format, not %d", Version, h.Version)
	}
	if src := models.CleanLine(h.Source); src != "" {
		st.source = src
	}
	st.set.Full = h.Full
	return nil
}

func parseTime(field, v string, required bool) (time.Time, error) {
	if v == "" {
		if required {
			return time.Time{}, models.FieldError(field, "is required (an RFC 3339 date such as 2024-05-01T10:00:00Z)")
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, models.FieldError(field, "%q is not an RFC 3339 date such as 2024-05-01T10:00:00Z", v)
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

func optTime(field, v string) (*time.Time, error) {
	t, err := parseTime(field, v, false)
	if err != nil || t.IsZero() {
		return nil, err
	}
	return &t, nil
}

func validUUID(v string) bool {
	u, err := uuid.Parse(v)
	return err == nil && u.String() == v
}

func cleanRef(field, v string) (string, error) {
	r := models.CleanLine(v)
	if r != v {
		return "", models.FieldError(field, "%q has control characters or surrounding spaces", v)
	}
	if len(r) > 200 {
		return "", models.FieldError(field, "is longer than 200 characters")
	}
	return r, nil
}

func (st *parser) signatory(n int, r *Signatory) error {
	ref, err := cleanRef("ref", r.Ref)
	if err != nil {
		return err
	}
	id := r.ID
	switch {
	case id != "":
		if !validUUID(id) {
			return models.FieldError("id", "%q is not a lower-case UUID", id)
		}
	case ref != "":
		id = models.SignatoryID(st.source, ref)
	default:
		return models.FieldError("ref", "a signatory needs a ref (or the id of an export)")
	}
	if ref != "" {
		if prev, ok := st.refs[ref]; ok {
			return models.FieldError("ref", "%q is already used on line %d", ref, prev)
		}
		st.refs[ref] = n
		st.refIDs[ref] = id
	}
	if prev, ok := st.ids[id]; ok {
		return models.FieldError("id", "%s is already used on line %d", id, prev)
	}
	st.ids[id] = n

	sg := models.Signatory{PublicID: id, Kind: r.Kind, Name: r.Name, Representative: r.Representative, Role: r.Role,
		Email: r.Email, Country: r.Country, City: r.City, Affiliation: r.Affiliation, Website: r.Website, Statement: r.Statement,
		Visibility: models.AllPublic(), Tier: "signatory", Status: models.StatusActive, Verified: true,
		Source: st.source, Ref: ref, PlaceID: r.PlaceID, Lat: r.Lat, Lon: r.Lon}
	sg.Normalize()
	if r.OriginSource != "" || r.OriginRef != "" {
		sg.Source, sg.Ref = r.OriginSource, r.OriginRef
	}
	if r.ID != "" && ref == "" && r.OriginRef == "" {
		sg.Source, sg.Ref = "", ""
	}
	for k, v := range r.Visibility {
		if !sg.Visibility.Set(k, v) {
			return models.FieldError("visibility", "unknown field %q (expected %s)", k, strings.Join(models.VisibilityFields, ", "))
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
		return err
	}
	if sg.CreatedAt, err = parseTime("created_at", r.CreatedAt, false); err != nil {
		return err
	}
	if sg.UpdatedAt, err = parseTime("updated_at", r.UpdatedAt, false); err != nil {
		return err
	}
	if sg.CreatedAt.IsZero() {
		sg.CreatedAt = sg.SignedAt
	}
	if sg.UpdatedAt.IsZero() {
		sg.UpdatedAt = sg.CreatedAt
	}
	if err := sg.Validate(); err != nil {
		return err
	}
	lang := r.Lang
	if lang == "" {
		lang = declaration.Languages[0]
	}
	if !declaration.KnownLanguage(lang) {
		return models.FieldError("lang", "%q is not a language of the declaration (%s)", lang, strings.Join(declaration.Languages, ", "))
	}
	if r.Account != "" && !validUUID(r.Account) {
		return models.FieldError("account", "%q is not a lower-case UUID", r.Account)
	}
	st.set.Signatories = append(st.set.Signatories, models.SignatoryIn{Line: n, Signatory: sg, Account: r.Account, Lang: lang})
	return nil
}

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
