package records_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
	"github.com/open-recognition/registry/testutil"
)

// The example of interfaces.md, verbatim.
const contractExample = `{"type":"signatory","ref":"s1","kind":"person","name":"Ada Example","email":"ada@example.org","country":"IT","city":"Bologna","affiliation":"University of Bologna","website":"https://ada.example","statement":"Markdown","visibility":{"city":"public","statement":"public"},"signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"o1","kind":"organisation","name":"Example University","representative":"Jean Martin","role":"Rector","email":"rector@uni.example","country":"FR","city":"Caen","signed_at":"2024-05-02T09:00:00Z"}
{"type":"seed","ref":"s1"}
{"type":"endorsement","from":"s1","to":"o1","level":"advocate","status":"accepted","comment":"Markdown","created_at":"2024-06-01T12:00:00Z"}
`

func importString(t *testing.T, s *models.Store, source, text string) (models.ImportResult, error) {
	t.Helper()
	set, err := records.Parser{Source: source}.Parse(strings.NewReader(text))
	if err != nil {
		return models.ImportResult{}, err
	}
	return s.Import(context.Background(), set, nil)
}

func count(t *testing.T, s *models.Store, table string) int64 {
	t.Helper()
	return testutil.Count(t, s, table)
}

func TestImportContractExample(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		res, err := importString(t, s, "members.jsonl", contractExample)
		if err != nil {
			t.Fatal(err)
		}
		if res.Signatories != 2 || res.Endorsements != 1 || res.Seeds != 1 || res.Present != 0 {
			t.Fatalf("result = %+v", res)
		}
		ada, err := s.Profile(ctx, models.SignatoryID("members.jsonl", "s1"))
		if err != nil {
			t.Fatal(err)
		}
		if ada.Name != "Ada Example" || ada.Country != "IT" || ada.Tier != "ambassador" || !ada.Listed {
			t.Fatalf("ada = %+v", ada)
		}
		org, err := s.Profile(ctx, models.SignatoryID("members.jsonl", "o1"))
		if err != nil {
			t.Fatal(err)
		}
		if !org.Verified || org.Representative != "Jean Martin" || org.Role != "Rector" {
			t.Fatalf("organisation = %+v", org)
		}
		// One Signatory badge per listed signatory, the founding Ambassador's badge, and the
		// accepted endorsement's credential.
		if n := count(t, s, "issuance_outbox"); n != 4 {
			t.Fatalf("issuance jobs = %d, want one Signatory badge per listed signatory, Ada's Ambassador badge and one endorsement credential", n)
		}
		if n := count(t, s, "signatures"); n != 2 {
			t.Fatalf("signatures = %d", n)
		}
		before, _ := s.ChangeCount(ctx)
		audit := count(t, s, "audit_log")

		// Importing the same file again changes nothing at all.
		res, err = importString(t, s, "members.jsonl", contractExample)
		if err != nil {
			t.Fatal(err)
		}
		if res.Signatories+res.Endorsements+res.Seeds != 0 || res.Present != 4 {
			t.Fatalf("second import = %+v", res)
		}
		after, _ := s.ChangeCount(ctx)
		if after != before || count(t, s, "audit_log") != audit || count(t, s, "signatories") != 2 || count(t, s, "issuance_outbox") != 4 {
			t.Fatal("a repeated import changed the registry")
		}

		// The same refs from another source are other signatories.
		if _, err := importString(t, s, "other.jsonl", contractExample); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "signatories"); n != 4 {
			t.Fatalf("signatories = %d after a second source", n)
		}
	})
}

func TestImportIDsAreUUIDv5OfSourceAndRef(t *testing.T) {
	// Documented in the README so that anyone can derive ids: UUIDv5(namespace, source + "\n" + ref).
	got := models.SignatoryID("members.jsonl", "s1")
	if got != models.SignatoryID("members.jsonl", "s1") || got == models.SignatoryID("members.jsonl", "s2") {
		t.Fatal("ids are not stable per source and ref")
	}
	if got[14] != '5' {
		t.Fatalf("%s is not a version 5 UUID", got)
	}
	set, err := records.Parser{Source: "cli"}.Parse(strings.NewReader(`{"type":"header","format":"registry-jsonl","version":1,"source":"from-header"}` + "\n" + strings.SplitN(contractExample, "\n", 2)[0]))
	if err != nil {
		t.Fatal(err)
	}
	if set.Signatories[0].Signatory.PublicID != models.SignatoryID("from-header", "s1") {
		t.Fatal("the header's source does not win over --source")
	}
}

