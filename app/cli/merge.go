package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

func mergeCmd() *cobra.Command {
	var out, format, name string
	cmd := &cobra.Command{
		Use:   "merge BASE OURS THEIRS -o OUT [--format json|rampart]",
		Short: "Merge two edited versions of a model (three-way, by identity)",
		Long: "Merges the changes OURS and THEIRS each made to BASE: elements, properties, flows, boundaries,\n" +
			"data assets, diagrams, threats and their triage, suppressions, rule sets and attack trees, each\n" +
			"matched by identity. A change made on one side is taken; the same change on both sides once;\n" +
			"different changes to the same value are conflicts. The output keeps each conflict with both\n" +
			"values (and the base), marked, for the editor to resolve: nothing is lost. Things both sides\n" +
			"added (the same kind and name in the same diagram) become one. The audit trails of both sides\n" +
			"are kept, in time order. Each input may be a .rampart file, Rampart's JSON or anything import\n" +
			"reads (versions of one imported model keep their identities); OUT is written in\n" +
			"the form --format names, else OUT's extension, else the form of OURS (so OUT may be OURS, as\n" +
			"git's merge driver does). Exits 0 when clean, 1 with conflicts (listed on standard error).",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 3 {
				return usagef("merge needs three model files: BASE OURS THEIRS")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("merge needs -o OUT (it may be OURS)")
			}
			if format != "" && format != "rampart" && format != "json" {
				return usagef("unknown format %q (want rampart or json)", format)
			}
			given := name
			if name == "" {
				name = out
				if out == "-" {
					name = args[1]
				}
			}
			sides, err := readSides(args)
			if err == nil {
				err = related(sides)
			}
			if err != nil && given != "" {
				return fmt.Errorf("merge of %s: %w", given, err) // git's driver: its temporary files mean nothing to the user
			}
			if err != nil {
				return err
			}
			form, err := mergeFormat(format, out, sides[1].rampart)
			if err != nil {
				return err
			}
			if err := storage.CheckOutput(out, form, args[0], args[2]); err != nil {
				return err
			}
			merged := model.Merge(sides[0].model, sides[1].model, sides[2].model)
			conflicts := merged.ConflictList()
			if err := writeMerged(cmd.OutOrStdout(), out, form, merged, sides, filepath.Base(name)); err != nil {
				return fmt.Errorf("merge into %s: %w; nothing was written", name, err)
			}
			if len(conflicts) == 0 {
				return nil
			}
			stderr := cmd.ErrOrStderr()
			for _, c := range conflicts {
				fmt.Fprintln(stderr, "conflict:", c)
			}
			fmt.Fprintf(stderr, "%s: %d conflict(s), %d choice(s) to make, kept with both values; open it in Rampart to choose\n",
				name, len(conflicts), model.Decisions(conflicts))
			return errFindings
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "where to write the merged model (- for standard output, JSON only)")
	cmd.Flags().StringVar(&format, "format", "", "rampart or json (default: from OUT's extension, else from OURS)")
	cmd.Flags().StringVar(&name, "path", "", "the model's path, for messages and the audit trail (git's merge driver passes %P)")
	return cmd
}

// mergeFormat is the form the merged model is written in (flag is
// checked already).
func mergeFormat(flag, out string, oursRampart bool) (storage.Format, error) {
	switch flag {
	case "rampart":
		if out == "-" {
			return 0, usagef("a .rampart file cannot go to standard output; use --format json")
		}
		return storage.FormatRampart, nil
	case "json":
		return storage.FormatRampartJSON, nil
	}
	switch filepath.Ext(out) {
	case ".rampart":
		return storage.FormatRampart, nil
	case ".json":
		return storage.FormatRampartJSON, nil
	}
	if out != "-" && oursRampart {
		return storage.FormatRampart, nil
	}
	return storage.FormatRampartJSON, nil
}

// side is one version of the model, with its audit trail when it is a
// .rampart file.
type side struct {
	path    string
	rampart bool
	model   *model.Model
	trail   []model.Change
}

