package main

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/data"
	"github.com/open-recognition/registry/declaration"
	"github.com/open-recognition/registry/models"
)

// The Declaration's version 1 was issued at ePIC 2016 in Bologna; its files say so.
var declarationPublished = time.Date(2016, 10, 26, 0, 0, 0, 0, time.UTC)

// A fresh registry dates every text of version 1 as its files do, and an import refuses a
// signature older than the text it signs, naming the line and leaving nothing behind.
func TestImportRefusesSignaturesOlderThanTheText(t *testing.T) {
	engines(t, func(t *testing.T, p place) {
		p.run(t, "migrate")
		s := p.store(t)
		var ds []models.Declaration
		s.DB.Order("lang").Find(&ds)
		if len(ds) != 5 {
			t.Fatalf("%d declaration texts published, want 5 (en, fr, it, es, de)", len(ds))
		}
		for _, d := range ds {
			if !d.PublishedAt.Equal(declarationPublished) {
				t.Errorf("%s published %v, want %v (the text's date, not the day the registry started)", d.Lang, d.PublishedAt, declarationPublished)
			}
		}
		const (
			first = `{"type":"signatory","ref":"s1","kind":"person","name":"Ada Example","country":"IT","lang":"it","signed_at":"2016-10-26T00:00:00Z"}`
			early = `{"type":"signatory","ref":"s2","kind":"person","name":"Early Bird","country":"ES","lang":"es","signed_at":"2016-10-26T01:59:59+02:00"}`
		)
		args := p.args("import", writeFile(t, p.dir, "early.jsonl", first+"\n"+early+"\n"))
		r := runCLI(t, nil, "", args...)
		r.wantExit(t, 1, args...)
		want := "line 2: signed_at: 2016-10-25T23:59:59Z is before version 1 of the Declaration was published (2016-10-26)\n"
		if r.stderr != want {
			t.Errorf("stderr = %q, want %q", r.stderr, want)
		}
		for _, table := range []string{"signatories", "signatures"} {
			if n := p.count(t, table); n != 0 {
				t.Errorf("%s: %d rows left behind by a refused import", table, n)
			}
		}
		// Signed on the day of publication: accepted, in Italian.
		p.run(t, "import", writeFile(t, p.dir, "first.jsonl", first+"\n"))
		var sig models.Signature
		if err := s.DB.Take(&sig).Error; err != nil || sig.Lang != "it" || sig.DeclarationVersion != 1 || !sig.SignedAt.Equal(declarationPublished) {
			t.Fatalf("signature %+v, %v", sig, err)
		}
		var it models.Declaration
		s.DB.Where("version = 1 AND lang = 'it'").Take(&it)
		if sig.TextSHA256 != it.SHA256 || it.SHA256 != declaration.Hash(it.Body) || strings.Contains(it.Body, "translation_of") {
			t.Errorf("the signature records %s, the Italian text hashes to %s", sig.TextSHA256, declaration.Hash(it.Body))
		}

		// A full dump's signatures are checked the same way.
		dump := p.export(t, true)
		for i, line := range dump {
			if strings.Contains(line, `"type":"signature"`) {
				dump[i] = strings.Replace(line, "2016-10-26T00:00:00Z", "2015-01-01T00:00:00Z", 1)
				q := newSQLite(t)
				q.run(t, "migrate")
				args := q.args("import", writeFile(t, q.dir, "full.jsonl", strings.Join(dump, "\n")+"\n"))
				r := runCLI(t, nil, "", args...)
				r.wantExit(t, 1, args...)
				if !strings.HasPrefix(r.stderr, "line "+strconv.Itoa(i+1)+": signed_at: 2015-01-01T00:00:00Z is before version 1") {
					t.Errorf("full dump with an early signature: stderr = %q, want line %d named", r.stderr, i+1)
				}
				if n := q.count(t, "signatories"); n != 0 {
					t.Errorf("%d signatories left behind", n)
				}
				return
			}
		}
		t.Fatal("the full dump has no signature")
	})
}

// A registry that stored version 1 before its files carried a date shows the day it first
// started; on the next start the texts' own, earlier date replaces it, and the hashes that
// signatures recorded stay as they were.
func TestStartTakesTheDateOfTheTexts(t *testing.T) {
	p := newSQLite(t)
	ctx := t.Context()
	s, err := models.Open(ctx, p.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	root, _ := fs.Sub(data.Declarations, "declarations")
	texts, err := declaration.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	firstStart := time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)
	var old []models.Declaration
	for _, tx := range texts {
		if tx.Lang == "en" || tx.Lang == "fr" {
			old = append(old, models.Declaration{Version: tx.Version, Lang: tx.Lang, Title: tx.Title, Body: tx.Body, SHA256: tx.SHA256, PublishedAt: firstStart})
		}
	}
	if _, err := s.PublishDeclarations(ctx, old); err != nil {
		t.Fatal(err)
	}
	s.Close()

	p.run(t, "migrate")
	s = p.store(t)
	var ds []models.Declaration
	s.DB.Order("lang").Find(&ds)
	if len(ds) != 5 {
		t.Fatalf("%d texts after the start, want 5", len(ds))
	}
	for _, d := range ds {
		if !d.PublishedAt.Equal(declarationPublished) {
			t.Errorf("%s published %v, want %v", d.Lang, d.PublishedAt, declarationPublished)
		}
	}
	for _, o := range old {
		var d models.Declaration
		s.DB.Where("version = ? AND lang = ?", o.Version, o.Lang).Take(&d)
		if d.SHA256 != o.SHA256 || d.Body != o.Body {
			t.Errorf("%s: the stored text changed", o.Lang)
		}
	}
	var audit int64
	s.DB.Model(&models.AuditEntry{}).Where("action = ?", "declaration.date").Count(&audit)
	if audit != 2 {
		t.Errorf("%d audit entries for the corrected dates, want 2", audit)
	}
	// Signatures from before the first start but after the Declaration's publication import.
	r := p.run(t, "import", writeFile(t, p.dir, "members.jsonl", contractExample))
	if !strings.Contains(r.stdout, "imported 2 signatories") {
		t.Errorf("import: %q", r.stdout)
	}
}
