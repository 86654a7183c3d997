package cli

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ospo/internal/access"
	"ospo/internal/demo"
	"ospo/internal/jobs"
	"ospo/internal/notify"
	"ospo/internal/policy"
	"ospo/internal/portfolio"
	"ospo/internal/repocheck/monitor"
	"ospo/internal/risk"
	"ospo/internal/store"
	"ospo/internal/vuln"
	"ospo/internal/vuln/db"
	"ospo/internal/web"
)

// serveOptions are serve's flags.
type serveOptions struct {
	dbf     dbFlag
	addr    string
	demo    bool
	judge   judgeFlags
	workers int
	// grace is how long running jobs may take to finish on shutdown.
	grace time.Duration
	// rescueAfter is when a running job counts as lost, as worker's
	// (0: jobs.DefaultRescueAfter).
	rescueAfter time.Duration
	webhook     string
	publicURL   string
	// trustedProxies are the --trusted-proxy values.
	trustedProxies []string
	admin          string
	oidc           access.OIDCConfig
	oidcRole       string
	oidcDomain     []string
}

func newServeCmd(e *env) *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the portal: the organisation's inventory, where-used, risk and the REST API",
		Long: `serve runs ospo's portal and REST API (/api/v1, described at
/api/v1/openapi.json) on ospo's database: a SQLite file by default (no set-up),
or PostgreSQL with --db postgres://…. Scans queued from the portal run in
this process (--workers); on PostgreSQL, ospo worker processes on other
machines share the queue (give every process the same --rescue-after). When
interrupted, the portal takes no new job and lets the running ones finish for
up to --grace.

On first start, when the database has no account yet, an admin account is
created and its password printed once (set it with OSPO_ADMIN_PASSWORD).

--demo starts on a separate demo database (ospo-demo.db beside the default
one, unless --db is given) holding a small organisation of real projects,
scanned for real; the sign-in page shows the demo account.

The portal listens on loopback unless --addr says otherwise. Behind HTTPS,
give --public-url https://… so that cookies are marked Secure.`,
		Example: `  ospo serve --demo
  ospo serve --addr 127.0.0.1:8080 --policy .ospo.yaml --webhook "$SLACK_WEBHOOK"
  ospo serve --db postgres://ospo@db.internal/ospo --workers 0 --public-url https://ospo.example.org`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.rescueAfter <= 0 {
				return usageError{fmt.Errorf("--rescue-after must be positive, not %s", o.rescueAfter)}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return serve(ctx, e, o, nil)
		},
	}
	fl := cmd.Flags()
	o.dbf.register(fl)
	fl.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT)")
	fl.BoolVar(&o.demo, "demo", false, "start with a demo organisation of real projects (on a separate database unless --db is given)")
	o.judge.register(fl, "the portal's scan jobs (and shown on its policy page)")
	fl.IntVar(&o.workers, "workers", 2, "jobs run at once in this process (0: only enqueue, for ospo worker processes on PostgreSQL)")
	fl.DurationVar(&o.grace, "grace", time.Minute, "on interrupt, how long the jobs running in this process may take to finish before they are cancelled")
	fl.DurationVar(&o.rescueAfter, "rescue-after", jobs.DefaultRescueAfter, "how long a job may run before it counts as lost with its worker and is run again; must be the same in every process on the database")
	fl.StringVar(&o.webhook, "webhook", "", "Slack-compatible webhook told of newly denied components, new critical vulnerabilities and health drops (default $OSPO_WEBHOOK)")
	fl.StringVar(&o.publicURL, "public-url", "", "the portal's address as users reach it, for links in notifications; https:// marks cookies Secure")
	fl.StringVar(&o.admin, "admin", "admin", "name of the admin account created on first start")
	fl.StringVar(&o.oidc.Issuer, "oidc-issuer", "", "OpenID Connect issuer URL: enables single sign-on")
	fl.StringVar(&o.oidc.ClientID, "oidc-client-id", "", "OpenID Connect client id")
	fl.StringVar(&o.oidcRole, "oidc-role", "viewer", "role of accounts created at their first single sign-on")
	fl.StringSliceVar(&o.oidcDomain, "oidc-domain", nil, "e-mail domains allowed to sign on (default: any)")
	fl.StringSliceVar(&o.trustedProxies, "trusted-proxy", nil, "reverse proxy address or CIDR block whose X-Forwarded-For names the client, for sign-in limits and logs (repeatable)")
	return cmd
}

