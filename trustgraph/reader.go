package trustgraph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// LineError names the line of a graph that is not as the format says.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// maxLine bounds one line; the longest, the header, is a few hundred bytes.
const maxLine = 1 << 20

// Reader reads a graph line by line and checks each line's shape and place: the header first,
// then signatories, endorsements, and the end line last.
type Reader struct {
	sc    *bufio.Scanner
	line  int
	stage int // as Writer's
	seen  End // what came before the end line
}

// NewReader reads from r.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	return &Reader{sc: sc}
}

// Line is the number of the line Next returned last (1 for the header).
func (r *Reader) Line() int { return r.line }

// line holds any record; which fields matter depends on its type.
type line struct {
	Type string `json:"type"`
	Header
	ID           string `json:"id"`
	Tier         string `json:"tier"`
	Seed         bool   `json:"seed"`
	From         string `json:"from"`
	To           string `json:"to"`
	Level        string `json:"level"`
	CreatedAt    string `json:"created_at"`
	Signatories  *int   `json:"signatories"`
	Endorsements *int   `json:"endorsements"`
}

// Next returns the next record: a *Header, *Signatory, *Endorsement or *End, then io.EOF after
// the end line. A line that breaks the format is a *LineError.
func (r *Reader) Next() (any, error) {
	for {
		if !r.sc.Scan() {
			err := r.sc.Err()
			switch {
			case errors.Is(err, bufio.ErrTooLong):
				return nil, r.fail(r.line+1, "longer than %d bytes: this is not a registry graph", maxLine)
			case err != nil:
				return nil, fmt.Errorf("reading line %d: %w", r.line+1, err)
			case r.stage == 0:
				return nil, r.fail(1, "the graph is empty: no header line")
			case r.stage < 4:
				return nil, r.fail(r.line+1, `the graph ends without its last line ({"type":"end",…}): it was cut short; fetch it again`)
			}
			return nil, io.EOF
		}
		r.line++
		text := bytes.TrimSpace(r.sc.Bytes())
		if len(text) == 0 {
			continue
		}
		if r.stage == 4 {
			return nil, r.fail(r.line, "a line after the end line")
		}
		var l line
		if err := json.Unmarshal(text, &l); err != nil {
			return nil, r.fail(r.line, "not a JSON object: %v", err)
		}
		if r.stage == 0 && l.Type != "header" {
			return nil, r.fail(r.line, `the first line must be the header ({"type":"header","format":%q,…}), found type %q`, Format, l.Type)
		}
		switch l.Type {
		case "header":
			return r.header(&l)
		case "signatory":
			return r.signatory(&l)
		case "endorsement":
			return r.endorsement(&l)
		case "end":
			return r.end(&l)
		default:
			return nil, r.fail(r.line, "unknown type %q (expected header, signatory, endorsement or end)", l.Type)
		}
	}
}

func (r *Reader) fail(n int, format string, args ...any) error {
	return &LineError{Line: n, Msg: fmt.Sprintf(format, args...)}
}

func (r *Reader) header(l *line) (any, error) {
	if r.stage != 0 {
		return nil, r.fail(r.line, "a second header")
	}
	h := l.Header
	h.Type = "header"
	switch {
	case h.Format != Format:
		return nil, r.fail(r.line, "format %q, expected %q: this is not a registry graph", h.Format, Format)
	case h.Version != Version:
		return nil, r.fail(r.line, "format version %d; this program reads version %d", h.Version, Version)
	}
	for _, run := range []struct {
		name  string
		table []int
	}{{"advocate", h.Capacities.Advocate}, {"ambassador", h.Capacities.Ambassador}} {
		for _, c := range run.table {
			if c < 1 {
				return nil, r.fail(r.line, "the %s capacity table %v holds %d; capacities are positive whole numbers", run.name, run.table, c)
			}
		}
	}
	if h.GeneratedAt != "" {
		if _, err := time.Parse(time.RFC3339, h.GeneratedAt); err != nil {
			return nil, r.fail(r.line, "generated_at %q is not an RFC 3339 time", h.GeneratedAt)
		}
	}
	r.stage = 1
	return &h, nil
}

func (r *Reader) signatory(l *line) (any, error) {
	switch {
	case r.stage > 2:
		return nil, r.fail(r.line, "a signatory after the endorsements: signatory lines come first")
	case l.ID == "":
		return nil, r.fail(r.line, "a signatory without id")
	}
	if _, ok := tiers[l.Tier]; !ok {
		return nil, r.fail(r.line, "signatory %s: tier %q (expected signatory, advocate or ambassador)", l.ID, l.Tier)
	}
	r.stage = 2
	r.seen.Signatories++
	return &Signatory{Type: "signatory", ID: l.ID, Tier: l.Tier, Seed: l.Seed}, nil
}

func (r *Reader) endorsement(l *line) (any, error) {
	switch {
	case l.From == "" || l.To == "":
		return nil, r.fail(r.line, "an endorsement needs from and to")
	case l.From == l.To:
		return nil, r.fail(r.line, "endorsement of %s by itself", l.From)
	}
	if _, ok := levels[l.Level]; !ok {
		return nil, r.fail(r.line, "endorsement %s → %s: level %q (expected advocate or ambassador)", l.From, l.To, l.Level)
	}
	if _, err := time.Parse(time.RFC3339, l.CreatedAt); err != nil {
		return nil, r.fail(r.line, "endorsement %s → %s: created_at %q is not an RFC 3339 time", l.From, l.To, l.CreatedAt)
	}
	r.stage = 3
	r.seen.Endorsements++
	return &Endorsement{Type: "endorsement", From: l.From, To: l.To, Level: l.Level, CreatedAt: l.CreatedAt}, nil
}

func (r *Reader) end(l *line) (any, error) {
	switch {
	case l.Signatories == nil || l.Endorsements == nil:
		return nil, r.fail(r.line, "the end line needs the counts signatories and endorsements")
	case *l.Signatories != r.seen.Signatories || *l.Endorsements != r.seen.Endorsements:
		return nil, r.fail(r.line, "the end line counts %d signatories and %d endorsements, the graph holds %d and %d: lines are missing",
			*l.Signatories, *l.Endorsements, r.seen.Signatories, r.seen.Endorsements)
	}
	r.stage = 4
	return &End{Type: "end", Signatories: r.seen.Signatories, Endorsements: r.seen.Endorsements}, nil
}
