package demo

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

func TestDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f, _ := os.Create("/tmp/sigs.jsonl")
	g, _ := os.Create("/tmp/ends.jsonl")
	ef := json.NewEncoder(f)
	eg := json.NewEncoder(g)
	Generate(Config{Signatories: 100000, Endorsements: 1000000, Seed: 42, Now: now},
		func(i int, s Signatory) error { return ef.Encode(s) },
		func(e Endorsement) error { return eg.Encode(e) })
	f.Close()
	g.Close()
}
