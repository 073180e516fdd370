package issuer

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"

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
	// contexts holds each top-level @context already processed. Processing the Open Badges
	// context costs as much as the rest of a canonicalization; the same few lists of context
	// URLs come back for every credential.
	mu       sync.Mutex
	contexts map[string]*ld.Context
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
	return &canonicalizer{proc: ld.NewJsonLdProcessor(), opts: opts, contexts: map[string]*ld.Context{}}, nil
}

// canonical returns the canonical N-Quads of doc (a map as json.Unmarshal makes it). It does
// what the processor's Normalize does (expand, to RDF, URDNA2015), with the document's
// top-level context processed once and reused.
func (c *canonicalizer) canonical(doc map[string]any) (string, error) {
	ctxJSON, err := json.Marshal(doc["@context"])
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	active, ok := c.contexts[string(ctxJSON)]
	c.mu.Unlock()
	if !ok {
		if active, err = ld.NewContext(nil, c.opts).Parse(doc["@context"]); err != nil {
			return "", err
		}
		c.mu.Lock()
		c.contexts[string(ctxJSON)] = active
		c.mu.Unlock()
	}
	body := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "@context" {
			body[k] = v
		}
	}
	api := ld.NewJsonLdApi()
	expanded, err := api.Expand(active, "", body, c.opts, false, nil)
	if err != nil {
		return "", err
	}
	// The last steps of the expansion algorithm, as the processor takes them.
	if m, isMap := expanded.(map[string]any); isMap {
		if g, hasGraph := m["@graph"]; hasGraph && len(m) == 1 {
			expanded = g
		} else if len(m) == 0 {
			expanded = nil
		}
	}
	list, isList := expanded.([]any)
	if !isList {
		list = []any{}
		if expanded != nil {
			list = []any{expanded}
		}
	}
	toRDF := ld.NewJsonLdOptions("")
	toRDF.DocumentLoader = c.opts.DocumentLoader
	dataset, err := api.ToRDF(list, toRDF)
	if err != nil {
		return "", err
	}
	out, err := api.Normalize(dataset, c.opts)
	if err != nil {
		return "", err
	}
	s, ok := out.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("canonicalization gave no statements: the document uses no term its contexts define")
	}
	return s, nil
}

// reference canonicalizes with the processor alone, without any reuse (tests compare).
func (c *canonicalizer) reference(doc map[string]any) (string, error) {
	out, err := c.proc.Normalize(doc, c.opts)
	if err != nil {
		return "", err
	}
	s, _ := out.(string)
	return s, nil
}
