// Package mail writes and sends the registry's e-mail: a message per notification, or a digest
// of several, in the member's language, as plain text and simple HTML, with one-click
// unsubscribe (RFC 8058). What is sent and when is decided by the outbox (the notifications'
// mail column and the mail.notify job); this package only writes a message and hands it to an
// SMTP server.
package mail

import (
	"context"

	"github.com/open-recognition/registry/models"
)

// Message is one e-mail, ready to send.
type Message struct {
	// To is the address, ToName the name it is written to.
	To, ToName string
	Subject    string
	// Text and HTML are the two alternative bodies.
	Text, HTML string
	// MessageID is the message's id, without angle brackets. A message sent again after a
	// crash carries the same one, so that mail systems see one message.
	MessageID string
	// Unsubscribe is the one-click unsubscribe URL (RFC 8058: List-Unsubscribe and
	// List-Unsubscribe-Post); empty for mail that cannot be turned off.
	Unsubscribe string
	// Lang is the language the message is written in (Content-Language).
	Lang string
}

// Sender hands a message to an SMTP server. An error means the server did not accept it.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Letter is what one message is about: one member, one category, and the notifications it
// tells (one, or several for a digest). For the account.deleted confirmation, Notifications
// is empty and Deleted is set.
type Letter struct {
	AccountID int64
	// AccountPublicID names the member in the message's unsubscribe link (never the internal id).
	AccountPublicID string
	// Email, Name and Lang are the member's address, name and language.
	Email, Name, Lang string
	Category          string
	Notifications     []models.NotificationRow
	Deleted           bool
	// MessageID is the id the message is to carry.
	MessageID string
}

// Composer writes the message for a letter, in the letter's language.
type Composer interface {
	Write(l Letter) (Message, error)
}