// serve runs the portal until ctx ends. ready, when set, receives the
// address listened on (tests).
func serve(ctx context.Context, e *env, o serveOptions, ready chan<- string) error {
	loc, err := o.dbf.location()
	if err != nil {
		return err
	}
	if o.demo && o.dbf.path == "" {
		loc = filepath.Join(filepath.Dir(loc), "ospo-demo.db")
	}
	if o.webhook == "" {
		o.webhook = os.Getenv("OSPO_WEBHOOK")
	}
	pol, rcfg, err := o.judge.load()
	if err != nil {
		return err
	}
	proxies, err := web.ParseTrustedProxies(o.trustedProxies)
	if err != nil {
		return usageError{err}
	}
	st, err := store.Open(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	pf := newPortfolio(st, rcfg)
	acc := access.New(st)

	var hint *web.DemoHint
	if o.demo {
		if hint, err = seedDemo(ctx, e, pf, acc, loc, pol); err != nil {
			return err
		}
	} else if err := firstAdmin(ctx, e, acc, o.admin); err != nil {
		return err
	}

	var vulns vuln.Source = db.New(st)
	onDelta := func(ctx context.Context, d portfolio.Delta) {
		if o.webhook == "" || d.Empty() {
			return
		}
		if err := notify.Delta(ctx, o.webhook, o.publicURL, d, nil); err != nil {
			log.Warn("notification not delivered", "project", d.Project.Name, "error", err)
		}
	}
	q, err := jobs.Open(ctx, st, jobs.Config{Workers: o.workers, Portfolio: pf, Policy: pol, Vulns: vulns,
		RescueAfter: o.rescueAfter, OnDelta: onDelta, Logger: log, Version: version()})
	if err != nil {
		return err
	}
	if o.workers > 0 {
		// The interrupt that ends ctx does not end the running jobs: on
		// the way out they get --grace to finish, then are cancelled and
		// tried again later.
		if err := q.Start(ctx); err != nil {
			return err
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.grace)
			defer cancel()
			if err := q.Stop(sctx); err != nil {
				log.Warn("job queue not stopped cleanly", "error", err)
			}
		}()
	}

	var oidc *access.OIDC
	if o.oidc.Issuer != "" {
		o.oidc.ClientSecret = os.Getenv("OSPO_OIDC_CLIENT_SECRET")
		if o.oidc.ClientID == "" || o.oidc.ClientSecret == "" || o.publicURL == "" {
			return usageError{errors.New("--oidc-issuer needs --oidc-client-id, OSPO_OIDC_CLIENT_SECRET and --public-url")}
		}
		o.oidc.RedirectURL = strings.TrimRight(o.publicURL, "/") + "/auth/oidc/callback"
		if o.oidc.DefaultRole, err = access.ParseRole(o.oidcRole); err != nil {
			return usageError{err}
		}
		o.oidc.AllowedDomains = o.oidcDomain
		if oidc, err = access.NewOIDC(ctx, o.oidc); err != nil {
			return err
		}
	}
	srv, err := web.New(web.Config{Portfolio: pf, Access: acc, Limiter: access.NewLimiter(), TrustedProxies: proxies, Store: st, Policy: pol, PolicyPath: o.judge.policyFile,
		OIDC: oidc, Jobs: jobAdapter{q: q, pf: pf}, Vulns: vulns, Demo: hint, SecureCookies: strings.HasPrefix(o.publicURL, "https://"),
		Version: version(), Logger: log, OnDelta: onDelta})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(e.stderr, "ospo portal on http://%s (database %s)\n", ln.Addr(), store.RedactDSN(loc))
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

// firstAdmin creates the admin account when there is none yet, with the
// password OSPO_ADMIN_PASSWORD gives or a random one printed once.
func firstAdmin(ctx context.Context, e *env, acc *access.Service, name string) error {
	pw := os.Getenv("OSPO_ADMIN_PASSWORD")
	random := pw == ""
	if random {
		pw = randomPassword()
	}
	created, err := acc.EnsureAdmin(ctx, name, pw)
	if err != nil {
		return err
	}
	if created && random {
		fmt.Fprintf(e.stderr, "created the admin account %q with password %s (shown once; change it after signing in)\n", name, pw)
	}
	return nil
}

// seedDemo fills the demo database on its first start and returns the
// account shown on the sign-in page. Its password is kept beside the
// database, readable by the user only.
func seedDemo(ctx context.Context, e *env, pf *portfolio.Portfolio, acc *access.Service, loc string, pol *policy.Policy) (*web.DemoHint, error) {
	if store.IsPostgres(loc) {
		return nil, usageError{errors.New("--demo runs on a SQLite file; give --db a file path or leave it out")}
	}
	pwFile := loc + ".demo-password"
	hint := &web.DemoHint{User: "admin"}
	b, err := os.ReadFile(pwFile)
	stored := err == nil
	switch {
	case stored:
		hint.Password = strings.TrimSpace(string(b))
	case errors.Is(err, fs.ErrNotExist):
		hint.Password = randomPassword()
	default:
		return nil, fmt.Errorf("demo password: %w", err)
	}
	// Also with a stored password: the database may be new (deleted
	// while the password file was kept), and the sign-in page must not
	// show an account that is not there.
	if _, err := acc.EnsureAdmin(ctx, hint.User, hint.Password); err != nil {
		return nil, fmt.Errorf("demo account (password in %s): %w", pwFile, err)
	}
	if !stored {
		if err := os.WriteFile(pwFile, []byte(hint.Password+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("demo password: %w", err)
		}
	}
	fmt.Fprintln(e.stderr, "preparing the demo organisation…")
	err = demo.Seed(ctx, pf, demo.Options{Dir: filepath.Join(filepath.Dir(loc), "ospo-demo-projects"), Policy: pol})
	switch {
	case errors.Is(err, demo.ErrSeeded):
	case err != nil:
		return nil, err
	}
	fmt.Fprintf(e.stderr, "demo account: %s / %s\n", hint.User, hint.Password)
	return hint, nil
}

// randomPassword is 20 characters of base32 from 100 random bits.
func randomPassword() string {
	var b [13]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))[:20]
}

