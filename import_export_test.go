package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
)

// privacyExample adds to the contract's example signatories who keep fields to themselves.
const privacyExample = contractExample +
	`{"type":"signatory","ref":"h1","kind":"person","name":"Hidden Person","email":"hidden.person@example.org","country":"DE","city":"Secretville","affiliation":"Private Institute","website":"https://private.example","statement":"A secret statement","visibility":{"name":"hidden","city":"hidden","affiliation":"members","website":"hidden","statement":"members"},"signed_at":"2024-05-03T10:00:00Z"}
{"type":"signatory","ref":"o2","kind":"organisation","name":"Quiet Foundation","representative":"Concealed Rep","role":"Hidden Role","email":"board@quiet.example","country":"ES","city":"Madrid","visibility":{"representative":"hidden","city":"members"},"signed_at":"2024-05-04T10:00:00Z"}
{"type":"endorsement","from":"h1","to":"s1","level":"ambassador","status":"pending","comment":"Pending comment","created_at":"2024-06-02T12:00:00Z"}
{"type":"endorsement","from":"o2","to":"s1","level":"advocate","comment":"Accepted by default","created_at":"2024-06-03T12:00:00Z"}
`

func TestImportContractExample(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		file := writeFile(t, p.dir, "members.jsonl", contractExample)
		r := p.run(t, "import", file)
		for _, want := range []string{"imported 2 signatories, 1 endorsements, 1 seeds", `"members.jsonl"`} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("summary on stdout does not say %q: %q", want, r.stdout)
			}
		}
		for table, want := range map[string]int64{"signatories": 2, "endorsements": 1, "seeds": 1} {
			if n := p.count(t, table); n != want {
				t.Errorf("%s: %d rows, want %d", table, n, want)
			}
		}
		// The ids derive from the file's name (its source) and the refs.
		s := p.store(t)
		ada, err := s.Profile(t.Context(), models.SignatoryID("members.jsonl", "s1"))
		if err != nil {
			t.Fatalf("Ada is not under the derived id: %v", err)
		}
		if ada.Name != "Ada Example" || ada.Tier != "ambassador" || ada.Email != "ada@example.org" {
			t.Errorf("Ada = %+v", ada)
		}
		org, err := s.Profile(t.Context(), models.SignatoryID("members.jsonl", "o1"))
		if err != nil {
			t.Fatalf("the organisation is not under the derived id: %v", err)
		}
		if org.Representative != "Jean Martin" || !org.Verified {
			t.Errorf("organisation = %+v", org)
		}

		// Importing the same file again changes nothing at all, audit log included.
		before := comparable(t, p.export(t, true), false)
		r = p.run(t, "import", file)
		if !strings.Contains(r.stdout, "imported 0 signatories, 0 endorsements, 0 seeds") || !strings.Contains(r.stdout, "4 records already present") {
			t.Errorf("second import summary: %q", r.stdout)
		}
		after := comparable(t, p.export(t, true), false)
		sameLines(t, "full export after importing the same file again", before, after)
	})
}