func TestImportRefusesBadLinesAndWritesNothing(t *testing.T) {
	person := func(ref, extra string) string {
		return `{"type":"signatory","ref":"` + ref + `","kind":"person","name":"P ` + ref + `","country":"IT","signed_at":"2024-05-01T10:00:00Z"` + extra + `}`
	}
	good := person("a", "") + "\n" + person("b", "") + "\n"
	cases := []struct {
		name, file, want string
		line             int
	}{
		{"self endorsement", good + `{"type":"endorsement","from":"a","to":"a","level":"advocate","created_at":"2024-06-01T12:00:00Z"}`, "cannot endorse themselves", 3},
		{"unknown type", good + `{"type":"signature-ish"}`, `unknown record type "signature-ish"`, 3},
		{"unknown country", person("c", `,"country":"ZZ"`), `country: "ZZ"`, 1},
		{"unknown level", good + `{"type":"endorsement","from":"a","to":"b","level":"hero","created_at":"2024-06-01T12:00:00Z"}`, `level: "hero"`, 3},
		{"unknown status", good + `{"type":"endorsement","from":"a","to":"b","level":"advocate","status":"maybe","created_at":"2024-06-01T12:00:00Z"}`, `status: "maybe"`, 3},
		{"dangling ref", good + `{"type":"endorsement","from":"a","to":"zz","level":"advocate","created_at":"2024-06-01T12:00:00Z"}`, `to: "zz"`, 3},
		{"dangling seed", good + `{"type":"seed","ref":"nobody"}`, `"nobody"`, 3},
		{"duplicate ref", good + person("a", ""), `"a" is already used on line 1`, 3},
		{"missing date", `{"type":"signatory","ref":"x","kind":"person","name":"X","country":"IT"}`, "signed_at: is required", 1},
		{"bad date", person("x", `,"signed_at":"yesterday"`), `signed_at: "yesterday"`, 1},
		{"unknown field", person("x", `,"nickname":"X"`), `unknown field "nickname"`, 1},
		{"bad visibility", person("x", `,"visibility":{"city":"friends"}`), `visibility.city`, 1},
		{"unknown visibility field", person("x", `,"visibility":{"email":"public"}`), `unknown field "email"`, 1},
		{"overlong statement", person("x", `,"statement":"`+strings.Repeat("a", models.MaxStatement+1)+`"`), "statement: is longer", 1},
		{"bad kind", person("x", `,"kind":"robot"`), `kind: "robot"`, 1},
		{"not json", good + "{nope", "not a JSON object", 3},
		{"header not first", good + `{"type":"header","format":"registry-jsonl","version":1}`, "first line", 3},
		{"bad website", person("x", `,"website":"javascript:alert(1)"`), "website", 1},
		{"bad email", person("x", `,"email":"not an address"`), "email", 1},
		{"duplicate endorsement", good + `{"type":"endorsement","from":"a","to":"b","level":"advocate","created_at":"2024-06-01T12:00:00Z"}` + "\n" +
			`{"type":"endorsement","from":"a","to":"b","level":"ambassador","created_at":"2024-06-02T12:00:00Z"}`, "already on line 3", 4},
	}
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		for _, c := range cases {
			_, err := importString(t, s, "bad.jsonl", c.file)
			var ie *models.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("%s: error %v is not an import error", c.name, err)
			}
			if ie.Line != c.line || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: got %q, want line %d containing %q", c.name, err, c.line, c.want)
			}
			if n := count(t, s, "signatories"); n != 0 {
				t.Fatalf("%s: %d signatories written", c.name, n)
			}
		}
	})
}

func TestImportRollsBackWhenTheDatabaseRefuses(t *testing.T) {
	// An endorsement naming an id that exists neither in the file nor in the registry is only
	// found while writing: the signatories written before it must disappear with it.
	file := `{"type":"signatory","ref":"a","kind":"person","name":"A","country":"IT","signed_at":"2024-05-01T10:00:00Z"}
{"type":"endorsement","from":"a","to":"0b9cb1f4-6a4b-5d27-9a1c-7b0f3f1d2e3a","level":"advocate","created_at":"2024-06-01T12:00:00Z"}
`
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		before, _ := s.ChangeCount(context.Background())
		_, err := importString(t, s, "f.jsonl", file)
		var ie *models.ImportError
		if !errors.As(err, &ie) || ie.Line != 2 {
			t.Fatalf("err = %v, want an error on line 2", err)
		}
		after, _ := s.ChangeCount(context.Background())
		for _, table := range []string{"signatories", "search_terms", "signatures", "issuance_outbox", "audit_log"} {
			if table == "audit_log" {
				continue // the declarations' publication is audited before the import
			}
			if n := count(t, s, table); n != 0 {
				t.Fatalf("%s has %d rows after a refused import", table, n)
			}
		}
		if after != before {
			t.Fatal("the change counter moved")
		}
	})
}

