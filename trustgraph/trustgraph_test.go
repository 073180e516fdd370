package trustgraph_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/trust"
	"github.com/open-recognition/registry/trustgraph"
)

// workedExample is trust.md's worked example (Advocate run, table [4, 2, 1]) as a published
// graph: A, B, C and D are lifted, E is not.
func workedExample(t *testing.T, tierOfE string) string {
	t.Helper()
	var buf bytes.Buffer
	w := trustgraph.NewWriter(&buf)
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(w.Header(trustgraph.Header{GraphVersion: "7", TiersCurrent: true,
		Capacities:  trustgraph.Capacities{Advocate: []int{4, 2, 1}, Ambassador: []int{1}},
		GeneratedAt: "2025-01-01T10:00:00Z"}))
	check(w.Signatory("a", "ambassador", true))
	for _, id := range []string{"b", "c", "d"} {
		check(w.Signatory(id, "advocate", false))
	}
	check(w.Signatory("e", tierOfE, false))
	at := time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC)
	for i, e := range [][2]string{{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}, {"d", "e"}} {
		check(w.Endorsement(e[0], e[1], "advocate", at.Add(time.Duration(i)*time.Millisecond)))
	}
	check(w.End())
	return buf.String()
}

func TestVerifyAgreesWithTheWorkedExample(t *testing.T) {
	rep, err := trustgraph.Verify(strings.NewReader(workedExample(t, "signatory")))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Agrees() || rep.Signatories != 5 || rep.Endorsements != 5 || rep.Recomputed != [3]int{1, 3, 1} {
		t.Errorf("report %+v, want agreement: signatory 1, advocate 3, ambassador 1", rep)
	}
	if rep.Header.GraphVersion != "7" || !rep.Header.TiersCurrent {
		t.Errorf("header read back as %+v", rep.Header)
	}
}

func TestVerifyFindsATamperedTier(t *testing.T) {
	rep, err := trustgraph.Verify(strings.NewReader(workedExample(t, "advocate")))
	if err != nil {
		t.Fatal(err)
	}
	want := []trustgraph.Difference{{ID: "e", Published: trust.Advocate, Recomputed: trust.Signatory}}
	if len(rep.Differences) != 1 || rep.Differences[0] != want[0] {
		t.Errorf("differences %+v, want %+v", rep.Differences, want)
	}
}

// The edges' order decides who is lifted when capacity runs out; the published times keep the
// milliseconds, so that the order read back is the computation's.
func TestMillisecondsDecideTheOrder(t *testing.T) {
	var buf bytes.Buffer
	w := trustgraph.NewWriter(&buf)
	w.Header(trustgraph.Header{Capacities: trustgraph.Capacities{Advocate: []int{2, 1}, Ambassador: []int{1}}})
	w.Signatory("a", "ambassador", true)
	// a keeps 1 and passes 1: only the first endorsee is lifted. z's endorsement is 1 ms older.
	w.Signatory("b", "signatory", false)
	w.Signatory("z", "advocate", false)
	at := time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC)
	w.Endorsement("a", "z", "advocate", at.Add(400*time.Microsecond))
	w.Endorsement("a", "b", "advocate", at.Add(1400*time.Microsecond))
	w.End()
	if !strings.Contains(buf.String(), `"created_at":"2024-02-01T10:00:00.000Z"`) || !strings.Contains(buf.String(), `"created_at":"2024-02-01T10:00:00.001Z"`) {
		t.Fatalf("creation times are not written to the millisecond:\n%s", buf.String())
	}
	rep, err := trustgraph.Verify(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Agrees() {
		t.Errorf("differences %+v: the order by milliseconds was lost", rep.Differences)
	}
}

// Bad input names its line.
func TestReaderErrorsNameTheLine(t *testing.T) {
	header := `{"type":"header","format":"registry-graph","version":1,"graph_version":"1","tiers_current":true,"capacities":{"advocate":[4,1],"ambassador":[1]},"sizes":{"advocate":0,"ambassador":0},"lifted":{"advocate":0,"ambassador":0},"generated_at":"2025-01-01T10:00:00Z"}`
	sa := `{"type":"signatory","id":"a","tier":"ambassador","seed":true}`
	sb := `{"type":"signatory","id":"b","tier":"advocate"}`
	ab := `{"type":"endorsement","from":"a","to":"b","level":"advocate","created_at":"2024-02-01T10:00:00.000Z"}`
	end := `{"type":"end","signatories":2,"endorsements":1}`
	join := func(lines ...string) string { return strings.Join(lines, "\n") + "\n" }
	if _, err := trustgraph.Verify(strings.NewReader(join(header, sa, sb, ab, end))); err != nil {
		t.Fatalf("the good graph: %v", err)
	}
	cases := []struct {
		name, text string
		line       int
		says       string
	}{
		{"empty", "", 1, "empty"},
		{"no header", join(sa, sb), 1, "first line must be the header"},
		{"other format", join(strings.Replace(header, "registry-graph", "registry-jsonl", 1)), 1, "not a registry graph"},
		{"later version", join(strings.Replace(header, `"version":1`, `"version":2`, 1)), 1, "version 2"},
		{"zero capacity", join(strings.Replace(header, "[4,1]", "[4,0]", 1)), 1, "positive"},
		{"not JSON", join(header, sa, `{"type":"signatory",`), 3, "not a JSON object"},
		{"unknown type", join(header, sa, `{"type":"seed","ref":"a"}`), 3, `unknown type "seed"`},
		{"bad tier", join(header, sa, `{"type":"signatory","id":"b","tier":"avocat"}`), 3, `tier "avocat"`},
		{"no id", join(header, `{"type":"signatory","tier":"advocate"}`), 2, "without id"},
		{"twice", join(header, sa, sa), 3, "appears twice"},
		{"second header", join(header, sa, header), 3, "second header"},
		{"unknown endorser", join(header, sa, sb, strings.Replace(ab, `"from":"a"`, `"from":"x"`, 1)), 4, "endorsement by x"},
		{"unknown endorsee", join(header, sa, sb, strings.Replace(ab, `"to":"b"`, `"to":"y"`, 1)), 4, "endorsement of y"},
		{"bad level", join(header, sa, sb, strings.Replace(ab, `"level":"advocate"`, `"level":"friend"`, 1)), 4, `level "friend"`},
		{"bad time", join(header, sa, sb, strings.Replace(ab, "2024-02-01T10:00:00.000Z", "yesterday", 1)), 4, "created_at"},
		{"self", join(header, sa, strings.Replace(ab, `"to":"b"`, `"to":"a"`, 1)), 3, "by itself"},
		{"signatory after endorsements", join(header, sa, sb, ab, `{"type":"signatory","id":"c","tier":"signatory"}`), 5, "signatory lines come first"},
		{"cut short", join(header, sa, sb, ab), 5, "cut short"},
		{"miscounted", join(header, sa, sb, ab, `{"type":"end","signatories":3,"endorsements":1}`), 5, "lines are missing"},
		{"after the end", join(header, sa, sb, ab, end, sa), 6, "after the end line"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := trustgraph.Verify(strings.NewReader(c.text))
			var le *trustgraph.LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v, want a line error", err)
			}
			if le.Line != c.line || !strings.Contains(le.Error(), c.says) || !strings.HasPrefix(le.Error(), "line ") {
				t.Errorf("error %q (line %d), want line %d saying %q", le, le.Line, c.line, c.says)
			}
		})
	}
}