func TestImportSources(t *testing.T) {
	header := `{"type":"header","format":"registry-jsonl","version":1,"source":"from-header"}` + "\n"
	cases := []struct {
		name   string
		file   string // written to members.jsonl unless empty; then stdin
		text   string
		flags  []string
		source string
	}{
		{"file name", "members.jsonl", contractExample, nil, "members.jsonl"},
		{"stdin", "", contractExample, nil, "stdin"},
		{"--source", "members.jsonl", contractExample, []string{"--source", "club"}, "club"},
		{"--source=", "members.jsonl", contractExample, []string{"--source=club"}, "club"},
		{"--source on stdin", "", contractExample, []string{"--source", "piped"}, "piped"},
		{"header", "members.jsonl", header + contractExample, nil, "from-header"},
		{"header before --source", "members.jsonl", header + contractExample, []string{"--source", "club"}, "from-header"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newSQLite(t)
			arg, stdin := "-", c.text
			if c.file != "" {
				arg, stdin = writeFile(t, p.dir, c.file, c.text), ""
			}
			args := p.args(append([]string{"import", arg}, c.flags...)...)
			r := runCLI(t, nil, stdin, args...)
			r.wantExit(t, 0, args...)
			if !strings.Contains(r.stdout, strconv.Quote(c.source)) {
				t.Errorf("summary does not name the source %q: %q", c.source, r.stdout)
			}
			export := strings.Join(p.export(t, false), "\n")
			for _, ref := range []string{"s1", "o1"} {
				if id := models.SignatoryID(c.source, ref); !strings.Contains(export, `"id":"`+id+`"`) {
					t.Errorf("%s is not under id %s (source %q):\n%s", ref, id, c.source, export)
				}
			}
		})
	}
	// Two files may both use s1: different sources give different signatories.
	p := newSQLite(t)
	p.run(t, "import", writeFile(t, p.dir, "a.jsonl", contractExample))
	p.run(t, "import", writeFile(t, p.dir, "b.jsonl", contractExample))
	if n := p.count(t, "signatories"); n != 4 {
		t.Errorf("two sources: %d signatories, want 4", n)
	}
}

