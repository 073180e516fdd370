package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/open-recognition/registry/issuer"
)

// usageError makes the program exit with status 2 and a usage line.
type usageError struct{ msg, usage string }

func (e *usageError) Error() string { return e.msg }

// helpShown ends the program with status 0 after --help.
type helpShown struct{}

func (helpShown) Error() string { return "help shown" }

// options are the flags every command accepts (each also an environment variable) and the
// flags of individual commands.
type options struct {
	Addr, DB, BaseURL, Keys, Declarations, TrustedProxies, RateLimit, TileURL string
	AdvocateCapacities, AmbassadorCapacities                                  string
	IssuerEmail                                                               string
	SMTPURL, MailFrom, MailInterval                                           string
	DevLogin, ChangeBaseURL                                                   bool
	// serve
	MetricsAddr, MetricsToken string

	// import
	Source string
	// export
	Full   bool
	Output string
	// demo
	Signatories, Endorsements int
	RandomSeed                int64
	// tiers
	Verify string
}

type command struct {
	name, args, summary string
	flags               func(fs *flag.FlagSet, o *options)
	run                 func(ctx context.Context, env *environment, args []string) error
	nargs               int // exact number of arguments; -1 for none required
}

func commands() []*command {
	return []*command{
		{name: "serve", summary: "run the web application (the default); applies pending migrations first", flags: metricsFlags, run: cmdServe},
		{name: "import", args: "FILE", nargs: 1, summary: "load a JSONL file (- for standard input) in one transaction: all or nothing",
			flags: func(fs *flag.FlagSet, o *options) {
				fs.StringVar(&o.Source, "source", "", "source name for stable ids when the file has no header (default: the file's base name)")
			}, run: cmdImport},
		{name: "export", summary: "write the public open data as JSONL, or with --full the complete lossless dump",
			flags: func(fs *flag.FlagSet, o *options) {
				fs.BoolVar(&o.Full, "full", false, "complete, lossless dump (contains personal data)")
				fs.StringVar(&o.Output, "output", "-", "output file (- for standard output)")
				fs.StringVar(&o.Output, "o", "-", "shorthand for --output")
			}, run: cmdExport},
		{name: "demo", summary: "fill the database with realistic synthetic signatories and endorsements",
			flags: func(fs *flag.FlagSet, o *options) {
				fs.IntVar(&o.Signatories, "signatories", 0, "number of signatories (required)")
				fs.IntVar(&o.Endorsements, "endorsements", 0, "number of endorsements")
				fs.Int64Var(&o.RandomSeed, "random-seed", 1, "random seed: the same seed gives the same registry")
			}, run: cmdDemo},
		{name: "migrate", summary: "apply pending migrations and exit", run: cmdMigrate},
		{name: "backup", args: "FILE", nargs: 1, summary: "consistent online copy of the database (0600, integrity-checked) with the issuer keys beside it", run: cmdBackup},
		{name: "restore", args: "FILE", nargs: 1, summary: "replace the database with a backup (the server must be stopped)", run: cmdRestore},
		{name: "tiers", summary: "recompute the Advocate and Ambassador tiers now and print signatory N, advocate N, ambassador N; with --verify, check a published graph instead",
			flags: func(fs *flag.FlagSet, o *options) {
				fs.StringVar(&o.Verify, "verify", "", "URL|FILE: recompute every tier from a registry's published graph (its /api/v1/graph, a saved copy, or - for standard input) without any database, and list those that differ (exit 1 if any)")
			}, run: cmdTiers},
		{name: "keys", args: "rotate|rotate-root", nargs: 1, summary: "add a new issuer key (rotate) or root secret for endorsers' keys and salts (rotate-root) that signs from now on; older ones stay published", run: cmdKeys},
		{name: "admin", args: "grant|revoke EMAIL|ID", nargs: 2, summary: "grant or revoke the administrator role of an account (by e-mail or public id)", run: cmdAdmin},
	}
}

