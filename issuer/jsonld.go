package issuer

import (
	"embed"
	"encoding/json"
	"fmt"

	"github.com/piprate/json-gold/ld"
)

// The JSON-LD contexts of what the registry signs, embedded: canonicalizing a credential never
// fetches anything, so signing works offline and cannot be changed by whoever serves a context.
//
//go:embed contexts/*
var contextFiles embed.FS

var contextURLs = map[string]string{
	"https://www.w3.org/ns/credentials/v2":                       "contexts/credentials-v2.jsonld",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "contexts/ob-context-3.0.3.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/extensions.json":    "contexts/ob-extensions.json",
	"https://w3id.org/security/data-integrity/v2":                "contexts/data-integrity-v2.jsonld",
	"https://www.w3.org/ns/did/v1":                               "contexts/did-v1.jsonld",
}

// Context URLs of the registry's credentials.
const (
	ContextVC2        = "https://www.w3.org/ns/credentials/v2"
	ContextOB3        = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	ContextExtensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
)

// embeddedLoader serves the embedded contexts and refuses every other URL.
type embeddedLoader struct{ docs map[string]any }

func newLoader() (*embeddedLoader, error) {
	l := &embeddedLoader{docs: map[string]any{}}
	for u, file := range contextURLs {
		b, err := contextFiles.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("context %s: %w", file, err)
		}
		l.docs[u] = doc
	}
	return l, nil
}

func (l *embeddedLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := l.docs[u]
	if !ok {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, fmt.Sprintf("context %s is not embedded in the registry, and contexts are never fetched", u))
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// canonicalizer turns a JSON-LD document into RDFC-1.0 (URDNA2015) canonical N-Quads.
type canonicalizer struct {
	proc *ld.JsonLdProcessor
	opts *ld.JsonLdOptions
}

func newCanonicalizer() (*canonicalizer, error) {
	l, err := newLoader()
	if err != nil {
		return nil, err
	}
	opts := ld.NewJsonLdOptions("")
	opts.Format = "application/n-quads"
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.DocumentLoader = l
	// Safe mode: a term no context defines is an error, not silently dropped from what is signed.
	opts.SafeMode = true
	return &canonicalizer{proc: ld.NewJsonLdProcessor(), opts: opts}, nil
}

// canonical returns the canonical N-Quads of doc (a map as json.Unmarshal makes it).
func (c *canonicalizer) canonical(doc map[string]any) (string, error) {
	out, err := c.proc.Normalize(doc, c.opts)
	if err != nil {
		return "", err
	}
	s, ok := out.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("canonicalization gave no statements: the document uses no term its contexts define")
	}
	return s, nil
}
