package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"ospo/internal/store"
)

func newDBCmd(e *env) *cobra.Command {
	var dbf dbFlag
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Back up and restore ospo's database",
		Long: `db backs up ospo's database (the inventory, scans, decisions, events,
accounts, the job queue and the vulnerability records) and restores it.

A SQLite database is copied while in use into a compact single file. A
PostgreSQL database's schema is dumped with pg_dump in its custom format and
restored with pg_restore and psql, which must be on PATH (Debian:
postgresql-client).`,
	}
	dbf.register(cmd.PersistentFlags())
	cmd.AddCommand(&cobra.Command{
		Use:     "backup FILE",
		Short:   "Write a consistent copy of the database to FILE (a new file)",
		Example: "  ospo db backup ospo-$(date +%F).db",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := dbf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.Backup(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "backed up %s to %s\n", store.RedactDSN(dsnOf(st, dbf)), args[0])
			return nil
		},
	}, &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the database with the backup in FILE (stop the portal and workers first)",
		Long: `restore replaces the database with a backup written by ospo db backup. A
SQLite backup is checked and brought to this version's schema before it takes
the database file's place, so a bad file changes nothing. A PostgreSQL backup
is checked, then replaces everything in the target's schema in one
transaction (a dump that fails to load changes nothing) and is brought to this
version's schema; it must be restored into a schema of the same name.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			loc, err := dbf.location()
			if err != nil {
				return err
			}
			if err := store.Restore(cmd.Context(), args[0], loc); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "restored %s from %s\n", store.RedactDSN(loc), args[0])
			return nil
		},
	})
	return cmd
}

func dsnOf(st *store.Store, f dbFlag) string {
	if p := st.Path(); p != "" {
		return p
	}
	loc, _ := f.location()
	return loc
}
