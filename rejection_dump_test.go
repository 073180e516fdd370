package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-recognition/registry/models"
)

// An administrator's rejection of an organisation is state: a full dump carries it, and the
// copy, on either engine, shows the organisation the same reason.
func TestFullDumpCarriesRejections(t *testing.T) {
	const file = `{"type":"signatory","ref":"o1","kind":"organisation","name":"Example University","representative":"Jean Martin","country":"FR","verified":false,"signed_at":"2024-05-02T09:00:00Z"}
{"type":"signatory","ref":"s1","kind":"person","name":"Ada Example","country":"IT","signed_at":"2024-05-01T10:00:00Z"}
`
	const reason = "The website does not name Jean Martin."
	copyTo := func(t *testing.T, from, to place) {
		from.run(t, "import", writeFile(t, from.dir, "members.jsonl", file))
		s := from.store(t)
		var org models.Signatory
		s.DB.Where("kind = ?", models.KindOrganisation).Take(&org)
		if err := s.RejectOrganisation(context.Background(), models.Actor{Name: "cli"}, org.PublicID, reason); err != nil {
			t.Fatal(err)
		}
		dump := filepath.Join(from.dir, "dump.jsonl")
		from.run(t, "export", "--full", "-o", dump)
		first := comparable(t, from.export(t, true), true)
		if !strings.Contains(strings.Join(linesOfType(t, first, "signatory"), "\n"), `"rejection":"`+reason+`"`) {
			t.Fatal("the dump does not carry the rejection")
		}
		to.run(t, "import", dump)
		sameLines(t, "full export of the copy", first, comparable(t, to.export(t, true), true))
		var original, copied models.Signatory
		s.DB.Where("public_id = ?", org.PublicID).Take(&original)
		to.store(t).DB.Where("public_id = ?", org.PublicID).Take(&copied)
		if copied.Rejection != reason || copied.RejectedAt == nil || original.RejectedAt == nil || !copied.RejectedAt.Equal(*original.RejectedAt) {
			t.Errorf("the copy's rejection: %q at %v", copied.Rejection, copied.RejectedAt)
		}
		// Sorting by name works on the copy as on the original: the name key is rebuilt.
		if copied.NameKey != "example university" {
			t.Errorf("the copy's name key %q", copied.NameKey)
		}
	}
	t.Run("sqlite to sqlite", func(t *testing.T) { copyTo(t, newSQLite(t), newSQLite(t)) })
	t.Run("sqlite to postgres", func(t *testing.T) { copyTo(t, newSQLite(t), newPostgres(t)) })
	t.Run("postgres to sqlite", func(t *testing.T) { copyTo(t, newPostgres(t), newSQLite(t)) })
}