func TestImportBadLine(t *testing.T) {
	const (
		ada = `{"type":"signatory","ref":"s1","kind":"person","name":"Ada Example","email":"ada@example.org","country":"IT","signed_at":"2024-05-01T10:00:00Z"}`
		org = `{"type":"signatory","ref":"o1","kind":"organisation","name":"Example University","representative":"Jean Martin","country":"FR","signed_at":"2024-05-02T09:00:00Z"}`
	)
	cases := []struct {
		name string
		text string
		line int
	}{
		{"not JSON", ada + "\n{not json\n", 2},
		{"unknown type", ada + "\n" + org + "\n" + `{"type":"bogus"}`, 3},
		{"missing type", ada + "\n" + `{"ref":"x"}`, 2},
		{"unknown country", ada + "\n" + strings.Replace(org, `"FR"`, `"ZZ"`, 1), 2},
		{"unknown kind", strings.Replace(ada, `"person"`, `"robot"`, 1), 1},
		{"missing date", ada + "\n" + strings.Replace(org, `,"signed_at":"2024-05-02T09:00:00Z"`, "", 1), 2},
		{"bad date", ada + "\n" + strings.Replace(org, `2024-05-02T09:00:00Z`, `02/05/2024`, 1), 2},
		// Dates that cannot be written back: year 10000 and year -1 once in UTC, and before 1970.
		{"date past 9999 in UTC", ada + "\n" + strings.Replace(org, `2024-05-02T09:00:00Z`, `9999-12-31T23:59:59-23:00`, 1), 2},
		{"date before year 1 in UTC", strings.Replace(ada, `2024-05-01T10:00:00Z`, `0000-01-01T00:00:00+01:00`, 1), 1},
		{"date before 1970", strings.Replace(ada, `2024-05-01T10:00:00Z`, `1969-12-31T23:59:59Z`, 1), 1},
		// Version 1 of the Declaration was published on 26 October 2016: nobody signed it before.
		{"signed before the Declaration was published", ada + "\n" + strings.Replace(org, `2024-05-02T09:00:00Z`, `2016-10-25T23:59:59Z`, 1), 2},
		{"endorsement date past 9999", ada + "\n" + org + "\n" + `{"type":"endorsement","from":"s1","to":"o1","level":"advocate","created_at":"9999-12-31T23:00:00-01:00"}`, 3},
		{"duplicate ref", ada + "\n" + org + "\n" + strings.Replace(ada, "Ada", "Other", 1), 3},
		{"self-endorsement", ada + "\n" + org + "\n" + `{"type":"endorsement","from":"s1","to":"s1","level":"advocate","created_at":"2024-06-01T12:00:00Z"}`, 3},
		{"unknown level", ada + "\n" + org + "\n" + `{"type":"endorsement","from":"s1","to":"o1","level":"hero","created_at":"2024-06-01T12:00:00Z"}`, 3},
		{"unknown status", ada + "\n" + org + "\n" + `{"type":"endorsement","from":"s1","to":"o1","level":"advocate","status":"maybe","created_at":"2024-06-01T12:00:00Z"}`, 3},
		{"dangling ref", ada + "\n" + org + "\n" + `{"type":"endorsement","from":"s1","to":"nobody","level":"advocate","created_at":"2024-06-01T12:00:00Z"}`, 3},
		{"dangling seed", ada + "\n" + org + "\n" + `{"type":"seed","ref":"ghost"}`, 3},
		{"mail key not hexadecimal", ada + "\n" + `{"type":"mail_key","key":"not-a-key"}`, 2},
		{"mail key too short", ada + "\n" + `{"type":"mail_key","key":"00ff"}`, 2},
		{"second mail key", ada + "\n" + `{"type":"mail_key","key":"00112233445566778899aabbccddeeff"}` + "\n" + `{"type":"mail_key","key":"00112233445566778899aabbccddeeff"}`, 3},
		// Found only while writing: an id that is neither in the file nor in the registry. The
		// signatories of lines 1 and 2 must not stay behind.
		{"unknown id", ada + "\n" + org + "\n" + `{"type":"seed","id":"3b241101-e2bb-4255-8caf-4136c566a962"}`, 3},
		{"unknown id in endorsement", ada + "\n" + org + "\n" + `{"type":"endorsement","from":"s1","to":"3b241101-e2bb-4255-8caf-4136c566a962","level":"advocate","created_at":"2024-06-01T12:00:00Z"}`, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newSQLite(t)
			p.run(t, "migrate")
			before := comparable(t, p.export(t, true), false)
			file := writeFile(t, p.dir, "bad.jsonl", c.text+"\n")
			args := p.args("import", file)
			r := runCLI(t, nil, "", args...)
			r.wantExit(t, 1, args...)
			// stderr is exactly "line N: reason".
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			m := lineMessage.FindStringSubmatch(lines[0])
			if m == nil || len(lines) != 1 || !strings.HasSuffix(r.stderr, "\n") {
				t.Fatalf("stderr = %q, want exactly one line \"line %d: reason\"", r.stderr, c.line)
			}
			if m[1] != strconv.Itoa(c.line) {
				t.Errorf("stderr = %q, want line %d", r.stderr, c.line)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			if n := p.count(t, "signatories"); n != 0 {
				t.Errorf("%d signatories left behind by a refused import", n)
			}
			after := comparable(t, p.export(t, true), false)
			sameLines(t, "full export after a refused import", before, after)
		})
	}
}

// The whole import is one transaction on either engine, also on a database it creates.
func TestImportAllOrNothing(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		// 1200 good signatories (more than one insert batch), then a line that fails while writing.
		var b strings.Builder
		for i := range 1200 {
			b.WriteString(`{"type":"signatory","ref":"p` + strconv.Itoa(i) + `","kind":"person","name":"Person ` + strconv.Itoa(i) +
				`","country":"IT","signed_at":"2024-05-01T10:00:00Z"}` + "\n")
		}
		b.WriteString(`{"type":"endorsement","from":"p1","to":"p2","level":"advocate","created_at":"2024-06-01T12:00:00Z"}` + "\n")
		b.WriteString(`{"type":"seed","id":"3b241101-e2bb-4255-8caf-4136c566a962"}` + "\n")
		file := writeFile(t, p.dir, "big.jsonl", b.String())
		args := p.args("import", file)
		r := runCLI(t, nil, "", args...)
		r.wantExit(t, 1, args...)
		if !strings.Contains(r.stderr, "line 1202: ") {
			t.Errorf("stderr does not name line 1202:\n%s", r.stderr)
		}
		found := false
		for _, l := range strings.Split(r.stderr, "\n") {
			if strings.HasPrefix(l, "line 1202: ") {
				found = true
			}
		}
		if !found {
			t.Errorf("no stderr line starts with \"line 1202: \":\n%s", r.stderr)
		}
		for _, table := range []string{"signatories", "endorsements", "seeds", "signatures", "search_terms", "issuance_outbox"} {
			if n := p.count(t, table); n != 0 {
				t.Errorf("%s: %d rows left behind by a refused import", table, n)
			}
		}
	})
}