// globalFlags registers the flags every command takes, with defaults from the environment.
func globalFlags(fs *flag.FlagSet, o *options, getenv func(string) string) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&o.Addr, "addr", env("REGISTRY_ADDR", "127.0.0.1:8080"), "listen address (REGISTRY_ADDR)")
	fs.StringVar(&o.DB, "db", env("REGISTRY_DB", "data/registry.db"), "SQLite file, or a postgres:// URL (REGISTRY_DB)")
	fs.StringVar(&o.BaseURL, "base-url", env("REGISTRY_BASE_URL", "http://localhost:8080"), "public origin inside every credential (REGISTRY_BASE_URL)")
	fs.BoolVar(&o.DevLogin, "dev-login", getenv("REGISTRY_DEV_LOGIN") == "1", "development login form, loopback base URL and --addr only (REGISTRY_DEV_LOGIN=1)")
	fs.StringVar(&o.Keys, "keys", env("REGISTRY_KEYS", "data/keys"), "folder of the issuer signing keys (REGISTRY_KEYS)")
	fs.StringVar(&o.Declarations, "declarations", env("REGISTRY_DECLARATIONS", ""), "folder of declaration texts overriding the embedded ones (REGISTRY_DECLARATIONS)")
	fs.StringVar(&o.TrustedProxies, "trusted-proxies", env("REGISTRY_TRUSTED_PROXIES", ""), "comma-separated CIDRs allowed to set X-Forwarded-For (REGISTRY_TRUSTED_PROXIES)")
	fs.StringVar(&o.RateLimit, "rate-limit", env("REGISTRY_RATE_LIMIT", "20/s"), "requests per client: N/s or N/m, or off (REGISTRY_RATE_LIMIT)")
	fs.StringVar(&o.TileURL, "tile-url", env("REGISTRY_TILE_URL", ""), "map tile URL template; empty needs no tile server (REGISTRY_TILE_URL)")
	fs.StringVar(&o.AdvocateCapacities, "advocate-capacities", env("REGISTRY_ADVOCATE_CAPACITIES", ""), "Advocate capacity table, e.g. 200,20,5,2,1; empty: follows the size of the registry (REGISTRY_ADVOCATE_CAPACITIES)")
	fs.StringVar(&o.AmbassadorCapacities, "ambassador-capacities", env("REGISTRY_AMBASSADOR_CAPACITIES", ""), "Ambassador capacity table; empty: follows the size of the registry (REGISTRY_AMBASSADOR_CAPACITIES)")
	fs.StringVar(&o.IssuerEmail, "issuer-email", env("REGISTRY_ISSUER_EMAIL", ""), "the issuer's e-mail in badges and Open Badges 2.0 documents (default registry@ the base URL's host) (REGISTRY_ISSUER_EMAIL)")
	fs.StringVar(&o.SMTPURL, "smtp-url", env("REGISTRY_SMTP_URL", ""), "SMTP server for e-mail: smtp://user:password@host:587 (STARTTLS required unless the host is loopback) or smtps://…; empty: no e-mail is sent (REGISTRY_SMTP_URL)")
	fs.StringVar(&o.MailFrom, "mail-from", env("REGISTRY_MAIL_FROM", ""), "sender of the registry's e-mail (default registry@ the base URL's host) (REGISTRY_MAIL_FROM)")
	fs.StringVar(&o.MailInterval, "mail-interval", env("REGISTRY_MAIL_INTERVAL", "1h"), "least time between two messages to a member about one category; what comes meanwhile goes as one digest (REGISTRY_MAIL_INTERVAL)")
	fs.BoolVar(&o.ChangeBaseURL, "change-base-url", false, "accept a base URL that differs from the stored one (breaks earlier credential URLs)")
}

func usageLine(c *command) string {
	s := "usage: registry " + c.name
	if c.args != "" {
		s += " " + c.args
	}
	return s + " [flags]   (registry " + c.name + " --help for the flags)"
}

