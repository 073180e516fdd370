// Package data holds the texts and reference data embedded in the binary. At run time the same
// folder also holds the SQLite database and the issuer keys, which are never embedded.
package data

import "embed"

// Declarations holds the declaration texts: declarations/<version>/<lang>.md.
//
//go:embed declarations
var Declarations embed.FS
