package main

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress draws a bar on stderr when it is a terminal and stays silent otherwise, so that
// scripts and logs get only the final summary line.
type progress struct {
	bar *progressbar.ProgressBar
}

func newProgress(w io.Writer, total int64, what string) *progress {
	if !isTerminal(w) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("records"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	)}
}

// set moves the bar to done.
func (p *progress) set(done int64) {
	if p.bar != nil {
		_ = p.bar.Set64(done)
	}
}

// describe starts a new phase with its own total.
func (p *progress) describe(what string, total int64) {
	if p.bar != nil {
		p.bar.Reset()
		p.bar.ChangeMax64(total)
		p.bar.Describe(what)
	}
}

// describeOnce sets the total the first time it is known.
func (p *progress) describeOnce(total int64) {
	if p.bar != nil && p.bar.GetMax64() != total {
		p.bar.ChangeMax64(total)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