func TestImportMissingFile(t *testing.T) {
	p := newSQLite(t)
	missing := filepath.Join(p.dir, "no-such.jsonl")
	args := p.args("import", missing)
	r := runCLI(t, nil, "", args...)
	r.wantExit(t, 1, args...)
	if !strings.Contains(r.stderr, "no-such.jsonl") {
		t.Errorf("stderr does not name the file: %q", r.stderr)
	}
}

func TestExportPublic(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		p.run(t, "import", writeFile(t, p.dir, "members.jsonl", privacyExample))
		r := p.run(t, "export")
		lines := jsonLines(t, r.stdout)
		if len(lines) == 0 {
			t.Fatal("empty export")
		}
		h := record(t, lines[0])
		if h["type"] != "header" || h["format"] != "registry-jsonl" || h["version"] != float64(1) {
			t.Fatalf("first line is not a registry-jsonl version 1 header: %s", lines[0])
		}
		if h["full"] == true {
			t.Errorf("public export marked full: %s", lines[0])
		}
		for _, secret := range []string{"@", `"email"`, "Hidden Person", "Secretville", "Private Institute", "private.example",
			"A secret statement", "Concealed Rep", "Hidden Role", "Madrid", "Pending comment", `"pending"`} {
			if strings.Contains(r.stdout, secret) {
				t.Errorf("public export contains %q:\n%s", secret, r.stdout)
			}
		}
		for _, public := range []string{"Ada Example", "Bologna", "University of Bologna", "https://ada.example", "Example University",
			"Jean Martin", "Quiet Foundation", "Accepted by default", models.SignatoryID("members.jsonl", "h1")} {
			if !strings.Contains(r.stdout, public) {
				t.Errorf("public export lacks %q:\n%s", public, r.stdout)
			}
		}
		if n := len(linesOfType(t, lines, "signatory")); n != 4 {
			t.Errorf("%d signatory lines, want 4", n)
		}
		if n := len(linesOfType(t, lines, "seed")); n != 1 {
			t.Errorf("%d seed lines, want 1", n)
		}
		// Only accepted endorsements are public.
		if n := len(linesOfType(t, lines, "endorsement")); n != 2 {
			t.Errorf("%d endorsement lines, want 2 (accepted only)", n)
		}
		// The hidden person is listed with country and tier only.
		for _, l := range linesOfType(t, lines, "signatory") {
			v := record(t, l)
			if v["id"] == models.SignatoryID("members.jsonl", "h1") {
				if v["country"] != "DE" || v["tier"] == nil {
					t.Errorf("hidden person lost country or tier: %s", l)
				}
				for _, f := range []string{"name", "city", "affiliation", "website", "statement"} {
					if _, ok := v[f]; ok {
						t.Errorf("hidden person's %s is in the public export: %s", f, l)
					}
				}
			}
		}
	})
}

