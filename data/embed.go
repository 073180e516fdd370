// Package data holds the texts and reference data embedded in the binary. At run time the same
// folder also holds the SQLite database and the issuer keys, which are never embedded.
package data

import "embed"

// Declarations holds the declaration texts: declarations/<version>/<lang>.md.
//
//go:embed declarations
var Declarations embed.FS

// FreeMail lists the registrable domains of free e-mail services, one a line ('#' starts a
// comment): an address there says nothing about which organisation one speaks for.
//
//go:embed freemail.txt
var FreeMail string