func TestImportCleansText(t *testing.T) {
	file := "{\"type\":\"signatory\",\"ref\":\"a\",\"kind\":\"person\",\"name\":\"  Ada\\u0001 Lovelace\\u007f \",\"country\":\"gb\",\"statement\":\"line one\\r\\nline\\u0000 two\\t!\",\"signed_at\":\"2024-05-01T10:00:00Z\"}\n"
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		if _, err := importString(t, s, "f", file); err != nil {
			t.Fatal(err)
		}
		sg, err := s.Profile(context.Background(), models.SignatoryID("f", "a"))
		if err != nil {
			t.Fatal(err)
		}
		if sg.Name != "Ada Lovelace" || sg.Statement != "line one\nline two\t!" || sg.Country != "GB" {
			t.Fatalf("cleaned: name %q statement %q country %q", sg.Name, sg.Statement, sg.Country)
		}
	})
}

func TestPublicExportHidesWhatIsNotPublic(t *testing.T) {
	file := `{"type":"signatory","ref":"a","kind":"person","name":"Secret Person","email":"secret@example.org","country":"IT","city":"Hiddenville","affiliation":"Members Club","website":"https://a.example.org","statement":"private words","visibility":{"name":"members","city":"hidden","affiliation":"members","website":"hidden","statement":"hidden"},"signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"b","kind":"organisation","name":"Open Org","representative":"Hidden Rep","role":"Boss","email":"boss@org.example","country":"FR","visibility":{"representative":"hidden"},"signed_at":"2024-05-02T10:00:00Z"}
{"type":"signatory","ref":"c","kind":"organisation","name":"Unverified Org","country":"FR","verified":false,"signed_at":"2024-05-03T10:00:00Z"}
{"type":"endorsement","from":"b","to":"a","level":"advocate","status":"pending","comment":"pending words","created_at":"2024-06-01T12:00:00Z"}
`
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		if _, err := importString(t, s, "f", file); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := (records.Exporter{Store: s, Source: "http://localhost:8080"}).Export(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, secret := range []string{"Secret Person", "secret@", "Hiddenville", "Members Club", "a.example.org", "private words", "Hidden Rep", "Boss", "boss@", "Unverified Org", "pending words"} {
			if strings.Contains(out, secret) {
				t.Errorf("public export contains %q:\n%s", secret, out)
			}
		}
		if !strings.Contains(out, "Open Org") {
			t.Fatalf("public export lacks the listed organisation:\n%s", out)
		}
		// The public export imports into another registry, matched by id.
		other := testutil.SQLite(t)
		res, err := importString(t, other, "public.jsonl", out)
		if err != nil {
			t.Fatal(err)
		}
		if res.Signatories != 2 {
			t.Fatalf("public export re-import = %+v", res)
		}
	})
}

