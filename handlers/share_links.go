package handlers

import (
	"net/url"
	"strings"

	"github.com/open-recognition/registry/i18n"
)

// shareLink is one outbound link of a badge card: a network's own share page, opened by the
// person's browser. The registry itself never calls these hosts.
type shareLink struct{ Network, URL string }

// badgeShareLinks are the share pages of common networks and an e-mail, for a badge's
// verification page. Mastodon has no share page common to its instances, so it has none here:
// the copy button serves it.
func badgeShareLinks(l *i18n.Localizer, badgeName, pageURL string) []shareLink {
	text := l.T("share.text", badgeName)
	mail := url.Values{"subject": {l.T("share.email_subject", badgeName)}, "body": {text + "\n" + pageURL}}
	return []shareLink{
		{"LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + url.Values{"url": {pageURL}}.Encode()},
		{"Bluesky", "https://bsky.app/intent/compose?" + url.Values{"text": {text + " " + pageURL}}.Encode()},
		{"X", "https://x.com/intent/post?" + url.Values{"text": {text}, "url": {pageURL}}.Encode()},
		{"Facebook", "https://www.facebook.com/sharer/sharer.php?" + url.Values{"u": {pageURL}}.Encode()},
		// mailto: wants %20 for spaces (RFC 6068); "+" would stay a plus in many mail programs.
		{l.T("share.email"), "mailto:?" + strings.ReplaceAll(mail.Encode(), "+", "%20")},
	}
}
