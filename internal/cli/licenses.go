package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"ospo/internal/license"
)

// maxLicenseFile bounds what `licenses identify` reads of one file.
const maxLicenseFile = 4 << 20

func newLicensesCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "licenses",
		Short: "Check SPDX expressions and identify license texts",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "check EXPR",
		Short: "Say whether EXPR is a valid SPDX expression, and print it normalised",
		Example: `  ospo licenses check "mit or apache-2.0"
  ospo licenses check "GPL-2.0+ WITH Classpath-exception-2.0"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			norm, err := license.Check(args[0])
			if err != nil {
				fmt.Fprintf(e.stdout, "invalid: %v\n", err)
				return ErrViolation
			}
			fmt.Fprintf(e.stdout, "valid: %s\n", norm)
			return nil
		},
	})
	var format string
	identify := &cobra.Command{
		Use:   "identify FILE...",
		Short: "Print the SPDX expression found in each license text file",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("unknown format %q (known: text, json)", format)}
			}
			id := license.NewIdentifier()
			found := map[string]string{}
			failed := false
			for _, path := range args {
				text, err := readBounded(path, maxLicenseFile)
				if err != nil {
					fmt.Fprintf(e.stderr, "ospo: %v\n", err)
					failed = true
					found[path] = "NOASSERTION"
					if format == "text" {
						fmt.Fprintf(e.stdout, "%s: NOASSERTION (unreadable)\n", path)
					}
					continue
				}
				d := id.Identify(path, text)
				found[path] = d.Expression
				if format == "text" {
					extra := ""
					if d.Coverage > 0 {
						extra = fmt.Sprintf(" (%.0f%% of the text, %s)", d.Coverage, d.Engine)
					}
					if d.SecondOpinionOnly {
						extra += " needs review: only the second engine matched"
					}
					fmt.Fprintf(e.stdout, "%s: %s%s\n", path, d.Expression, extra)
				}
			}
			if format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(found); err != nil {
					return err
				}
			}
			if failed {
				return fmt.Errorf("some files could not be read")
			}
			return nil
		},
	}
	identify.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json")
	cmd.AddCommand(identify)
	return cmd
}

// readBounded reads at most limit bytes of path, and says so when the file
// is larger.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("read %s: larger than %d bytes, not a license text", path, limit)
	}
	return b, nil
}