// Rows written in groups must each get their own id: every signature, search word and
// endorsement has to land on the right signatory.
func TestLargeImportLinksEveryRowToItsSignatory(t *testing.T) {
	var b strings.Builder
	const n = 1000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"type":"signatory","ref":"p%d","kind":"person","name":"Person%d Uniq%d","country":"PT","signed_at":"2024-01-01T00:%02d:%02dZ"}`+"\n", i, i, i, i/60, i%60)
	}
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, `{"type":"endorsement","from":"p%d","to":"p%d","level":"advocate","comment":"from %d to %d","created_at":"2024-02-01T00:00:00Z"}`+"\n", i-1, i, i-1, i)
	}
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		if _, err := importString(t, s, "many", b.String()); err != nil {
			t.Fatal(err)
		}
		var bad int64
		s.DB.Raw(`SELECT COUNT(*) FROM signatures g JOIN signatories s ON s.id = g.signatory_id WHERE g.signed_at <> s.signed_at`).Scan(&bad)
		if bad != 0 {
			t.Fatalf("%d signatures on the wrong signatory", bad)
		}
		var rows []struct{ PublicID, Ref, Name string }
		s.DB.Raw(`SELECT public_id, ref, name FROM signatories`).Scan(&rows)
		for _, r := range rows {
			if r.PublicID != models.SignatoryID("many", r.Ref) || r.Name != "Person"+r.Ref[1:]+" Uniq"+r.Ref[1:] {
				t.Fatalf("row %+v is mixed up", r)
			}
		}
		s.DB.Raw(`SELECT COUNT(*) FROM search_terms t JOIN signatories s ON s.id = t.signatory_id
			WHERE t.term LIKE 'uniq%' AND t.term <> 'uniq' || substr(s.ref, 2)`).Scan(&bad)
		if bad != 0 {
			t.Fatalf("%d search words on the wrong signatory", bad)
		}
		s.DB.Raw(`SELECT COUNT(*) FROM endorsements e JOIN signatories f ON f.id = e.from_id JOIN signatories o ON o.id = e.to_id
			WHERE e.comment <> 'from ' || substr(f.ref, 2) || ' to ' || substr(o.ref, 2)`).Scan(&bad)
		if bad != 0 {
			t.Fatalf("%d endorsements between the wrong signatories", bad)
		}
		ctx := context.Background()
		page, err := s.List(ctx, models.ListFilter{Q: "uniq777"})
		if err != nil || len(page.Rows) != 1 || page.Rows[0].Name != "Person777 Uniq777" {
			t.Fatalf("search for uniq777: %v %+v", err, page.Rows)
		}
	})
}

func TestImportRefusesTrailingDataAndWithdrawnStatus(t *testing.T) {
	person := `{"type":"signatory","ref":"a","kind":"person","name":"A","country":"IT","signed_at":"2024-05-01T10:00:00Z"}`
	other := `{"type":"signatory","ref":"b","kind":"person","name":"B","country":"IT","signed_at":"2024-05-01T10:00:00Z"}`
	for name, file := range map[string]string{
		"two objects on a line": person + other + "\n",
		"trailing junk":         person + " trailing\n",
		"withdrawn status":      person + "\n" + other + "\n" + `{"type":"endorsement","from":"a","to":"b","level":"advocate","status":"withdrawn","created_at":"2024-06-01T12:00:00Z"}` + "\n",
	} {
		_, err := records.Parser{Source: "f"}.Parse(strings.NewReader(file))
		var ie *models.ImportError
		if !errors.As(err, &ie) {
			t.Errorf("%s: accepted (%v)", name, err)
		}
	}
}

// A refusal by the database names the right line on both engines, with the rule it broke
// (PostgreSQL aborts the transaction on the first error: the batch runs in a savepoint).
func TestDatabaseRefusalNamesTheLineOnEveryEngine(t *testing.T) {
	sid := models.SignatoryID("f", "a")
	file := `{"type":"signatory","ref":"a","kind":"person","name":"A","country":"IT","signed_at":"2024-05-01T10:00:00Z"}
{"type":"credential","id":"3b0f5a5e-0d7c-4f3c-9a55-1f0b3c9e7a10","signatory":"` + sid + `","kind":"signatory","status_list":1,"status_index":5,"document":{},"issued_at":"2024-05-01T10:00:00Z"}
{"type":"credential","id":"4c1f6b6f-1e8d-4a4d-8b66-2a1c4d0f8b21","signatory":"` + sid + `","kind":"signatory","status_list":0,"status_index":6,"document":{},"issued_at":"2024-05-01T10:00:00Z"}
{"type":"audit","at":"2024-05-01T10:00:00Z","actor":"cli","action":"x","detail":"a\u0000b"}
`
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		_, err := importString(t, s, "f", file)
		var ie *models.ImportError
		if !errors.As(err, &ie) || ie.Line != 3 || !strings.Contains(err.Error(), "status_list") || strings.Contains(err.Error(), "SQLSTATE") {
			t.Fatalf("err = %v, want line 3 naming status_list", err)
		}
		if n := count(t, s, "signatories"); n != 0 {
			t.Fatalf("%d signatories written", n)
		}
		// Without the bad credential, the NUL byte of the audit line is cleaned away on both engines.
		lines := strings.Split(file, "\n")
		good := strings.Join([]string{lines[0], lines[1], lines[3]}, "\n")
		if _, err := importString(t, s, "f", good); err != nil {
			t.Fatal(err)
		}
		var detail string
		s.DB.Raw(`SELECT detail FROM audit_log WHERE action = 'x'`).Scan(&detail)
		if detail != "ab" {
			t.Fatalf("audit detail %q", detail)
		}
	})
}
