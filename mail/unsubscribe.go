package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
)

// UnsubscribePath is where a message's one-click unsubscribe link leads.
const UnsubscribePath = "/mail/unsubscribe"

// UnsubscribeToken signs (member, category) with the registry's secret, so that an unsubscribe
// link turns off only the category it was sent for, for only the member it was sent to, and
// cannot be made up for anyone else: HMAC-SHA256 of accountPublicID|category, base64url
// without padding.
func UnsubscribeToken(secret []byte, accountPublicID, category string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(accountPublicID + "|" + category))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// VerifyUnsubscribe tells whether token is the one UnsubscribeToken gives. Without a secret no
// token verifies: an empty key would let anyone compute every link.
func VerifyUnsubscribe(secret []byte, accountPublicID, category, token string) bool {
	if len(secret) == 0 || accountPublicID == "" || category == "" {
		return false
	}
	want := UnsubscribeToken(secret, accountPublicID, category)
	return hmac.Equal([]byte(want), []byte(token))
}

// UnsubscribeURL is the one-click unsubscribe link of a category for a member, under baseURL.
func UnsubscribeURL(baseURL string, secret []byte, accountPublicID, category string) string {
	q := url.Values{"a": {accountPublicID}, "c": {category}, "t": {UnsubscribeToken(secret, accountPublicID, category)}}
	return baseURL + UnsubscribePath + "?" + q.Encode()
}
