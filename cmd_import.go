package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/open-recognition/registry/models"
	"github.com/open-recognition/registry/records"
)

func cmdImport(ctx context.Context, env *environment, args []string) error {
	path := args[0]
	var in io.Reader
	var size int64
	source := env.opts.Source
	if path == "-" {
		in = env.stdin
		if source == "" {
			source = "stdin"
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		in = f
		if source == "" {
			source = filepath.Base(path)
		}
	}
	started := time.Now()
	store, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()

	bar := newProgress(env.stderr, size, "reading")
	set, err := records.Parser{Source: source, Progress: func(read int64) { bar.set(read) }}.Parse(in)
	if err != nil {
		bar.finish()
		return err
	}
	total := len(set.Signatories) + len(set.Endorsements) + len(set.Seeds)
	bar.describe("importing", int64(total))
	res, err := store.Import(ctx, set, func(done, _ int) { bar.set(int64(done)) })
	bar.finish()
	if err != nil {
		return err
	}
	elapsed := time.Since(started)
	fmt.Fprintf(env.stdout, "imported %d signatories, %d endorsements, %d seeds from %q (%d records already present) in %s, %.0f records/s\n",
		res.Signatories, res.Endorsements, res.Seeds, set.Source, res.Present, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	return nil
}

// describeImportError keeps "line N: reason" exactly as the contract shows it.
func describeImportError(err error) (string, bool) {
	if ie, ok := err.(*models.ImportError); ok {
		return ie.Error(), true
	}
	return "", false
}