func TestExportToFile(t *testing.T) {
	p := newSQLite(t)
	p.run(t, "import", writeFile(t, p.dir, "members.jsonl", contractExample))
	stdout := comparable(t, p.export(t, false), false)
	cases := []struct {
		args []string
		mode os.FileMode
		full bool
	}{
		{[]string{"--output", "public.jsonl"}, 0o644, false},
		{[]string{"-o", "short.jsonl"}, 0o644, false},
		{[]string{"--output=eq.jsonl"}, 0o644, false},
		{[]string{"--full", "--output", "full.jsonl"}, 0o600, true},
		{[]string{"-o", "fullshort.jsonl", "--full"}, 0o600, true},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := append([]string{"export"}, c.args...)
			var name string
			for i, a := range args {
				if a == "--output" || a == "-o" {
					args[i+1] = filepath.Join(p.dir, args[i+1])
					name = args[i+1]
				}
				if v, ok := strings.CutPrefix(a, "--output="); ok {
					name = filepath.Join(p.dir, v)
					args[i] = "--output=" + name
				}
			}
			r := p.run(t, args...)
			if r.stdout != "" {
				t.Errorf("export to a file wrote to stdout: %q", r.stdout)
			}
			st, err := os.Stat(name)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != c.mode {
				t.Errorf("%s: mode %v, want %v", name, st.Mode().Perm(), c.mode)
			}
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			lines := jsonLines(t, string(b))
			h := record(t, lines[0])
			if h["type"] != "header" || h["format"] != "registry-jsonl" || (h["full"] == true) != c.full {
				t.Errorf("header %s", lines[0])
			}
			if !c.full {
				sameLines(t, "export to a file vs to stdout", stdout, comparable(t, lines, false))
			} else if !strings.Contains(string(b), "ada@example.org") {
				t.Errorf("full export lacks the e-mail addresses")
			}
			// No temporary file stays behind.
			entries, _ := os.ReadDir(p.dir)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("leftover file %s", e.Name())
				}
			}
		})
	}
	// Exports carry ids, and importing an export matches them: the public export of the
	// contract's example, imported elsewhere, gives the same public registry.
	q := newSQLite(t)
	pub := filepath.Join(q.dir, "public.jsonl")
	p.run(t, "export", "-o", pub)
	q.run(t, "import", pub)
	sameLines(t, "public export of an import of the public export", stdout, comparable(t, q.export(t, false), false))

	// A folder that does not exist: exit 1.
	args := p.args("export", "-o", filepath.Join(p.dir, "missing", "x.jsonl"))
	runCLI(t, nil, "", args...).wantExit(t, 1, args...)
}

// export --full, then import into an empty database, gives the same registry.
func TestFullExportRoundTrip(t *testing.T) {
	roundTrip := func(t *testing.T, from, to place) {
		t.Helper()
		from.run(t, "import", writeFile(t, from.dir, "members.jsonl", privacyExample))
		from.run(t, "import", writeFile(t, from.dir, "other.jsonl", contractExample))
		dump := filepath.Join(from.dir, "dump.jsonl")
		from.run(t, "export", "--full", "-o", dump)
		first := comparable(t, from.export(t, true), true)

		r := to.run(t, "import", dump)
		if !strings.Contains(r.stdout, "imported 6 signatories") {
			t.Errorf("import of the dump: %q", r.stdout)
		}
		second := comparable(t, to.export(t, true), true)
		sameLines(t, "full export of the copy", first, second)
		for _, typ := range []string{"signatory", "endorsement", "seed", "signature", "declaration"} {
			if len(linesOfType(t, first, typ)) == 0 {
				t.Errorf("the dump has no %s line", typ)
			}
		}
		if !strings.Contains(strings.Join(linesOfType(t, first, "signatory"), "\n"), `"tier_since"`) {
			t.Error("the dump does not say since when the founding Ambassador holds their tier")
		}
		// Same public registry too.
		sameLines(t, "public export of the copy", comparable(t, from.export(t, false), false), comparable(t, to.export(t, false), false))
		// Importing the dump again changes nothing.
		to.run(t, "import", dump)
		sameLines(t, "full export after importing the dump twice", second, comparable(t, to.export(t, true), true))
	}
	t.Run("sqlite to sqlite", func(t *testing.T) { roundTrip(t, newSQLite(t), newSQLite(t)) })
	t.Run("sqlite to postgres", func(t *testing.T) { roundTrip(t, newSQLite(t), newPostgres(t)) })
	t.Run("postgres to sqlite", func(t *testing.T) { roundTrip(t, newPostgres(t), newSQLite(t)) })
}

