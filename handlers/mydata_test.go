package handlers_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/open-recognition/registry/issuer"
	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
	"github.com/open-recognition/registry/testutil"
)

// download posts the account page's download form and reads the ZIP.
func download(t *testing.T, u *devUser) (*http.Response, map[string][]byte) {
	t.Helper()
	res, err := u.c.Get(u.site.srv.URL + "/account")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := between(string(body), `action="/account/data" class="inline">`, `<button`)
	token = between(token, `value="`, `"`)
	if token == "" {
		t.Fatal("the account page has no download form")
	}
	res, err = u.c.PostForm(u.site.srv.URL+"/account/data", url.Values{"_csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return res, nil
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a ZIP (%s): %v", res.Header.Get("Content-Type"), err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(r)
		r.Close()
	}
	return res, files
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	in, _, _ := strings.Cut(after, to)
	return in
}

// aboutBea keeps, of the full dump's records, those about Bea's account (acc) or entry (sg),
// as the download shows them: other people's account ids left out, and of an action of hers on
// someone else, the detail only for an endorsement.
func aboutBea(rec map[string]any, acc, sg string) (section string, ok bool) {
	str := func(k string) string { s, _ := rec[k].(string); return s }
	mine := func(k, v string) bool { return str(k) == v }
	other := func(k string) {
		if v := str(k); v != "" && v != acc {
			delete(rec, k)
		}
	}
	switch str("type") {
	case "account":
		return "account", mine("id", acc)
	case "identity":
		return "identities", mine("account", acc)
	case "role":
		other("granted_by")
		return "roles", mine("account", acc)
	case "signatory":
		return "entry", mine("id", sg)
	case "seed":
		other("appointed_by")
		return "seed", mine("id", sg)
	case "signature":
		return "signatures", mine("signatory", sg)
	case "withdrawal":
		return "withdrawals", mine("signatory", sg)
	case "endorsement":
		if mine("from", sg) {
			return "endorsements_given", true
		}
		return "endorsements_received", mine("to", sg)
	case "credential":
		return "credentials", mine("signatory", sg)
	case "audit":
		about := (mine("subject_type", "account") && mine("subject_id", acc)) || (mine("subject_type", "signatory") && mine("subject_id", sg))
		if !mine("actor_account", acc) && !about {
			return "", false
		}
		if str("actor_account") != acc && str("actor_account") != "" {
			delete(rec, "actor_account")
			rec["actor"] = "another account"
		}
		if !about && !strings.HasPrefix(str("action"), "endorsement.") {
			delete(rec, "detail")
		}
		return "audit", true
	}
	return "", false
}

// The download holds every record the full dump holds about the person, and nothing private of
// anyone else; each credential as stored, and each badge baked; a second download within the
// minute is refused.
func TestDownloadMyData(t *testing.T) {
	testutil.Engines(t, func(t *testing.T, s *models.Store) {
		verify := testutil.Verifier(t)
		site, bea, worker := networkSite(t, s)
		ctx := context.Background()
		// Some history of her own: an answer, a change, an edit, a notification.
		bea.form("/account", "/account/endorsements/"+id("olf")+"/accept", nil)
		bea.form("/account/network", "/signatories/"+id("kofi")+"/endorse", nil)
		drain(t, worker)
		var beaRow models.Signatory
		s.DB.Where("public_id = ?", id("bea")).Take(&beaRow)
		// Notifications naming another party: Hana (hidden name, endorses Bea), and a stranger
		// who left the registry and has no endorsement with Bea.
		var hana models.Signatory
		s.DB.Where("public_id = ?", id("hana")).Take(&hana)
		stranger := models.Signatory{PublicID: id("quinn"), Kind: "person", Name: "Quinn Unlisted", Country: "FR",
			Visibility: models.AllPublic(), Tier: "signatory", Status: "withdrawn", Verified: true, SignedAt: s.Now(), CreatedAt: s.Now(), UpdatedAt: s.Now()}
		if err := s.DB.Create(&stranger).Error; err != nil {
			t.Fatal(err)
		}
		level, due, version := "advocate", "due", 2
		for _, n := range []models.Notification{
			{SignatoryID: beaRow.ID, Kind: models.KindEndorsementReceived, OtherID: &hana.ID, Level: &level, Mail: &due, CreatedAt: s.Now()},
			{SignatoryID: beaRow.ID, Kind: models.KindEndorsementDeclined, OtherID: &stranger.ID, Level: &level, CreatedAt: s.Now()},
			{SignatoryID: beaRow.ID, Kind: models.KindDeclarationVersion, Version: &version, Mail: &due, CreatedAt: s.Now()},
		} {
			if err := s.DB.Create(&n).Error; err != nil {
				t.Fatal(err)
			}
		}
		// Her language and e-mail choices, the messages the registry wrote to her (one told a
		// notification, one is still being sent), and a message to Kofi that is none of hers.
		if err := s.SetAccountLanguage(ctx, *beaRow.AccountID, "it"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMailSettings(ctx, *beaRow.AccountID, map[string]bool{models.CategoryTiers: false, models.CategoryDeclaration: false}); err != nil {
			t.Fatal(err)
		}
		var kofiRow models.Signatory
		s.DB.Where("public_id = ?", id("kofi")).Take(&kofiRow)
		sentAt := s.Now().Add(time.Minute)
		told := models.MailMessage{AccountID: beaRow.AccountID, Category: models.CategoryOrganisation, MessageID: "told-bea@registry.test",
			State: models.MailSent, Notifications: 1, CreatedAt: s.Now(), SentAt: &sentAt}
		for _, m := range []*models.MailMessage{&told,
			{AccountID: beaRow.AccountID, Category: models.CategoryEndorsements, MessageID: "sending-bea@registry.test", State: models.MailSending, Notifications: 2, CreatedAt: s.Now()},
			{AccountID: kofiRow.AccountID, Category: models.CategoryEndorsements, MessageID: "kofis-own@registry.test", State: models.MailSent, Notifications: 1, CreatedAt: s.Now(), SentAt: &sentAt},
		} {
			if err := s.DB.Create(m).Error; err != nil {
				t.Fatal(err)
			}
		}
		sent := models.MailSent
		if err := s.DB.Create(&models.Notification{SignatoryID: beaRow.ID, Kind: models.KindOrganisationVerified, Mail: &sent, MailMessageID: &told.ID, CreatedAt: s.Now()}).Error; err != nil {
			t.Fatal(err)
		}
		from, to := "ambassador", "advocate"
		s.DB.Create(&models.Notification{SignatoryID: beaRow.ID, Kind: models.KindTierLost, FromTier: &from, ToTier: &to, CreatedAt: s.Now()})

		res, files := download(t, bea)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("download: %d %s %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		raw := files["data.json"]
		var data map[string]any
		if err := json.Unmarshal(raw, &data); err != nil {
			t.Fatalf("data.json: %v\n%s", err, raw)
		}

		// Every record of the full dump about Bea is in data.json, as the dump holds it.
		var dump bytes.Buffer
		if err := (records.Exporter{Store: s, Full: true}).Export(ctx, &dump); err != nil {
			t.Fatal(err)
		}
		acc := data["account"].(map[string]any)["id"].(string)
		counted := map[string]int{}
		sc := bufio.NewScanner(&dump)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var rec map[string]any
			json.Unmarshal(sc.Bytes(), &rec)
			section, ok := aboutBea(rec, acc, id("bea"))
			if !ok {
				continue
			}
			counted[section]++
			if !holds(data[section], rec) {
				t.Errorf("data.json %s lacks %v", section, rec)
			}
		}
		for _, section := range []string{"account", "identities", "entry", "signatures", "endorsements_given", "endorsements_received", "credentials", "audit"} {
			if counted[section] == 0 {
				t.Errorf("the full dump holds nothing of Bea's in %s: the fixture does not test it", section)
			}
			if list, isList := data[section].([]any); isList && len(list) != counted[section] {
				t.Errorf("data.json %s holds %d records, the full dump %d", section, len(list), counted[section])
			}
		}
		// Hers as the registry keeps them: the tier she reached in the network, and the loss.
		var kept int64
		s.DB.Model(&models.Notification{}).Where("signatory_id = ?", beaRow.ID).Count(&kept)
		if n := data["notifications"].([]any); int64(len(n)) != kept || n[len(n)-1].(map[string]any)["from_tier"] != "ambassador" {
			t.Errorf("notifications: %v, the registry keeps %d", n, kept)
		}
		// Each with its other party (by public id when Bea may know them), level, version and
		// e-mail state.
		byKind := map[string]map[string]any{}
		for _, x := range data["notifications"].([]any) {
			byKind[x.(map[string]any)["kind"].(string)] = x.(map[string]any)
		}
		if n := byKind[models.KindEndorsementReceived]; n["other"] != id("hana") || n["level"] != "advocate" || n["mail"] != "due" {
			t.Errorf("the endorsement notification: %v", n)
		}
		if n := byKind[models.KindEndorsementDeclined]; n["other"] != nil || n["level"] != "advocate" || n["mail"] != nil {
			t.Errorf("the notification about an unlisted stranger: %v", n)
		}
		if n := byKind[models.KindDeclarationVersion]; n["version"] != float64(2) || n["mail"] != "due" {
			t.Errorf("the declaration notification: %v", n)
		}
		if n := byKind[models.KindOrganisationVerified]; n["mail"] != "sent" || n["mail_message"] != "told-bea@registry.test" {
			t.Errorf("the notification an e-mail told: %v", n)
		}
		// Her language and choices (the account record above is the dump's, so these are in
		// the full export too), and each message written to her, not Kofi's.
		if a := data["account"].(map[string]any); a["language"] != "it" ||
			!reflect.DeepEqual(categories(a["mail_off"]), []string{"declaration", "tiers"}) {
			t.Errorf("account: %v", a)
		}
		var mine []models.MailMessage
		s.DB.Where("account_id = ?", *beaRow.AccountID).Order("id").Find(&mine)
		mail, _ := data["mail"].([]any)
		if len(mine) != 2 || len(mail) != len(mine) {
			t.Fatalf("mail: %v, the registry wrote her %d messages", mail, len(mine))
		}
		for i, m := range mine {
			got := mail[i].(map[string]any)
			want := map[string]any{"message_id": m.MessageID, "category": m.Category, "notifications": float64(m.Notifications),
				"state": m.State, "created_at": m.CreatedAt.UTC().Format(time.RFC3339Nano)}
			if m.SentAt != nil {
				want["sent_at"] = m.SentAt.UTC().Format(time.RFC3339Nano)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("mail[%d] = %v, want %v", i, got, want)
			}
		}
		if bytes.Contains(raw, []byte("kofis-own@")) {
			t.Error("data.json holds a message written to Kofi")
		}
		if bytes.Contains(raw, []byte(id("quinn"))) {
			t.Error("data.json names the unlisted stranger's entry")
		}
		if v := data["visibility"].(map[string]any); v["city"] != "members" || v["name"] != "public" {
			t.Errorf("visibility: %v", v)
		}
		for _, p := range data["people"].([]any) {
			p := p.(map[string]any)
			if p["id"] == id("hana") && p["name"] != nil {
				t.Errorf("people names Hana, who keeps her name hidden: %v", p)
			}
			if p["id"] == id("kofi") && p["name"] != "Kofi Lifted" {
				t.Errorf("people: Kofi as %v", p)
			}
		}

		// Nothing private of anyone else: no other e-mail, hidden name, hidden field, session.
		for _, secret := range []string{"ada@", "kofi@", "hana@", "lee@", "zed@", "jana@", "Hana Hidden", "Secret Harbour",
			"hana's private statement", "Jana Private", "Quinn Unlisted", "token", "session"} {
			for name, b := range files {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s holds %q", name, secret)
				}
			}
		}
		if !bytes.Contains(raw, []byte("bea@net.example")) {
			t.Error("data.json lacks Bea's own e-mail")
		}

		// Each credential as stored, byte for byte; each badge's PNG carries it.
		var creds []models.Credential
		s.DB.Where("signatory_id = ?", beaRow.ID).Find(&creds)
		kinds := map[string]bool{}
		for _, c := range creds {
			kinds[c.Kind] = true
			if got := files["credentials/"+c.ID+".json"]; string(got) != c.Document {
				t.Errorf("credential %s (%s) in the ZIP differs from the stored one", c.ID, c.Kind)
			}
			// The copy in the ZIP verifies as a wallet would check it, live ones as valid.
			var doc map[string]any
			json.Unmarshal(files["credentials/"+c.ID+".json"], &doc)
			v := fetchVerifiable(t, site, c)
			if got := verify(doc, v.did, v.status); got.Verified != (c.RevokedAt == nil) {
				t.Errorf("credential %s (%s, revoked %v) from the ZIP: %+v", c.ID, c.Kind, c.RevokedAt != nil, got)
			}
			png, badge := files["credentials/"+c.ID+".png"]
			if _, isBadge := issuer.Achievements[c.Kind]; isBadge != badge {
				t.Errorf("credential %s (%s): PNG present %v", c.ID, c.Kind, badge)
			}
			if badge {
				if baked, err := issuer.ReadBakedPNG(png); err != nil || baked != c.Document {
					t.Errorf("the PNG of %s does not carry its credential: %v", c.ID, err)
				}
			}
		}
		if !kinds["signatory"] || !kinds["ambassador"] || !kinds["endorsement"] {
			t.Errorf("Bea holds %v: the fixture should give her badges and endorsements", kinds)
		}
		if len(files) != 1+len(creds)+len(creds)-countKind(creds, "endorsement") {
			t.Errorf("the ZIP holds %d files for %d credentials", len(files), len(creds))
		}

		// Once a minute.
		res, _ = download(t, bea)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Errorf("a second download at once: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
		}
		// Another member is not held back by Bea's download.
		if res, _ := download(t, site.member("kofi", "kofi@net.example")); res.StatusCode != http.StatusOK {
			t.Errorf("Kofi's download: %d", res.StatusCode)
		}
	})
}

// categories lists the categories of an account record's mail_off.
func categories(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, m := range list {
		out = append(out, m.(map[string]any)["category"].(string))
	}
	return out
}

func countKind(creds []models.Credential, kind string) int {
	n := 0
	for _, c := range creds {
		if c.Kind == kind {
			n++
		}
	}
	return n
}

// holds tells whether a section of data.json (one object or a list) holds rec; a credential's
// list of files is the download's own.
func holds(section any, rec map[string]any) bool {
	items, ok := section.([]any)
	if !ok {
		items = []any{section}
	}
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		c := map[string]any{}
		for k, v := range m {
			if k != "files" {
				c[k] = v
			}
		}
		if reflect.DeepEqual(c, rec) {
			return true
		}
	}
	return false
}
