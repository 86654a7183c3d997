package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ospo/internal/store"
	"ospo/internal/vuln"
	"ospo/internal/vuln/db"
)

// dbFlag is the --db flag shared by the commands that use ospo's
// database: a SQLite file (default: the user's data directory) or a
// postgres:// URL, or OSPO_DB.
type dbFlag struct{ path string }

func (f *dbFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.path, "db", "", "ospo's database: a SQLite file or a postgres:// URL (default $OSPO_DB, else ospo/ospo.db in the user's data directory)")
}

// vulnSource opens the vulnerability database for a scan: nil (and no
// error) when there is none yet, or when the user said --no-vulns. The
// returned closer is never nil.
func (f *dbFlag) vulnSource(ctx context.Context, skip bool) (vuln.Source, func(), error) {
	if skip {
		return nil, func() {}, nil
	}
	st, _, err := f.openExisting(ctx)
	if err != nil || st == nil {
		return nil, func() {}, err
	}
	d := db.New(st)
	// A database without vulnerability records (it may hold only other
	// data) is no source: nothing could be checked against it.
	counts, err := d.RecordCounts(ctx)
	if err != nil {
		st.Close()
		return nil, func() {}, err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total == 0 {
		st.Close()
		return nil, func() {}, nil
	}
	return d, func() { st.Close() }, nil
}

// location is the database file the flags, the environment or the default
// name.
func (f *dbFlag) location() (string, error) {
	if f.path != "" {
		return f.path, nil
	}
	if p := os.Getenv("OSPO_DB"); p != "" {
		return p, nil
	}
	return store.DefaultPath()
}

// open opens (creating when missing) the database.
func (f *dbFlag) open(ctx context.Context) (*store.Store, error) {
	p, err := f.location()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, p)
}

// openExisting opens the database only when its file exists: scans use
// the vulnerability database when there is one and never create it.
func (f *dbFlag) openExisting(ctx context.Context) (*store.Store, string, error) {
	p, err := f.location()
	if err != nil {
		return nil, "", err
	}
	if store.IsPostgres(p) {
		// A server database is there when it is named.
		st, err := store.Open(ctx, p)
		return st, p, err
	}
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, p, nil
		}
		return nil, p, err
	}
	st, err := store.Open(ctx, p)
	return st, p, err
}

func newVulnDBCmd(e *env) *cobra.Command {
	var dbf dbFlag
	cmd := &cobra.Command{
		Use:   "vulndb",
		Short: "Manage the offline database of known vulnerabilities (OSV)",
		Long: `vulndb keeps the OSV vulnerability records ospo matches against, in ospo's
database. Import the published per-ecosystem dumps (all.zip), directories of
OSV records or single records; update downloads the dumps. Scans never need
the network: they use what was imported.`,
	}
	dbf.register(cmd.PersistentFlags())

	cmd.AddCommand(&cobra.Command{
		Use:   "import PATH...",
		Short: "Import OSV records: an all.zip dump, a directory of .json/.yaml records, or one record",
		Args:  cobra.MinimumNArgs(1),
		Example: `  ospo vulndb import Go/all.zip PyPI/all.zip
  ospo vulndb import advisory-database/advisories/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := dbf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			d := db.New(st)
			var failed []error
			for _, p := range args {
				start := time.Now()
				stats, err := d.Import(cmd.Context(), p, db.ImportOptions{})
				for _, pr := range stats.Problems {
					e.log.Warn("skipped", "path", pr.Path, "problem", pr.Message)
				}
				if err != nil {
					failed = append(failed, fmt.Errorf("%s: %w", p, err))
					continue
				}
				fmt.Fprintf(e.stdout, "%s: %d added, %d updated, %d unchanged, %d withdrawn, %d rejected (%.2fs)\n",
					p, stats.Added, stats.Updated, stats.Unchanged, stats.Withdrawn, stats.Rejected, time.Since(start).Seconds())
			}
			return errors.Join(failed...)
		},
	})

	var up db.UpdateOptions
	update := &cobra.Command{
		Use:   "update",
		Short: "Download the OSV dumps of the ecosystems ospo reads and import what changed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := dbf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := db.New(st).Update(cmd.Context(), up)
			for _, r := range res {
				switch {
				case r.Err != nil:
					fmt.Fprintf(e.stdout, "%s: failed: %v\n", r.Ecosystem, r.Err)
				case r.Unchanged:
					fmt.Fprintf(e.stdout, "%s: unchanged\n", r.Ecosystem)
				default:
					fmt.Fprintf(e.stdout, "%s: %d added, %d updated, %d unchanged, %d withdrawn, %d rejected\n",
						r.Ecosystem, r.Stats.Added, r.Stats.Updated, r.Stats.Unchanged, r.Stats.Withdrawn, r.Stats.Rejected)
				}
			}
			return err
		},
	}
	update.Flags().StringVar(&up.BaseURL, "base-url", "", "where the per-ecosystem dumps are (<base>/<Ecosystem>/all.zip); default OSV's public storage")
	update.Flags().StringSliceVar(&up.Ecosystems, "ecosystem", nil, "OSV ecosystems to fetch (default: "+strings.Join(db.DefaultEcosystems, ", ")+")")
	update.Flags().BoolVar(&up.Force, "force", false, "download and import even when the dump is unchanged")
	cmd.AddCommand(update)

	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Show what the database holds: records per ecosystem, their age and source",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, p, err := dbf.openExisting(cmd.Context())
			if err != nil {
				return err
			}
			if st == nil {
				fmt.Fprintf(e.stdout, "no database at %s yet: run ospo vulndb update, or ospo vulndb import FILE\n", p)
				return nil
			}
			defer st.Close()
			ss, err := db.New(st).Status(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "database %s\n", p)
			if len(ss) == 0 {
				fmt.Fprintln(e.stdout, "no vulnerability records: run ospo vulndb update, or ospo vulndb import FILE")
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ECOSYSTEM\tRECORDS\tWITHDRAWN\tNEWEST RECORD\tIMPORTED\tSOURCE")
			for _, s := range ss {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", orDash(s.Ecosystem), s.Records, s.Withdrawn,
					age(s.NewestModified), age(s.ImportedAt), strings.Join(s.Sources, ", "))
			}
			return tw.Flush()
		},
	})
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// age shows a time with how long ago it was.
func age(t time.Time) string {
	if t.IsZero() || t.Year() < 1971 {
		return "-"
	}
	d := time.Since(t)
	switch {
	case d < time.Hour:
		return t.UTC().Format("2006-01-02 15:04") + fmt.Sprintf(" (%d min ago)", int(d.Minutes()))
	case d < 48*time.Hour:
		return t.UTC().Format("2006-01-02 15:04") + fmt.Sprintf(" (%d h ago)", int(d.Hours()))
	}
	return t.UTC().Format("2006-01-02") + fmt.Sprintf(" (%d days ago)", int(d.Hours()/24))
}
