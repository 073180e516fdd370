package records

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
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
	// pieces and pending hold the signatories read so far.
	pieces  [][]models.SignatoryIn
	pending []models.SignatoryIn
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
//
// Lines are decoded and checked on every core, in chunks, and then applied in file order, so
// that the first bad line is always the one reported.
func (p Parser) Parse(r io.Reader) (*models.ImportSet, error) {
	st := &parser{set: &models.ImportSet{}, source: p.Source, refs: map[string]int{}, refIDs: map[string]string{}, ids: map[string]int{},
		pairs: map[[2]string]int{}, seeds: map[string]int{}}
	stop := make(chan struct{})
	defer close(stop)
	chunks := make(chan *chunk, 4*runtime.GOMAXPROCS(0))
	work := make(chan *chunk)
	var readErr error
	var lastLine int
	go func() {
		defer close(chunks)
		defer close(work)
		lastLine, readErr = readChunks(r, p.Progress, stop, chunks, work)
	}()
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		go func() {
			for c := range work {
				for i, b := range c.lines {
					if b != nil {
						c.out[i] = decodeLine(c.first+i, b)
					}
				}
				close(c.done)
			}
		}()
	}
	for c := range chunks {
		<-c.done
		for i := range c.lines {
			if c.lines[i] == nil {
				continue // a blank line
			}
			if err := st.apply(c.first+i, c.out[i]); err != nil {
				return nil, &models.ImportError{Line: c.first + i, Err: err}
			}
		}
	}
	if readErr != nil {
		if errors.Is(readErr, bufio.ErrTooLong) {
			return nil, &models.ImportError{Line: lastLine + 1, Err: fmt.Errorf("line is longer than %d bytes", maxLine)}
		}
		return nil, readErr
	}
	st.set.Signatories = st.signatories()
	if err := st.resolve(); err != nil {
		return nil, err
	}
	st.set.Source = st.source
	return st.set, nil
}

// chunk is a run of consecutive lines; blank lines are nil.
type chunk struct {
	first int // line number of lines[0]
	lines [][]byte
	out   []decoded
	done  chan struct{}
}

const chunkLines = 512

// readChunks splits the input into chunks, handing each both to the workers and, in order, to
// the applier. It returns the number of the last line read.
func readChunks(r io.Reader, progress func(int64), stop <-chan struct{}, ordered, work chan<- *chunk) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	var read int64
	line := 0
	c := &chunk{first: 1}
	send := func() bool {
		c.out = make([]decoded, len(c.lines))
		c.done = make(chan struct{})
		select {
		case ordered <- c:
		case <-stop:
			return false
		}
		select {
		case work <- c:
		case <-stop:
			return false
		}
		c = &chunk{first: line + 1}
		return true
	}
	for sc.Scan() {
		line++
		b := sc.Bytes()
		read += int64(len(b) + 1)
		if progress != nil && line%4096 == 0 {
			progress(read)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			c.lines = append(c.lines, nil)
		} else {
			c.lines = append(c.lines, bytes.Clone(b))
		}
		if len(c.lines) == chunkLines && !send() {
			return line, nil
		}
	}
	if len(c.lines) > 0 && !send() {
		return line, nil
	}
	if progress != nil {
		progress(read)
	}
	return line, sc.Err()
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

// decoded is one line after the work that needs no other line.
type decoded struct {
	typ string
	v   any // a *preparedSignatory, or the line's record struct
	err error
}

// decodeLine reads one line on its own: its JSON, strictly, and for a signatory every check of
// its fields.
func decodeLine(n int, b []byte) decoded {
	typ, err := recordType(b)
	if err != nil {
		return decoded{err: err}
	}
	var v any
	switch typ {
	case "header":
		if n != 1 {
			return decoded{err: fmt.Errorf("a header may only be the first line")}
		}
		v, err = strict[Header](b)
	case "signatory":
		var r *Signatory
		if r, err = strict[Signatory](b); err == nil {
			v, err = prepareSignatory(r)
		}
	case "seed":
		v, err = strict[Seed](b)
	case "endorsement":
		v, err = strict[Endorsement](b)
	case "declaration":
		v, err = strict[Declaration](b)
	case "account":
		v, err = strict[Account](b)
	case "identity":
		v, err = strict[Identity](b)
	case "role":
		v, err = strict[Role](b)
	case "signature":
		v, err = strict[Signature](b)
	case "withdrawal":
		v, err = strict[Withdrawal](b)
	case "credential":
		v, err = strict[Credential](b)
	case "issuance":
		v, err = strict[Issuance](b)
	case "audit":
		v, err = strict[Audit](b)
	case "":
		err = models.FieldError("type", "is missing")
	default:
		err = models.FieldError("type", "unknown record type %q", typ)
	}
	return decoded{typ: typ, v: v, err: err}
}

// apply adds a decoded line to the set, in file order.
func (st *parser) apply(n int, d decoded) error {
	if d.err != nil {
		return d.err
	}
	switch v := d.v.(type) {
	case *Header:
		return st.header(v)
	case *preparedSignatory:
		return st.applySignatory(n, v)
	case *Seed:
		return st.seed(n, v)
	case *Endorsement:
		return st.endorsement(n, v)
	case *Declaration:
		return st.declaration(n, v)
	case *Account:
		return st.account(n, v)
	case *Identity:
		return st.identity(n, v)
	case *Role:
		return st.role(n, v)
	case *Signature:
		return st.signature(n, v)
	case *Withdrawal:
		return st.withdrawal(n, v)
	case *Credential:
		return st.credential(n, v)
	case *Issuance:
		return st.issuance(n, v)
	case *Audit:
		return st.audit(n, v)
	}
	return fmt.Errorf("unexpected record %T", d.v)
}

