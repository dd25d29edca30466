package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

func diffCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "diff OLD NEW [--format text|json]",
		Short: "List what changed between two models",
		Long: "Lists elements, flows, boundaries, properties, data assets, threats (status, severity, text) and\n" +
			"attack trees added, removed or changed from OLD to NEW. Either may be any file import reads, so a\n" +
			".tm7 compares with its edited import. Exits 0 whether or not they differ.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usagef("diff needs two model files, OLD and NEW")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usagef("unknown format %q (want text or json)", format)
			}
			old, err := storage.ReadAny(args[0])
			if err != nil {
				return err
			}
			new, err := storage.ReadAny(args[1])
			if err != nil {
				return err
			}
			diffs := model.Diff(old, new)
			out := cmd.OutOrStdout()
			if format == "json" {
				type jd struct {
					Op      string   `json:"op"`
					What    string   `json:"what"`
					ID      string   `json:"id"`
					Name    string   `json:"name"`
					Kind    string   `json:"kind,omitempty"`
					Details []string `json:"details,omitempty"`
				}
				list := []jd{}
				for _, d := range diffs {
					list = append(list, jd{d.Op, d.What, d.ID, d.Name, d.Kind, d.Details})
				}
				return printJSON(out, map[string]any{"old": args[0], "new": args[1], "changes": list})
			}
			for _, d := range diffs {
				fmt.Fprintln(out, d)
			}
			fmt.Fprintf(out, "%d change(s)\n", len(diffs))
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}