// parse reads args with flags before or after the command and its arguments.
func parse(args []string, getenv func(string) string, stderr io.Writer) (*command, *options, []string, error) {
	cmds := commands()
	// First pass: find the command, accepting any command's flags.
	all := flag.NewFlagSet("registry", flag.ContinueOnError)
	all.SetOutput(io.Discard)
	scratch := &options{}
	globalFlags(all, scratch, getenv)
	for _, c := range cmds {
		if c.flags != nil {
			c.flags(all, scratch)
		}
	}
	pos, err := interleaved(all, args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return nil, nil, nil, &usageError{msg: err.Error(), usage: generalUsage(cmds)}
	}
	name := "serve"
	if len(pos) > 0 {
		name = pos[0]
	} else if errors.Is(err, flag.ErrHelp) {
		// "registry --help import": the first pass stopped at --help; the command follows it.
		for _, a := range args {
			for _, c := range cmds {
				if a == c.name {
					name = a
					break
				}
			}
			if name != "serve" {
				break
			}
		}
	}
	var cmd *command
	for _, c := range cmds {
		if c.name == name {
			cmd = c
		}
	}
	if cmd == nil {
		return nil, nil, nil, &usageError{msg: fmt.Sprintf("unknown command %q", name), usage: generalUsage(cmds)}
	}
	// Second pass: only this command's flags.
	o := &options{}
	fs := flag.NewFlagSet("registry "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	globalFlags(fs, o, getenv)
	if cmd.flags != nil {
		cmd.flags(fs, o)
	}
	pos, err = interleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "registry %s: %s\n%s\n\nflags:\n", cmd.name, cmd.summary, usageLine(cmd))
		fs.PrintDefaults()
		if len(pos) == 0 || pos[0] != cmd.name {
			fmt.Fprintln(stderr, "\n"+generalUsage(cmds))
		}
		return nil, nil, nil, helpShown{}
	}
	if err != nil {
		return nil, nil, nil, &usageError{msg: err.Error(), usage: usageLine(cmd)}
	}
	if len(pos) > 0 && pos[0] == cmd.name {
		pos = pos[1:]
	}
	switch {
	case cmd.nargs == 0 && len(pos) > 0:
		return nil, nil, nil, &usageError{msg: fmt.Sprintf("%s takes no argument, found %q", cmd.name, pos[0]), usage: usageLine(cmd)}
	case cmd.nargs > 0 && len(pos) != cmd.nargs:
		if len(pos) < cmd.nargs {
			return nil, nil, nil, &usageError{msg: fmt.Sprintf("%s needs %s", cmd.name, cmd.args), usage: usageLine(cmd)}
		}
		return nil, nil, nil, &usageError{msg: fmt.Sprintf("unexpected argument %q", pos[cmd.nargs]), usage: usageLine(cmd)}
	}
	return cmd, o, pos, nil
}

// interleaved parses flags anywhere among the positional arguments; "--" ends the flags.
func interleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return pos, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func generalUsage(cmds []*command) string {
	var b strings.Builder
	b.WriteString("usage: registry [command] [arguments] [flags]\ncommands:\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "  %-8s %-5s %s\n", c.name, c.args, c.summary)
	}
	b.WriteString("flags may come before or after the command; registry COMMAND --help lists them")
	return b.String()
}

// rateLimit reads --rate-limit: "off", "N/s", "N/m" or a bare number per second.
func rateLimit(v string) (perSecond float64, burst int, err error) {
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "off" || v == "0" {
		return 0, 0, nil
	}
	unit := 1.0
	switch {
	case strings.HasSuffix(v, "/s"):
		v = strings.TrimSuffix(v, "/s")
	case strings.HasSuffix(v, "/m"):
		v, unit = strings.TrimSuffix(v, "/m"), 60
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 {
		return 0, 0, fmt.Errorf("--rate-limit: expected N/s, N/m or off")
	}
	perSecond = n / unit
	// Two seconds' worth of requests at once, whatever unit the limit was given in.
	burst = max(1, int(math.Ceil(perSecond*2)))
	return perSecond, burst, nil
}

// trustedProxies reads --trusted-proxies: comma-separated CIDRs (a bare IP means that host).
func trustedProxies(v string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			if ip := net.ParseIP(part); ip != nil {
				if ip.To4() != nil {
					part += "/32"
				} else {
					part += "/128"
				}
			}
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies: %q is not a CIDR such as 10.0.0.0/8", part)
		}
		out = append(out, n)
	}
	return out, nil
}

// mailInterval reads --mail-interval: a Go duration of a second or more.
func mailInterval(v string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < time.Second {
		return 0, fmt.Errorf("--mail-interval: %q is not a duration of a second or more, such as 1h or 30m", v)
	}
	return d, nil
}

// issuerEmail is the issuer's e-mail in credentials: the --issuer-email given, a bare address,
// or registry@ the host of the base URL.
func issuerEmail(v, baseURL string) (string, error) {
	if v == "" {
		return issuer.DefaultIssuerEmail(baseURL), nil
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return "", fmt.Errorf("--issuer-email %q is not an e-mail address (for example badges@registry.example.org)", v)
	}
	return v, nil
}
