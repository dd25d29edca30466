package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/stride"
)

// ruleSetsText describes the rule sets the analysis uses: each with its
// SHA-256 and what it added or replaced, the combined hash, and every
// built-in rule another set overrides.
func ruleSetsText(lib *stride.Library) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Combined SHA-256 of the rules: %s\n\n", lib.Hash())
	for _, s := range lib.Sources {
		fmt.Fprintf(&b, "%s\n    SHA-256 %s\n    %d rules added, %d replaced\n", s.Label(), s.SHA256, s.Added, s.Replaced)
	}
	if over := lib.Overrides(); len(over) > 0 {
		b.WriteString("\nBuilt-in rules overridden:\n")
		for _, o := range over {
			trust := ""
			if !o.Trusted {
				trust = " — came with the model, not used for the verdict of --fail-on"
			}
			fmt.Fprintf(&b, "  %s by %s: %s%s\n", o.RuleID, o.By, strings.Join(o.Changes, "; "), trust)
		}
	}
	return b.String()
}

// untrustedOverrides says, for the status bar, that rules which came with
// the model change built-in ones, or "" when none do.
func untrustedOverrides(lib *stride.Library) string {
	n := 0
	for _, o := range lib.Overrides() {
		if !o.Trusted {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return "Rules that came with this model override " + plural(n, "built-in rule", "built-in rules") + ": see Model → Rule Sets"
}

// showRuleSets shows which rule sets the analysis loaded.
func (w *window) showRuleSets() {
	if w.analysis.lib == nil {
		return
	}
	text := widget.NewLabel(ruleSetsText(w.analysis.lib))
	text.Wrapping = fyne.TextWrapWord
	text.TextStyle = fyne.TextStyle{Monospace: true}
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(720, 360))
	dialog.ShowCustom("Rule Sets", "Close", scroll, w.win)
}
