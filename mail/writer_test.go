package mail_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/open-recognition/registry/i18n"
	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/mail"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/testutil"
)

const base = "https://registry.example"

var secret = []byte("a secret of the registry, 32+ bytes long")

// Ada is the member written to; Bob endorsed her and keeps his name to members; Carol's name is
// public.
const people = `{"type":"signatory","ref":"ada","kind":"person","name":"Ada Example","email":"ada@example.org","country":"IT","signed_at":"2024-05-01T10:00:00Z"}
{"type":"signatory","ref":"bob","kind":"person","name":"Bob Secretname","email":"bob@example.org","country":"FR","visibility":{"name":"members"},"signed_at":"2024-05-02T10:00:00Z"}
{"type":"signatory","ref":"carol","kind":"person","name":"Carol Publicname","email":"carol@example.org","country":"DE","signed_at":"2024-05-03T10:00:00Z"}
`

// fixture is a real registry: the three entries, Ada's account, and her Signatory badge issued
// by the real worker.
type fixture struct {
	store           *models.Store
	w               mail.Writer
	account         models.Account
	ada, bob, carol models.Signatory
	badge           models.Credential
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s := testutil.SQLite(t)
	testutil.Load(t, s, people)
	keys, err := issuer.OpenKeys(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	worker, err := issuer.NewWorker(s, keys, base, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := worker.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: s, w: mail.Writer{Catalog: cat, BaseURL: base + "/", Secret: secret, Store: s}}
	f.account = models.Account{PublicID: uuid.NewString(), DisplayName: "Ada Example", Email: "ada@example.org", EmailVerified: true, CreatedAt: time.Now()}
	if err := s.DB.Create(&f.account).Error; err != nil {
		t.Fatal(err)
	}
	for name, sg := range map[string]*models.Signatory{"Ada Example": &f.ada, "Bob Secretname": &f.bob, "Carol Publicname": &f.carol} {
		if err := s.DB.Where("name = ?", name).Take(sg).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DB.Model(&f.ada).Update("account_id", f.account.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Where("signatory_id = ? AND kind = ?", f.ada.ID, "signatory").Take(&f.badge).Error; err != nil {
		t.Fatal(err)
	}
	return f
}

// notify records notifications for Ada as the events do, and returns them as the outbox reads
// them (Store.Notifications), newest first.
func (f *fixture) notify(t *testing.T, rows ...models.Notification) []models.NotificationRow {
	t.Helper()
	for i := range rows {
		rows[i].SignatoryID = f.ada.ID
		if rows[i].CreatedAt.IsZero() {
			rows[i].CreatedAt = time.Date(2025, 1, 1, 12, 0, i, 0, time.UTC)
		}
	}
	if err := models.Notify(f.store.DB, rows...); err != nil {
		t.Fatal(err)
	}
	got, err := f.store.Notifications(context.Background(), f.account.ID, len(rows))
	if err != nil || len(got) != len(rows) {
		t.Fatalf("%d notifications read back, err %v", len(got), err)
	}
	return got
}

func (f *fixture) letter(lang string, rows []models.NotificationRow) mail.Letter {
	return mail.Letter{AccountID: f.account.ID, AccountPublicID: f.account.PublicID, Email: f.account.Email, Name: f.account.DisplayName,
		Lang: lang, Category: models.CategoryOf(rows[0].Kind), Notifications: rows, MessageID: "m-" + lang + "@registry.example"}
}

func write(t *testing.T, w mail.Writer, l mail.Letter) mail.Message {
	t.Helper()
	m, err := w.Write(l)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkUnsubscribe verifies the message's unsubscribe link: it is absolute, names the member and
// the category, and its token verifies with the registry's secret.
func checkUnsubscribe(t *testing.T, m mail.Message, accountPublicID, category string) {
	t.Helper()
	u, err := url.Parse(m.Unsubscribe)
	if err != nil || u.Scheme+"://"+u.Host != base || u.Path != mail.UnsubscribePath {
		t.Fatalf("unsubscribe link %q is not under %s%s", m.Unsubscribe, base, mail.UnsubscribePath)
	}
	q := u.Query()
	if q.Get("a") != accountPublicID || q.Get("c") != category {
		t.Errorf("unsubscribe link %q: a=%q c=%q, want %q %q", m.Unsubscribe, q.Get("a"), q.Get("c"), accountPublicID, category)
	}
	if !mail.VerifyUnsubscribe(secret, q.Get("a"), q.Get("c"), q.Get("t")) {
		t.Errorf("unsubscribe token of %q does not verify", m.Unsubscribe)
	}
	if mail.VerifyUnsubscribe(secret, q.Get("a"), models.CategoryAccount, q.Get("t")) || mail.VerifyUnsubscribe([]byte("another secret"), q.Get("a"), q.Get("c"), q.Get("t")) {
		t.Error("the token verifies for another category or another secret")
	}
	for _, body := range []string{m.Text, html.UnescapeString(m.HTML)} {
		if !strings.Contains(body, m.Unsubscribe) || !strings.Contains(body, base+"/account#mail") {
			t.Errorf("a body lacks the unsubscribe link or the settings link:\n%s", body)
		}
	}
}

// Every kind of notification, in English and French (German for one), has its subject, its
// language, absolute links to the right pages in both bodies, and a working unsubscribe link.
func TestEveryKindIsWrittenWithItsSubjectAndLinks(t *testing.T) {
	f := newFixture(t)
	type want struct {
		subject map[string]string
		text    map[string]string
		links   []string
	}
	trust := base + "/signatories/" + f.ada.PublicID + "/trust"
	cases := []struct {
		n    models.Notification
		want want
	}{
		{models.Notification{Kind: models.KindEndorsementReceived, OtherID: &f.carol.ID, Level: ptr("advocate")}, want{
			subject: map[string]string{"en": "Carol Publicname endorsed you as Advocate", "fr": "Carol Publicname vous a recommandé·e comme Défenseur",
				"de": "Carol Publicname hat Sie als " + cat(t).For("de").T("tier.advocate") + " empfohlen"},
			text:  map[string]string{"en": "Carol Publicname endorsed you as Advocate."},
			links: []string{base + "/account/endorsements/" + f.carol.PublicID + "/accept", base + "/account/endorsements/" + f.carol.PublicID + "/decline"}}},
		{models.Notification{Kind: models.KindEndorsementAccepted, OtherID: &f.carol.ID, Level: ptr("advocate")}, want{
			subject: map[string]string{"en": "Carol Publicname accepted your endorsement", "fr": "Carol Publicname a accepté votre recommandation"},
			links:   []string{base + "/signatories/" + f.carol.PublicID + "/endorsements/" + f.ada.PublicID}}},
		{models.Notification{Kind: models.KindEndorsementDeclined, OtherID: &f.carol.ID, Level: ptr("ambassador")}, want{
			subject: map[string]string{"en": "Carol Publicname declined your endorsement", "fr": "Carol Publicname a refusé votre recommandation"},
			links:   []string{base + "/account/network"}}},
		{models.Notification{Kind: models.KindTierReached, FromTier: ptr("signatory"), ToTier: ptr("advocate")}, want{
			subject: map[string]string{"en": "You reached the Advocate tier", "fr": "Vous avez atteint le niveau Défenseur"},
			text:    map[string]string{"en": "endorsements now carry you", "fr": "vous portent désormais"},
			links:   []string{trust}}},
		{models.Notification{Kind: models.KindTierLost, FromTier: ptr("advocate"), ToTier: ptr("signatory")}, want{
			subject: map[string]string{"en": "Your tier went down to Signatory", "fr": "Votre niveau est descendu à Signataire"},
			text:    map[string]string{"en": "withdrawn or declined", "fr": "retirée ou refusée"},
			links:   []string{trust}}},
		{models.Notification{Kind: models.KindBadgeIssued, ToTier: ptr("signatory")}, want{
			subject: map[string]string{"en": "Your Signatory badge is ready", "fr": "Votre badge Signataire est prêt"},
			links:   []string{base + "/credentials/" + f.badge.ID, "https://www.linkedin.com/profile/add?"}}},
		{models.Notification{Kind: models.KindOrganisationVerified}, want{
			subject: map[string]string{"en": "Your organisation is verified", "fr": "Votre organisation est vérifiée"},
			links:   []string{base + "/signatories/" + f.ada.PublicID}}},
		{models.Notification{Kind: models.KindDeclarationVersion, Version: ptr(3)}, want{
			subject: map[string]string{"en": "Version 3 of the Declaration awaits your signature", "fr": "La version 3 de la Déclaration attend votre signature"},
			links:   []string{base + "/sign"}}},
	}
	for _, c := range cases {
		rows := f.notify(t, c.n)
		for lang, subject := range c.want.subject {
			m := write(t, f.w, f.letter(lang, rows))
			if m.Subject != subject || m.Lang != lang {
				t.Errorf("%s in %s: subject %q (%s), want %q", c.n.Kind, lang, m.Subject, m.Lang, subject)
			}
			if m.To != "ada@example.org" || m.MessageID != "m-"+lang+"@registry.example" || !strings.Contains(m.HTML, `lang="`+lang+`"`) {
				t.Errorf("%s in %s: to %q, id %q, or the HTML is not in its language", c.n.Kind, lang, m.To, m.MessageID)
			}
			if want := c.want.text[lang]; want != "" && !strings.Contains(m.Text, want) {
				t.Errorf("%s in %s: text lacks %q:\n%s", c.n.Kind, lang, want, m.Text)
			}
			for _, link := range c.want.links {
				if !strings.Contains(m.Text, link) || !strings.Contains(html.UnescapeString(m.HTML), `href="`+link) {
					t.Errorf("%s in %s: a body lacks the link %s:\n%s\n%s", c.n.Kind, lang, link, m.Text, m.HTML)
				}
			}
			for _, href := range hrefs(m.HTML) {
				if !strings.HasPrefix(href, "https://") {
					t.Errorf("%s in %s: link %q is not absolute", c.n.Kind, lang, href)
				}
			}
			checkUnsubscribe(t, m, f.account.PublicID, models.CategoryOf(c.n.Kind))
		}
		// Marked read, so that the next case reads only its own notification back.
		f.store.DB.Model(&models.Notification{}).Where("1 = 1").Delete(&models.Notification{})
	}
}

func cat(t *testing.T) *i18n.Catalog {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// hrefs lists the href attributes of an HTML body.
func hrefs(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `href="`)[1:] {
		out = append(out, html.UnescapeString(part[:strings.Index(part, `"`)]))
	}
	return out
}

// The badge message's LinkedIn link fills in the badge, the registry and the credential.
func TestBadgeMessageAddsTheBadgeToLinkedIn(t *testing.T) {
	f := newFixture(t)
	m := write(t, f.w, f.letter("fr", f.notify(t, models.Notification{Kind: models.KindBadgeIssued, ToTier: ptr("signatory")})))
	var linkedIn string
	for _, h := range hrefs(m.HTML) {
		if strings.HasPrefix(h, "https://www.linkedin.com/") {
			linkedIn = h
		}
	}
	u, err := url.Parse(linkedIn)
	if err != nil || linkedIn == "" {
		t.Fatalf("no LinkedIn link in %s", m.HTML)
	}
	q := u.Query()
	if q.Get("certId") != f.badge.ID || q.Get("certUrl") != base+"/credentials/"+f.badge.ID || q.Get("name") != "Signataire" ||
		q.Get("organizationName") != "Registre de la reconnaissance ouverte" {
		t.Errorf("LinkedIn link %s", linkedIn)
	}
}

// A digest's subject counts its notifications with the language's plural, and its items come
// newest first.
func TestDigestSubjectPluralAndOrder(t *testing.T) {
	f := newFixture(t)
	want := map[string]map[int]string{
		"en": {1: "1 update from the Open Recognition Registry", 2: "2 updates from the Open Recognition Registry", 5: "5 updates from the Open Recognition Registry"},
		"fr": {1: "1 nouvelle du Registre de la reconnaissance ouverte", 2: "2 nouvelles du Registre de la reconnaissance ouverte", 5: "5 nouvelles du Registre de la reconnaissance ouverte"},
	}
	var rows []models.NotificationRow
	for i := range 5 {
		rows = append(rows, models.NotificationRow{ID: int64(i + 1), Kind: models.KindDeclarationVersion, PublicID: f.ada.PublicID,
			Version: ptr(i + 1), CreatedAt: time.Date(2025, 1, 1, 12, i, 0, 0, time.UTC)})
	}
	for lang, byCount := range want {
		for n, subject := range byCount {
			m := write(t, f.w, f.letter(lang, rows[:n]))
			if n == 1 {
				// One notification is no digest: its own subject.
				subject = map[string]string{"en": "Version 1 of the Declaration awaits your signature", "fr": "La version 1 de la Déclaration attend votre signature"}[lang]
				if m2 := write(t, f.w, f.letter(lang, []models.NotificationRow{{Kind: "some.kind.to.come", PublicID: f.ada.PublicID}})); m2.Subject != byCount[1] {
					t.Errorf("a lone notification of an unknown kind in %s: subject %q, want %q", lang, m2.Subject, byCount[1])
				}
			}
			if m.Subject != subject {
				t.Errorf("%d in %s: subject %q, want %q", n, lang, m.Subject, subject)
			}
		}
	}
	m := write(t, f.w, f.letter("en", rows))
	last, first := strings.Index(m.Text, "Version 5 of"), strings.Index(m.Text, "Version 1 of")
	if last < 0 || first < 0 || last > first {
		t.Errorf("the digest does not put the newest first:\n%s", m.Text)
	}
	checkUnsubscribe(t, m, f.account.PublicID, models.CategoryDeclaration)
}

// A name its owner keeps from the public never appears in a message: not in the subject, the
// text or the HTML, alone or in a digest, in any language.
func TestPrivateNameNeverInAMessage(t *testing.T) {
	f := newFixture(t)
	rows := f.notify(t,
		models.Notification{Kind: models.KindEndorsementReceived, OtherID: &f.bob.ID, Level: ptr("advocate")},
		models.Notification{Kind: models.KindEndorsementAccepted, OtherID: &f.bob.ID, Level: ptr("advocate")},
		models.Notification{Kind: models.KindEndorsementDeclined, OtherID: &f.bob.ID, Level: ptr("ambassador")},
		models.Notification{Kind: models.KindEndorsementReceived, OtherID: &f.carol.ID, Level: ptr("advocate")},
	)
	letters := []mail.Letter{f.letter("en", rows), f.letter("fr", rows), f.letter("de", rows)}
	for _, r := range rows {
		for _, lang := range i18n.Languages {
			letters = append(letters, f.letter(lang, []models.NotificationRow{r}))
		}
	}
	for _, l := range letters {
		m := write(t, f.w, l)
		for part, body := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
			if strings.Contains(body, "Secretname") || strings.Contains(body, "Bob") {
				t.Errorf("%s of a message in %s names Bob:\n%s", part, l.Lang, body)
			}
		}
		if len(l.Notifications) == 1 && *l.Notifications[0].OtherPublicID == f.bob.PublicID && !strings.Contains(m.Subject, cat(t).For(l.Lang).T("endorse.someone")) {
			t.Errorf("subject %q does not say who endorsed without naming them", m.Subject)
		}
	}
	if m := write(t, f.w, letters[0]); !strings.Contains(m.Text, "Carol Publicname") {
		t.Errorf("a public name is missing from the digest:\n%s", m.Text)
	}
}

// The deletion confirmation says what was erased, cannot be unsubscribed from, and is written in
// English when the member's language is unknown.
func TestDeletionConfirmation(t *testing.T) {
	f := newFixture(t)
	l := mail.Letter{AccountPublicID: f.account.PublicID, Email: "ada@example.org", Name: "Ada Example", Lang: "xx", Category: models.CategoryAccount, Deleted: true, MessageID: "d@registry.example"}
	m := write(t, f.w, l)
	if m.Subject != "Your account has been deleted" || m.Lang != "en" || m.Unsubscribe != "" {
		t.Errorf("subject %q, lang %q, unsubscribe %q", m.Subject, m.Lang, m.Unsubscribe)
	}
	for _, want := range []string{"erased your logins", "revoked your badges", "last message"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, mail.UnsubscribePath) || strings.Contains(m.HTML, mail.UnsubscribePath) {
		t.Error("the deletion confirmation carries an unsubscribe link")
	}
	l.Lang = "fr"
	if m := write(t, f.w, l); m.Subject != "Votre compte a été supprimé" || m.Lang != "fr" {
		t.Errorf("in French: %q %q", m.Subject, m.Lang)
	}
}

// A letter the writer cannot write honestly is refused: no address, nothing to tell, no way to
// sign its unsubscribe link.
func TestWriterRefusesIncompleteLetters(t *testing.T) {
	f := newFixture(t)
	rows := f.notify(t, models.Notification{Kind: models.KindOrganisationVerified})
	bad := map[string]mail.Letter{"no address": f.letter("en", rows), "nothing to tell": f.letter("en", rows), "no account id": f.letter("en", rows)}
	l := bad["no address"]
	l.Email = ""
	bad["no address"] = l
	l = bad["nothing to tell"]
	l.Notifications = nil
	bad["nothing to tell"] = l
	l = bad["no account id"]
	l.AccountPublicID = ""
	bad["no account id"] = l
	for what, l := range bad {
		if _, err := f.w.Write(l); err == nil {
			t.Errorf("%s: written", what)
		}
	}
	w := f.w
	w.Secret = nil
	if _, err := w.Write(f.letter("en", rows)); err == nil {
		t.Error("written without a secret to sign the unsubscribe link")
	}
}
