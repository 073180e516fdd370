// Package trustgraph owns the published endorsement graph: everything the tier computation
// reads, without a private field, so that anyone can compute every tier again and compare. The
// registry serves it at GET /api/v1/graph; `registry tiers --verify URL|FILE` checks it.
//
// The format is JSON Lines, one object per line, its kind in "type":
//
//		{"type":"header","format":"registry-graph","version":1,"graph_version":"42","tiers_current":true,
//		 "capacities":{"advocate":[256,5,2,1],"ambassador":[256,5,2,1]},"sizes":{"advocate":64,"ambassador":64},
//		 "lifted":{"advocate":12,"ambassador":4},"generated_at":"2025-01-01T10:00:00Z"}
//		{"type":"signatory","id":"0b9c…","tier":"ambassador","seed":true}
//		{"type":"signatory","id":"4f1e…","tier":"advocate"}
//		{"type":"endorsement","from":"0b9c…","to":"4f1e…","level":"advocate","created_at":"2024-02-01T10:00:00.123Z"}
//		{"type":"end","signatories":2,"endorsements":1}
//
//	  - the header comes first. graph_version is the version of the graph the lines describe;
//	    tiers_current says whether the published tiers were computed from exactly that graph
//	    (false while a recomputation is pending: check again a few seconds later). capacities are
//	    the tables the latest computation used, sizes the registry sizes they were scaled to (0
//	    for a table the operator set), lifted what that computation lifted (the size the next
//	    one's schedule follows).
//	  - one signatory line for every active, listed signatory, in order of public id: its id, its
//	    published tier, and "seed":true for a founding Ambassador. Nothing else: no name, e-mail
//	    or date.
//	  - one endorsement line for every endorsement that counts: made and neither declined nor
//	    withdrawn, between two listed signatories. Endorsements count from the moment they are
//	    made, so the graph includes those the endorsee has not accepted yet; whether one is
//	    accepted is not published. created_at carries the milliseconds the computation orders
//	    by; the lines come in the computation's order: creation time, then the endorser's and the
//	    endorsee's public ids.
//	  - the last line, "end", counts the lines before it: a graph without it was cut short.
//
// Tiers follow from this alone, by the rule of the registry's trust.md: one capacity-constrained
// flow per tier from the founding Ambassadors, with the capacities of the header (Verify).
package trustgraph

import "github.com/open-recognition/registry/trust"

// Format and Version name the format in the header.
const (
	Format  = "registry-graph"
	Version = 1
)

// ContentType is the media type the registry serves the graph with.
const ContentType = "application/x-ndjson; charset=utf-8"

// TimeLayout writes creation times in UTC with exactly milliseconds, the precision the
// computation orders by.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Header is the first line: which graph, and the capacities that were applied to it.
type Header struct {
	Type         string       `json:"type"`
	Format       string       `json:"format"`
	Version      int          `json:"version"`
	GraphVersion string       `json:"graph_version"`
	TiersCurrent bool         `json:"tiers_current"`
	Capacities   Capacities   `json:"capacities"`
	Sizes        Sizes        `json:"sizes"`
	Lifted       trust.Lifted `json:"lifted"`
	GeneratedAt  string       `json:"generated_at"`
}

// Capacities are the capacity tables of both runs: the capacity of a member at distance d from
// the founding Ambassadors is table[d-1], the last entry past the end.
type Capacities struct {
	Advocate   []int `json:"advocate"`
	Ambassador []int `json:"ambassador"`
}

// Sizes are the registry sizes the tables were scaled to; 0 for a table given explicitly.
type Sizes struct {
	Advocate   int `json:"advocate"`
	Ambassador int `json:"ambassador"`
}

// Signatory is an active, listed signatory and the tier the registry gives it.
type Signatory struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Tier string `json:"tier"`
	Seed bool   `json:"seed,omitempty"`
}

// Endorsement is an edge that counts, From → To.
type Endorsement struct {
	Type      string `json:"type"`
	From      string `json:"from"`
	To        string `json:"to"`
	Level     string `json:"level"`
	CreatedAt string `json:"created_at"`
}

// End is the last line: how many signatories and endorsements came before it.
type End struct {
	Type         string `json:"type"`
	Signatories  int    `json:"signatories"`
	Endorsements int    `json:"endorsements"`
}

// tiers are the names of the tiers, as published.
var tiers = map[string]trust.Tier{"signatory": trust.Signatory, "advocate": trust.Advocate, "ambassador": trust.Ambassador}

// levels are the names of the endorsement levels.
var levels = map[string]trust.Level{"advocate": trust.LevelAdvocate, "ambassador": trust.LevelAmbassador}
