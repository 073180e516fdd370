package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/open-recognition/registry/trust"
	"github.com/open-recognition/registry/trustgraph"
)

// graphPath is where a registry publishes its graph.
const graphPath = "/api/v1/graph"

// graphFetchTimeout bounds a whole download; a registry of a million endorsements sends about
// 20 MB gzipped.
const graphFetchTimeout = 10 * time.Minute

// tiersDiffer ends `tiers --verify` with status 1: some published tier is not the recomputed one.
type tiersDiffer struct{ msg string }

func (e *tiersDiffer) Error() string { return e.msg }

// cmdTiersVerify recomputes every tier from a published graph alone, and prints each signatory
// whose published tier differs, then a summary. It needs no database: anyone can run it
// against any registry.
func cmdTiersVerify(ctx context.Context, env *environment, source string) error {
	body, name, err := openGraph(ctx, source, env.stdin)
	if err != nil {
		return err
	}
	defer body.Close()
	rep, err := trustgraph.Verify(body)
	if err != nil {
		// "graph.jsonl: line 7: …", the reader's errors naming the line.
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, d := range rep.Differences {
		fmt.Fprintf(env.stdout, "%s: published %s, recomputed %s\n", d.ID, d.Published, d.Recomputed)
	}
	r := rep.Recomputed
	checked := fmt.Sprintf("%d signatories and %d endorsements of graph version %s (recomputed: signatory %d, advocate %d, ambassador %d)",
		rep.Signatories, rep.Endorsements, rep.Header.GraphVersion, r[trust.Signatory], r[trust.Advocate], r[trust.Ambassador])
	if rep.Agrees() {
		fmt.Fprintf(env.stdout, "every published tier agrees with the recomputation: %s\n", checked)
		if !rep.Header.TiersCurrent {
			fmt.Fprintln(env.stdout, "the registry was recomputing its tiers when it published this graph; they agree nonetheless")
		}
		return nil
	}
	fmt.Fprintf(env.stdout, "%d of %d published tiers differ from the recomputation: %s\n", len(rep.Differences), rep.Signatories, checked)
	msg := fmt.Sprintf("%d published tiers differ from the recomputation of %s", len(rep.Differences), name)
	if !rep.Header.TiersCurrent {
		msg += "; the registry was recomputing its tiers when it published this graph (tiers_current false): run the check again in a few seconds"
	}
	return &tiersDiffer{msg: msg}
}

// openGraph opens a published graph: an http(s) URL (a registry's address alone means its
// graph), - for standard input, or a file. It returns the name to put in messages.
func openGraph(ctx context.Context, source string, stdin io.Reader) (io.ReadCloser, string, error) {
	if source == "-" {
		return io.NopCloser(stdin), "standard input", nil
	}
	if !strings.HasPrefix(source, "http://") && !strings.HasPrefix(source, "https://") {
		f, err := os.Open(source)
		if err != nil {
			return nil, "", fmt.Errorf("--verify: %w", err)
		}
		return f, source, nil
	}
	u, err := url.Parse(source)
	if err != nil || u.Host == "" {
		return nil, "", fmt.Errorf("--verify: %q is not a URL such as https://registry.example.org%s", source, graphPath)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = graphPath
	}
	name := u.String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, name, nil)
	if err != nil {
		return nil, "", fmt.Errorf("--verify %s: %w", name, err)
	}
	req.Header.Set("Accept", trustgraph.ContentType)
	req.Header.Set("User-Agent", "registry-tiers-verify/1")
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.ResponseHeaderTimeout = time.Minute
	client := &http.Client{Timeout: graphFetchTimeout, Transport: transport}
	resp, err := client.Do(req)
	// A registry busy sending its graph to others says when to come back (Retry-After): up to
	// three times, as long as it asks for at most half a minute.
	for try := 1; err == nil && resp.StatusCode == http.StatusServiceUnavailable && try <= 3; try++ {
		wait, perr := strconv.Atoi(resp.Header.Get("Retry-After"))
		if perr != nil || wait < 0 || wait > 30 {
			break
		}
		resp.Body.Close()
		select {
		case <-ctx.Done():
			return nil, "", ctx.Err()
		case <-time.After(time.Duration(wait) * time.Second):
		}
		resp, err = client.Do(req)
	}
	if err != nil {
		return nil, "", fmt.Errorf("fetching the graph at %s: %w", name, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, "", fmt.Errorf("fetching the graph at %s: the server answered %s, expected 200 and the registry's graph (its %s)", name, resp.Status, graphPath)
	}
	return resp.Body, name, nil
}
