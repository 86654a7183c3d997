// Package cli holds ospo's commands. It only wires: flags in, calls into
// the pipeline packages, renderers out, and one place that maps errors to
// exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Exit codes, the same for every command.
const (
	ExitOK       = 0 // clean
	ExitViolated = 1 // a policy was violated or a check failed
	ExitError    = 2 // usage or runtime error
)

// ErrViolation is returned by a command whose check failed; it maps to exit 1.
var ErrViolation = errors.New("policy violated")

// usageError marks errors the user must fix in the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// env is what every command may use: streams and a logger.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
}

// Run executes ospo with args (without the program name) and returns the
// exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrViolation):
		return ExitViolated
	default:
		fmt.Fprintf(stderr, "ospo: %v\n", err)
		return ExitError
	}
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "ospo",
		Short: "An open source program office in one binary",
		Long: `ospo knows what your projects depend on, under which licenses, and whether
your policy allows it. It works offline, from the files on disk.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newScanCmd(e), newCheckCmd(e), newLicensesCmd(e), newNoticeCmd(e), newSBOMCmd(e), newWhyCmd(e), newVulnsCmd(e), newVulnDBCmd(e), newRepoCmd(e), newMonitorCmd(e), newServeCmd(e), newWorkerCmd(e), newProjectsCmd(e), newDBCmd(e), newVersionCmd(e))
	return root
}

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print ospo's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(e.stdout, "ospo", version())
			return err
		},
	}
}

// version is the module version stamped by the Go toolchain, or the VCS
// revision for builds from a checkout.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev-" + rev
}

// isTerminal reports whether w is a terminal, for progress bars and tables.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