// scalar runs a query returning one number on the place's database.
func (p place) scalar(t *testing.T, query string) int64 {
	t.Helper()
	s := p.store(t)
	var n int64
	if err := s.DB.Raw(query).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestDemo(t *testing.T) {
	args := []string{"demo", "--signatories", "300", "--endorsements", "1500", "--random-seed", "7"}
	check := func(t *testing.T, p place) {
		t.Helper()
		if n := p.count(t, "signatories"); n != 300 {
			t.Errorf("signatories: %d, want 300", n)
		}
		if n := p.count(t, "endorsements"); n != 1500 {
			t.Errorf("endorsements: %d, want 1500", n)
		}
		if n := p.count(t, "seeds"); n == 0 {
			t.Errorf("the demo appointed no founding Ambassador")
		}
		if n := p.scalar(t, "SELECT COUNT(*) FROM seeds JOIN signatories ON signatories.id = seeds.signatory_id WHERE signatories.tier <> 'ambassador'"); n != 0 {
			t.Errorf("%d seeds are not Ambassadors", n)
		}
		// The tiers computed on the demo look like the movement's: 10–20% Advocates, 1–3% Ambassadors.
		if n := p.scalar(t, "SELECT COUNT(*) FROM signatories WHERE tier = 'advocate'"); n < 30 || n > 60 {
			t.Errorf("%d Advocates among 300 signatories", n)
		}
		if n := p.scalar(t, "SELECT COUNT(*) FROM signatories WHERE tier = 'ambassador'"); n < 3 || n > 9 {
			t.Errorf("%d Ambassadors among 300 signatories", n)
		}
		// Signers read the Declaration in their city's language where the registry publishes it.
		for _, lang := range []string{"en", "fr", "it", "es", "de"} {
			if n := p.scalar(t, "SELECT COUNT(*) FROM signatures WHERE lang = '"+lang+"'"); n == 0 {
				t.Errorf("no demo signature of the %s text", lang)
			}
		}
		if n := p.scalar(t, "SELECT COUNT(*) FROM signatures JOIN signatories ON signatories.id = signatures.signatory_id WHERE signatories.country = 'IT' AND signatures.lang <> 'it'"); n != 0 {
			t.Errorf("%d signers in Italy did not sign the Italian text", n)
		}
	}
	a := newSQLite(t)
	r := a.run(t, args...)
	if !strings.Contains(r.stdout, "300 signatories") {
		t.Errorf("summary: %q", r.stdout)
	}
	check(t, a)
	public := comparable(t, a.export(t, false), false)
	tables := []string{"signatories", "endorsements", "seeds", "signatures", "search_terms", "issuance_outbox", "audit_log"}
	counts := map[string]int64{}
	for _, table := range tables {
		counts[table] = a.count(t, table)
	}
	if n := len(linesOfType(t, public, "signatory")); n == 0 || n > 300 {
		t.Errorf("public export has %d signatories", n)
	}

	// The same seed again adds nothing at all.
	r = a.run(t, args...)
	if !strings.Contains(r.stdout, "0 signatories, 0 endorsements, 0 founding Ambassadors added") {
		t.Errorf("second run: %q", r.stdout)
	}
	check(t, a)
	for _, table := range tables {
		if n := a.count(t, table); n != counts[table] {
			t.Errorf("%s: %d rows after the same demo again, was %d", table, n, counts[table])
		}
	}
	sameLines(t, "public export after the same demo again", public, comparable(t, a.export(t, false), false))

	// The same seed into a fresh database gives the same registry, flags in any order.
	b := newSQLite(t)
	mustRun(t, append([]string{"--random-seed=7", "--db", b.db, "--keys", b.keys, "demo", "--endorsements", "1500"}, "--signatories", "300")...)
	check(t, b)
	sameLines(t, "public export of the same seed in another database", public, comparable(t, b.export(t, false), false))

	// Another seed gives another registry.
	c := newSQLite(t)
	c.run(t, "demo", "--signatories", "300", "--endorsements", "1500", "--random-seed", "8")
	if other := comparable(t, c.export(t, false), false); strings.Join(other, "\n") == strings.Join(public, "\n") {
		t.Errorf("seeds 7 and 8 gave the same registry")
	}

	// And on PostgreSQL, the same seed gives the same public registry as on SQLite.
	t.Run("postgres", func(t *testing.T) {
		d := newPostgres(t)
		d.run(t, args...)
		check(t, d)
		sameLines(t, "public export of the same seed on PostgreSQL", public, comparable(t, d.export(t, false), false))
	})

	// Bad numbers are usage errors.
	for _, bad := range [][]string{{"demo"}, {"demo", "--endorsements", "10"}, {"demo", "--signatories", "5", "--endorsements", "-1"}} {
		p := newSQLite(t)
		args := p.args(bad...)
		runCLI(t, nil, "", args...).wantExit(t, 2, args...)
	}
}

// A file saved by an editor that starts UTF-8 with a byte-order mark imports like any other,
// and the dates at the edges of the accepted years round-trip through a full export.
func TestImportByteOrderMarkAndEdgeDates(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		text := "\ufeff" + strings.Replace(contractExample, "2024-05-02T09:00:00Z", "9999-12-31T23:59:59Z", 1)
		// The earliest date a record takes; a signature cannot be older than the text it signs.
		text = strings.Replace(text, "2024-06-01T12:00:00Z", "1970-01-01T00:00:00+00:00", 1)
		file := writeFile(t, p.dir, "bom.jsonl", text)
		r := p.run(t, "import", file)
		if !strings.Contains(r.stdout, "imported 2 signatories") {
			t.Fatalf("import of a file with a byte-order mark: %q", r.stdout)
		}
		full := p.export(t, true)
		q := newSQLite(t)
		q.run(t, "migrate")
		dump := writeFile(t, q.dir, "full.jsonl", strings.Join(full, "\n")+"\n")
		q.run(t, "import", dump)
		sameLines(t, "full export after a round trip", comparable(t, full, true), comparable(t, q.export(t, true), true))
	})
}

