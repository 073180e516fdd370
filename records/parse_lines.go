// Reading lines: splitting the input into chunks, decoding each line on its own, and applying
// the results in file order.

package records

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/open-recognition/registry/models"
)

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
		if line == 1 {
			// Editors on Windows start UTF-8 files with a byte-order mark; it is no part of the JSON.
			b = bytes.TrimPrefix(b, utf8BOM)
		}
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

var utf8BOM = []byte("\xef\xbb\xbf")

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
	case "mail_key":
		v, err = strict[MailKey](b)
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
	case *MailKey:
		return st.mailKey(n, v)
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
	if dec.More() {
		return nil, errors.New("unexpected data after the JSON object (one record per line)")
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
