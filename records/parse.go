package records

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/google/uuid"
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
	signatories []*models.SignatoryIn
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
	st.set.Signatories = st.signatories
	if err := st.resolve(); err != nil {
		return nil, err
	}
	st.set.Source = st.source
	return st.set, nil
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
	if err := models.CheckDate(field, v, t); err != nil {
		return time.Time{}, err
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
