package models

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
)

// Error codes of the registry's domain. The HTTP layer maps each to one status in one place.
const (
	EINVALID   = "invalid"   // bad input: 400
	ENOTFOUND  = "not_found" // no such thing: 404
	EGONE      = "gone"      // it existed and was withdrawn: 410
	ECONFLICT  = "conflict"  // it exists already or the state forbids it: 409
	EFORBIDDEN = "forbidden" // the caller may not do this: 403
	EINTERNAL  = "internal"  // anything else: 500, never shown in detail
)

// Error is a domain error: a code, a message a person can act on, and the field it is about.
// Message is English: the API, the command line and the logs say it as written. An error a
// person can meet on a page also names its words in the interface catalogue (Key, with the
// arguments its text takes), so that the page says it in the reader's language.
type Error struct {
	Code    string
	Message string
	Field   string
	Key     string
	Args    []any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Errorf builds a domain error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError builds an EINVALID error about one field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Says returns a copy of e that names key, and the arguments of its text, in the interface
// catalogue: the words that say Message in every language of the interface.
func (e Error) Says(key string, args ...any) *Error {
	e.Key, e.Args = key, args
	return &e
}

// ErrorCode returns the domain code of err, EINTERNAL when it has none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(fromDB(err), &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of a domain error; internal errors get a generic one so that
// database details never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(fromDB(err), &e) {
		return e.Message
	}
	return "internal error"
}

// errNoRow is what a lookup that found nothing becomes when its caller did not say better: a
// person who sends an unknown id made a mistake, not the server.
var errNoRow = &Error{Code: ENOTFOUND, Message: "nothing here has this id: it may have been removed, or the address is wrong"}

// fromDB turns constraint violations of either engine, a lookup that found nothing and a value
// the database cannot hold into domain errors; other errors pass through.
func fromDB(err error) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errNoRow
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		switch se.ExtendedCode {
		case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey:
			if msg, ok := uniqueMessages[constraintName(se.Error())]; ok {
				return &Error{Code: ECONFLICT, Message: msg}
			}
			return &Error{Code: ECONFLICT, Message: "already exists (" + constraintName(se.Error()) + ")"}
		case sqlite3.ErrConstraintForeignKey:
			return &Error{Code: EINVALID, Message: "refers to something that does not exist"}
		default:
			return &Error{Code: EINVALID, Message: "violates a rule of the registry (" + constraintName(se.Error()) + ")"}
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			if msg, ok := uniqueMessages[pe.ConstraintName]; ok {
				return &Error{Code: ECONFLICT, Message: msg}
			}
			return &Error{Code: ECONFLICT, Message: "already exists (" + pe.ConstraintName + ")"}
		case "23503":
			return &Error{Code: EINVALID, Message: "refers to something that does not exist"}
		case "23514":
			return &Error{Code: EINVALID, Message: "violates a rule of the registry (" + pe.ConstraintName + ")"}
		case "23502":
			return &Error{Code: EINVALID, Field: pe.ColumnName, Message: "is required"}
		}
		// Class 22, data exceptions: a value out of range (a timestamp past year 294276, a
		// number too large) or malformed for its column. Inputs are validated before they reach
		// the database; this keeps one that slipped through a 400, not a 500.
		if strings.HasPrefix(pe.Code, "22") {
			return &Error{Code: EINVALID, Field: pe.ColumnName, Message: "holds a value out of range or malformed"}
		}
	}
	return err
}

// uniqueMessages says in words what some unique constraints mean, by their PostgreSQL name and
// by what SQLite reports (the columns, or the name of an index on an expression).
var uniqueMessages = map[string]string{
	"credentials_one_live":                       "this signatory already holds a valid badge of this kind",
	"credentials.signatory_id, credentials.kind": "this signatory already holds a valid badge of this kind",
	"credentials_one_live_endorsement":           "this endorsement already has a valid credential",
	"credentials.endorsement_id":                 "this endorsement already has a valid credential",
	"issuance_outbox_one_open":                   "this badge is already waiting to be issued or revoked",
	"index 'issuance_outbox_one_open'":           "this badge is already waiting to be issued or revoked",
}

// constraintName keeps the part of an SQLite constraint message after the colon: the column list.
func constraintName(msg string) string {
	if i := strings.Index(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// Check maps a database error to a domain error; it is how callers outside this package see
// a constraint the schema enforced.
func Check(err error) error { return fromDB(err) }