// jobAdapter lets the portal queue scans of registered projects.
type jobAdapter struct {
	q  *jobs.Queue
	pf *portfolio.Portfolio
}

func (a jobAdapter) EnqueueScan(ctx context.Context, req web.ScanRequest) (int64, error) {
	p, err := a.pf.Project(ctx, req.ProjectID)
	if err != nil {
		return 0, err
	}
	args, ok := scanArgs(p)
	if !ok {
		return 0, fmt.Errorf("%w: project %s has no source to scan (its results are uploaded)", web.ErrInvalid, p.Name)
	}
	id, err := a.q.EnqueueScan(ctx, args)
	if errors.Is(err, jobs.ErrInvalidArgs) {
		return 0, fmt.Errorf("%w: %w", web.ErrInvalid, err)
	}
	if err == nil {
		_ = a.pf.Record(ctx, portfolio.Event{Actor: req.Actor, Action: "scan.queued", Subject: "project:" + p.Name, Detail: fmt.Sprintf("job %d", id)})
	}
	return id, err
}

func (a jobAdapter) Jobs(ctx context.Context, limit int) ([]web.Job, error) {
	js, err := a.q.Jobs(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]web.Job, 0, len(js))
	for _, j := range js {
		wj := web.Job{ID: j.ID, Kind: j.Kind, State: j.State, Attempt: j.Attempt, Errors: j.Errors, CreatedAt: j.CreatedAt, Finished: j.FinishedAt}
		var sa jobs.ScanArgs
		if j.Kind == jobs.KindScan && json.Unmarshal(j.Args, &sa) == nil {
			wj.ProjectID = sa.ProjectID
		}
		out = append(out, wj)
	}
	return out, nil
}

func (a jobAdapter) Cancel(ctx context.Context, id int64) error { return a.q.Cancel(ctx, id) }

// newPortfolio is the portfolio every command that stores scans uses, so
// that the portal, its workers and `projects scan --wait` score alike:
// the risk weights, release dates from the Go module cache, and the
// repository health the monitor and Scorecard imports know.
func newPortfolio(st *store.Store, weights risk.Config) *portfolio.Portfolio {
	return portfolio.New(st, portfolio.Options{
		Risk:     weights,
		Releases: risk.GoModCache{},
		Health: func(ctx context.Context, repos []string) (map[string]float64, error) {
			return monitor.LatestScores(ctx, st, repos)
		},
	})
}

// judgeFlags are --policy and --risk-config of the commands that store
// scans (serve, worker, projects scan): the policy that decides them and
// the weights that score them. Give every process the same.
type judgeFlags struct{ policyFile, riskFile string }

func (f *judgeFlags) register(fl *pflag.FlagSet, what string) {
	fl.StringVar(&f.policyFile, "policy", "", "policy file that decides "+what+" (default: the built-in defaults; a policy inside a scanned repository is never used)")
	fl.StringVar(&f.riskFile, "risk-config", "", "risk weights scoring "+what+" (YAML, see docs/risk.md; default: built-in)")
}

// load reads the policy and the weights, the built-in ones when no file
// is named.
func (f judgeFlags) load() (*policy.Policy, risk.Config, error) {
	pol := policy.Default()
	if f.policyFile != "" {
		var err error
		if pol, err = policy.Load(f.policyFile); err != nil {
			return nil, risk.Config{}, usageError{err}
		}
	}
	if f.riskFile == "" {
		return pol, risk.Default(), nil
	}
	w, err := risk.LoadConfig(f.riskFile)
	if err != nil {
		return nil, risk.Config{}, usageError{err}
	}
	return pol, w, nil
}
