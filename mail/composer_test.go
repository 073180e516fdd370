package mail_test

import (
	"fmt"
	"strings"

	"github.com/open-recognition/registry/mail"
)

// testComposer writes a bare message from a letter, for the outbox tests: the assertions that
// do not depend on wording (count, Message-ID, recipient, headers) hold with any composer.
type testComposer struct{}

func (testComposer) Write(l mail.Letter) (mail.Message, error) {
	m := mail.Message{To: l.Email, ToName: l.Name, MessageID: l.MessageID, Lang: l.Lang}
	if l.Deleted {
		m.Subject, m.Text, m.HTML = "account deleted", "Your account was deleted.\n", "<p>Your account was deleted.</p>"
		return m, nil
	}
	var lines []string
	for _, n := range l.Notifications {
		lines = append(lines, fmt.Sprintf("notification %d %s", n.ID, n.Kind))
	}
	m.Subject = fmt.Sprintf("%s: %d", l.Category, len(l.Notifications))
	m.Text = strings.Join(lines, "\n") + "\n"
	m.HTML = "<p>" + strings.Join(lines, "</p><p>") + "</p>"
	m.Unsubscribe = "https://registry.example.org/mail/unsubscribe/" + l.Category
	return m, nil
}