// related refuses to merge a model with an unrelated one: versions of one
// model share their elements' identities, a different model shares none.
func related(sides [3]*side) error {
	base := sides[0].model.Elements
	for _, s := range sides[1:] {
		shared := 0
		for id := range s.model.Elements {
			if base[id] != nil {
				shared++
			}
		}
		if shared == 0 && len(base) > 0 && len(s.model.Elements) > 0 {
			return fmt.Errorf("%s is not a version of %s: it has none of its %d elements; merge needs two versions of one model",
				s.path, sides[0].path, len(base))
		}
	}
	return nil
}

// readSides reads the three versions at once (reading a large model is
// most of a merge's time).
func readSides(paths []string) ([3]*side, error) {
	var sides [3]*side
	var errs [3]error
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() {
			s := &side{path: p, rampart: storage.FormatOf(p) == storage.FormatRampart}
			defer func() {
				if errs[i] != nil {
					errs[i] = fmt.Errorf("%s: %w", [3]string{"BASE", "OURS", "THEIRS"}[i], errs[i])
				}
			}()
			if st, err := os.Stat(p); err == nil && st.Size() == 0 && i == 0 {
				// git passes an empty BASE when both branches added the file.
				s.model, sides[i] = model.Empty(), s
				return
			}
			if s.rampart {
				s.model, s.trail, errs[i] = storage.LoadWithHistory(p) // as the file holds it, for WriteFrom
			} else {
				s.model, errs[i] = storage.ReadAny(p)
			}
			sides[i] = s
		})
	}
	wg.Wait()
	return sides, errors.Join(errs[:]...)
}

// writeMerged writes the merged model; a .rampart file gets the audit
// trails of the sides that have one, and an entry for the merge. When
// OURS is a .rampart file, the output is OURS changed by what the merge
// took, rather than a model written whole.
func writeMerged(stdout io.Writer, out string, form storage.Format, m *model.Model, sides [3]*side, name string) error {
	if err := model.CheckReferences(m); err != nil {
		return err // a merge never makes this; a damaged side could
	}
	conflicts := len(m.Conflicts)
	if form == storage.FormatRampartJSON {
		data, err := storage.MarshalJSON(m)
		if err != nil {
			return err
		}
		if out == "-" {
			_, err = stdout.Write(data)
			return err
		}
		return storage.WriteFile(out, func(w io.Writer) error { _, err := w.Write(data); return err })
	}
	trail := mergeTrails(sides)
	action := "merged two versions of " + name
	if conflicts > 0 {
		action += fmt.Sprintf(", %d conflict(s) to resolve", conflicts)
	}
	var subjects []string
	for _, c := range m.ConflictList() {
		subjects = append(subjects, c.Subject)
	}
	slices.Sort(subjects)
	trail = append(trail, model.Change{At: time.Now(), Author: editor.DefaultAuthor(), Action: action, Subjects: slices.Compact(subjects)})
	if ours := sides[1]; ours.rampart {
		return storage.WriteFrom(out, ours.path, ours.model, m, trail)
	}
	return storage.WriteNew(out, m, trail...)
}

// mergeTrails is the base's audit trail followed by what each side added
// to it, in time order.
func mergeTrails(sides [3]*side) []model.Change {
	key := func(c model.Change) string {
		return fmt.Sprintf("%s\x00%s\x00%s\x00%t", c.At.UTC().Format(time.RFC3339Nano), c.Author, c.Action, c.Undone)
	}
	seen := map[string]bool{}
	for _, c := range sides[0].trail {
		seen[key(c)] = true
	}
	var added []model.Change
	for _, s := range sides[1:] {
		for _, c := range s.trail {
			if !seen[key(c)] {
				seen[key(c)] = true
				added = append(added, c)
			}
		}
	}
	slices.SortStableFunc(added, func(a, b model.Change) int { return a.At.Compare(b.At) })
	return append(slices.Clone(sides[0].trail), added...)
}
