package trustgraph

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"time"
)

// Writer writes a graph line by line, in the order of the format: the header, the
// signatories, the endorsements, then End. It keeps nothing but its counts, so a graph of any
// size streams in constant memory.
type Writer struct {
	buf          *bufio.Writer
	enc          *json.Encoder
	stage        int // 0 nothing written, 1 header, 2 signatories, 3 endorsements, 4 ended
	signatories  int
	endorsements int
}

// NewWriter writes to w through a buffer; End flushes it.
func NewWriter(w io.Writer) *Writer {
	buf := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &Writer{buf: buf, enc: enc}
}

var errOrder = errors.New("trustgraph: lines written out of the format's order")

// Header writes the first line; Type, Format and Version are set here.
func (w *Writer) Header(h Header) error {
	if w.stage != 0 {
		return errOrder
	}
	w.stage = 1
	h.Type, h.Format, h.Version = "header", Format, Version
	// An empty table is written [], not null: readers in any language can take its length.
	if h.Capacities.Advocate == nil {
		h.Capacities.Advocate = []int{}
	}
	if h.Capacities.Ambassador == nil {
		h.Capacities.Ambassador = []int{}
	}
	return w.enc.Encode(h)
}

// Signatory writes one signatory line.
func (w *Writer) Signatory(id, tier string, seed bool) error {
	if w.stage != 1 && w.stage != 2 {
		return errOrder
	}
	w.stage = 2
	w.signatories++
	return w.enc.Encode(Signatory{Type: "signatory", ID: id, Tier: tier, Seed: seed})
}

// Endorsement writes one endorsement line; created is written in UTC to the millisecond.
func (w *Writer) Endorsement(from, to, level string, created time.Time) error {
	if w.stage < 1 || w.stage > 3 {
		return errOrder
	}
	w.stage = 3
	w.endorsements++
	return w.enc.Encode(Endorsement{Type: "endorsement", From: from, To: to, Level: level,
		CreatedAt: created.UTC().Truncate(time.Millisecond).Format(TimeLayout)})
}

// End writes the last line and flushes.
func (w *Writer) End() error {
	if w.stage < 1 || w.stage > 3 {
		return errOrder
	}
	w.stage = 4
	if err := w.enc.Encode(End{Type: "end", Signatories: w.signatories, Endorsements: w.endorsements}); err != nil {
		return err
	}
	return w.buf.Flush()
}

// Flush sends what is buffered, for a stream that should reach its reader as it goes.
func (w *Writer) Flush() error { return w.buf.Flush() }
