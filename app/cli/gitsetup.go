package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// modelPatterns are the files git-setup hands to Rampart: .rampart files,
// and models kept as Rampart's JSON under the name *.rampart.json.
var modelPatterns = []string{"*.rampart", "*.rampart.json"}

func gitSetupCmd() *cobra.Command {
	var patterns []string
	cmd := &cobra.Command{
		Use:   "git-setup [--pattern GLOB]...",
		Short: "Make git merge and diff models semantically in the current repository",
		Long: "Run inside a git repository. Adds to the repository's .gitattributes the lines that send model\n" +
			"files (*.rampart and *.rampart.json, or the --pattern globs) to Rampart, and sets in the\n" +
			"repository's git config a merge driver (`rampart merge %O %A %B -o %A --path %P`: a three-way merge by\n" +
			"identity, conflicts kept for the editor) and a diff driver that shows a model as its canonical\n" +
			"JSON, so `git diff` and `git log -p` read what changed. .gitignore gets the files an open editor\n" +
			"keeps beside a model. Running it again changes nothing.\n" +
			"Commit .gitattributes so the team shares it; each clone runs git-setup once for the config.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(patterns) == 0 {
				patterns = modelPatterns
			}
			top, err := git("", "rev-parse", "--show-toplevel")
			if err != nil {
				return fmt.Errorf("git-setup works inside a git repository: %w", err)
			}
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("git-setup: cannot tell where rampart is: %w", err)
			}
			if p, err := filepath.EvalSymlinks(exe); err == nil {
				exe = p
			}
			self := shellQuote(exe)
			config := [][2]string{
				{"merge.rampart.name", "Rampart three-way model merge"},
				{"merge.rampart.driver", self + " merge %O %A %B -o %A --path %P"},
				{"diff.rampart.textconv", self + " export --format json -o -"},
			}
			for _, kv := range config {
				if _, err := git(top, "config", "--local", kv[0], kv[1]); err != nil {
					return err
				}
			}
			var attrs []string
			for _, p := range patterns {
				attrs = append(attrs, p+" merge=rampart diff=rampart")
			}
			added, err := addLines(filepath.Join(top, ".gitattributes"), "Threat models: merged and diffed by Rampart (rampart git-setup)", attrs)
			if err != nil {
				return err
			}
			// What an open editor keeps beside a model is not the model.
			ignored, err := addLines(filepath.Join(top, ".gitignore"), "Beside a model open in Rampart (rampart git-setup)",
				[]string{"*.rampart-wal", "*.rampart-shm", "*.rampart.lock"})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "git config: merge and diff drivers \"rampart\" run %s\n", exe)
			if len(added) == 0 {
				fmt.Fprintln(out, ".gitattributes already sends model files to Rampart")
			} else {
				fmt.Fprintf(out, ".gitattributes: added %s (commit it so the team shares it)\n", strings.Join(added, ", "))
			}
			if len(ignored) > 0 {
				fmt.Fprintf(out, ".gitignore: added %s\n", strings.Join(ignored, ", "))
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&patterns, "pattern", nil, "a glob of model files (repeatable; default *.rampart and *.rampart.json)")
	return cmd
}

// addLines appends to a file (.gitattributes, .gitignore) the lines it
// does not have yet, under a comment, and returns those it added.
func addLines(path, comment string, lines []string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	have := strings.Split(string(data), "\n")
	var add []string
	for _, l := range lines {
		if !slices.Contains(have, l) {
			add = append(add, l)
		}
	}
	if len(add) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	buf.Write(data)
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		buf.WriteByte('\n')
	}
	buf.WriteString("# " + comment + "\n")
	for _, l := range add {
		buf.WriteString(l + "\n")
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return add, nil
}

// git runs git in dir and returns its output, trimmed.
func git(dir string, args ...string) (string, error) {
	c := exec.Command("git", args...)
	c.Dir = dir
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", args[0], msg)
	}
	return strings.TrimSpace(string(out)), nil
}

// shellQuote quotes a path for the shell git runs drivers with.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