// A full dump moves endorsement credentials with their place in the endorser's own status list:
// the copy serves the same list, so what was valid or revoked stays so.
func TestFullExportKeepsEndorserStatusLists(t *testing.T) {
	p := newSQLite(t)
	p.run(t, "import", writeFile(t, p.dir, "members.jsonl", privacyExample))
	s := p.store(t)
	keys, err := issuer.OpenKeys(p.keys)
	if err != nil {
		t.Fatal(err)
	}
	w, err := issuer.NewWorker(s, keys, "http://localhost:8080", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var inLists int64
	s.DB.Model(&models.Credential{}).Where("kind = 'endorsement' AND status_issuer IS NOT NULL").Count(&inLists)
	if inLists == 0 {
		t.Fatal("no endorsement credential in an endorser's status list: the test proves nothing")
	}
	full := p.export(t, true)
	if !strings.Contains(strings.Join(linesOfType(t, full, "credential"), "\n"), `"status_issuer"`) {
		t.Fatal("the dump does not say which endorser's status list holds an endorsement credential")
	}
	for _, to := range []place{newSQLite(t), newPostgres(t)} {
		to.run(t, "migrate")
		to.run(t, "import", writeFile(t, to.dir, "full.jsonl", strings.Join(full, "\n")+"\n"))
		sameLines(t, "full export of the copy", comparable(t, full, true), comparable(t, to.export(t, true), true))
		var moved int64
		to.store(t).DB.Model(&models.Credential{}).Where("kind = 'endorsement' AND status_issuer IS NOT NULL AND issuer_index IS NOT NULL").Count(&moved)
		if moved != inLists {
			t.Errorf("%d endorsement credentials in an endorser's list after the move, want %d", moved, inLists)
		}
	}
}
