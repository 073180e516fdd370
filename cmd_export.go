package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/open-recognition/registry/records"
)

func cmdExport(ctx context.Context, env *environment, _ []string) error {
	store, err := openExistingStore(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	bar := newProgress(env.stderr, -1, "exporting")
	x := records.Exporter{Store: store, Source: env.opts.BaseURL, Full: env.opts.Full,
		Progress: func(done, total int64) { bar.describeOnce(total); bar.set(done) }}

	if env.opts.Output == "-" || env.opts.Output == "" {
		err := x.Export(ctx, env.stdout)
		bar.finish()
		return err
	}
	// Write beside the target and rename, so that a failed export never leaves half a file.
	// A full dump holds e-mail addresses: only its owner may read it.
	mode := os.FileMode(0o644)
	if env.opts.Full {
		mode = 0o600
	}
	out := env.opts.Output
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := writeAndSync(ctx, x, tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("export: %w", err)
	}
	bar.finish()
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(env.stderr, "exported to %s\n", out)
	return nil
}

func writeAndSync(ctx context.Context, x records.Exporter, f *os.File) error {
	if err := x.Export(ctx, io.Writer(f)); err != nil {
		return err
	}
	return f.Sync()
}
