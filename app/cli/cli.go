// Package cli is Rampart's command line: the same engine as the editor,
// headless, for scripts and CI. The commands and their exit codes are a
// contract: 0 fine, 1 findings at or above the threshold, 2 bad input or
// usage, with the reason on stderr.
package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/storage"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitBadInput = 2
)

// errFindings makes a command exit 1 after printing its results.
var errFindings = errors.New("findings")

// usageError marks errors in how the command was called.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// GUI opens the editor on a file, or on the demo model when path is "".
type GUI func(path string) error

// Run runs the command line with args (without the program name) and
// returns the exit code.
func Run(args []string, gui GUI, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A bug must not show the user a stack trace: say what failed and
		// exit as for bad input, so scripts stop.
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "rampart: internal error: %v (please report this with the file that caused it)\n", p)
			code = ExitBadInput
		}
	}()
	root := newRoot(gui)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errFindings):
		return ExitFindings
	}
	fmt.Fprintln(stderr, "rampart:", err)
	return ExitBadInput
}

func newRoot(gui GUI) *cobra.Command {
	root := &cobra.Command{
		Use:   "rampart [FILE]",
		Short: "Threat modeling with data-flow diagrams and STRIDE",
		Long: "Rampart draws multi-level data-flow diagrams with trust boundaries, suggests STRIDE threats,\n" +
			"and writes an audit report. Without a command it opens the editor on FILE, or on the demo model.",
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			path := ""
			if len(args) == 1 {
				path = args[0]
			}
			return gui(path)
		},
	}
	// --version prints the one version string the build set (see
	// assets.Version), the one that reports and SARIF carry.
	root.Version = assets.Version
	root.SetVersionTemplate("rampart {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) {
		if cmd != root {
			batchMemory()
		}
	}
	root.AddCommand(validateCmd(), exportCmd(), importCmd(), demoCmd(), analyzeCmd(), rulesCmd(), reportCmd(), renderCmd(), attackTreeCmd(), diffCmd(), mergeCmd(), gitSetupCmd())
	return root
}

// batchMemory lets the garbage collector run less often in a command that
// runs once and exits: analysis and reports allocate a lot of short-lived
// texts, and collecting them cost as much as making them. A soft ceiling
// keeps the heap of a very large model in bounds.
func batchMemory() {
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(640 << 20)
}

// exactlyOneFile is an Args check with a readable message.
func exactlyOneFile(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("%s needs exactly one %s (see rampart %s --help)", cmd.Name(), what, cmd.Name())
		}
		return nil
	}
}

// writeOutput runs write on where a command writes: a file, or stdout for
// "-". A file is written whole or not at all (see storage.WriteFile): a
// failed command never leaves a truncated report behind, nor removes the
// file it was to replace.
func writeOutput(cmd *cobra.Command, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(cmd.OutOrStdout())
	}
	return storage.WriteFile(path, write)
}

// printJSON writes v as indented JSON, leaving <, > and & as they are:
// every JSON output of the command line is read by people as well as tools.
func printJSON(w io.Writer, v any) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out := indentJSON(make([]byte, 0, compact.Len()*3/2), bytes.TrimSuffix(compact.Bytes(), []byte("\n")))
	_, err := w.Write(append(out, '\n'))
	return err
}

// requireOutput checks a command's -o before any work is done: it is
// given, and writing there destroys no model (see storage.CheckOutput).
func requireOutput(cmd *cobra.Command, out string, format storage.Format, inputs ...string) error {
	if out == "" {
		return usagef("%s needs -o OUT", cmd.Name())
	}
	return storage.CheckOutput(out, format, inputs...)
}