// strict decodes one record, refusing unknown fields so that a misspelt field is reported
// instead of silently dropped.
func strict[T any](b []byte) (*T, error) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return nil, errors.New(jsonMessage(err))
	}
	return &v, nil
}

func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s: expected %s, found %s", te.Field, te.Type, te.Value)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return strings.Replace(msg, "unknown field", "unknown field", 1)
}

func (st *parser) header(h *Header) error {
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

// preparedSignatory is a signatory line checked on its own; what depends on the rest of the
// file (the source, refs and ids already used) is settled by applySignatory, in line order.
type preparedSignatory struct {
	in       models.SignatoryIn
	ref      string
	explicit bool // the line names its id
	origin   bool // the line carries origin_source/origin_ref
}

// prepareSignatory does the work of a signatory line that needs no other line, so that it can
// run on several cores.
func prepareSignatory(r *Signatory) (*preparedSignatory, error) {
	ref, err := cleanRef("ref", r.Ref)
	if err != nil {
		return nil, err
	}
	switch {
	case r.ID != "":
		if !validUUID(r.ID) {
			return nil, models.FieldError("id", "%q is not a lower-case UUID", r.ID)
		}
	case ref == "":
		return nil, models.FieldError("ref", "a signatory needs a ref (or the id of an export)")
	}
	sg := models.Signatory{PublicID: r.ID, Kind: r.Kind, Name: r.Name, Representative: r.Representative, Role: r.Role,
		Email: r.Email, Country: r.Country, City: r.City, Affiliation: r.Affiliation, Website: r.Website, Statement: r.Statement,
		Visibility: models.AllPublic(), Tier: "signatory", Status: models.StatusActive, Verified: true,
		Ref: ref, PlaceID: r.PlaceID, Lat: r.Lat, Lon: r.Lon}
	sg.Normalize()
	origin := r.OriginSource != "" || r.OriginRef != ""
	if origin {
		sg.Source, sg.Ref = r.OriginSource, r.OriginRef
	} else if r.ID != "" && ref == "" {
		sg.Ref = ""
	}
	for k, v := range r.Visibility {
		if !sg.Visibility.Set(k, v) {
			return nil, models.FieldError("visibility", "unknown field %q (expected %s)", k, strings.Join(models.VisibilityFields, ", "))
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
		return nil, err
	}
	if sg.CreatedAt, err = parseTime("created_at", r.CreatedAt, false); err != nil {
		return nil, err
	}
	if sg.UpdatedAt, err = parseTime("updated_at", r.UpdatedAt, false); err != nil {
		return nil, err
	}
	if sg.CreatedAt.IsZero() {
		sg.CreatedAt = sg.SignedAt
	}
	if sg.UpdatedAt.IsZero() {
		sg.UpdatedAt = sg.CreatedAt
	}
	if err := sg.Validate(); err != nil {
		return nil, err
	}
	lang := r.Lang
	if lang == "" {
		lang = declaration.Languages[0]
	}
	if !declaration.KnownLanguage(lang) {
		return nil, models.FieldError("lang", "%q is not a language of the declaration (%s)", lang, strings.Join(declaration.Languages, ", "))
	}
	if r.Account != "" && !validUUID(r.Account) {
		return nil, models.FieldError("account", "%q is not a lower-case UUID", r.Account)
	}
	return &preparedSignatory{in: models.SignatoryIn{Signatory: sg, Account: r.Account, Lang: lang}, ref: ref,
		explicit: r.ID != "", origin: origin}, nil
}

// applySignatory gives a prepared line its id and checks it against the lines before it.
func (st *parser) applySignatory(n int, p *preparedSignatory) error {
	in := p.in
	in.Line = n
	if !p.explicit {
		in.Signatory.PublicID = models.SignatoryID(st.source, p.ref)
	}
	if !p.origin && (p.ref != "" || !p.explicit) {
		in.Signatory.Source = st.source
	}
	id := in.Signatory.PublicID
	if p.ref != "" {
		if prev, ok := st.refs[p.ref]; ok {
			return models.FieldError("ref", "%q is already used on line %d", p.ref, prev)
		}
		st.refs[p.ref] = n
		st.refIDs[p.ref] = id
	}
	if prev, ok := st.ids[id]; ok {
		return models.FieldError("id", "%s is already used on line %d", id, prev)
	}
	st.ids[id] = n
	// Collected in pieces and joined once at the end: appending to one slice of 100,000
	// large records would copy it over and over.
	if len(st.pending) == cap(st.pending) {
		st.pieces = append(st.pieces, st.pending)
		st.pending = make([]models.SignatoryIn, 0, 4096)
	}
	st.pending = append(st.pending, in)
	return nil
}

// signatories joins the pieces collected by applySignatory.
func (st *parser) signatories() []models.SignatoryIn {
	n := len(st.pending)
	for _, p := range st.pieces {
		n += len(p)
	}
	out := make([]models.SignatoryIn, 0, n)
	for _, p := range st.pieces {
		out = append(out, p...)
	}
	return append(out, st.pending...)
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
