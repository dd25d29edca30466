package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// trackerItem is one row an issue tracker imports: an open threat, or a
// mitigation to put in place on an element. Key is stable, so a second
// export updates the tracker's items instead of adding them again.
type trackerItem struct {
	key, summary, description, mitigation string
	severity                              model.Severity
	labels                                []string
}

// trackerItems lists the open threats (what == "threats") or the
// mitigations they call for (what == "mitigations"), worst first.
func trackerItems(m *model.Model, lib *stride.Library, what string) []trackerItem {
	var open []*model.Threat
	for _, t := range m.ThreatList() {
		if m.IsOpen(t) {
			open = append(open, t)
		}
	}
	stride.SortThreats(open)
	fit := stride.NewFitter(lib, m)
	labels := func(t *model.Threat) []string {
		return []string{"rampart", label("stride", t.Category.Label()), label("element", elementName(m, t.ElementID)),
			label("model", m.Name)}
	}
	var out []trackerItem
	if what == "threats" {
		for _, t := range open {
			var mitigation []string
			for _, mt := range fit.Mitigations(t) {
				mitigation = append(mitigation, stride.Mitigation.Text(mt))
			}
			if t.Mitigation != "" {
				mitigation = append([]string{"Notes: " + t.Mitigation}, mitigation...)
			}
			out = append(out, trackerItem{key: t.ID, summary: t.Code() + " " + t.Title, severity: t.Severity(),
				description: threatDescription(m, t), mitigation: strings.Join(mitigation, "\n\n"), labels: labels(t)})
		}
		return out
	}
	// One item per mitigation and element, however many threats call for
	// it: the work is done once.
	at := map[string]int{}
	for _, t := range open {
		for _, mt := range fit.Mitigations(t) {
			key := mt.Do + "@" + t.ElementID
			i, seen := at[key]
			if !seen {
				i, at[key] = len(out), len(out)
				out = append(out, trackerItem{key: mitigationKey(t, mt), severity: t.Severity(), labels: labels(t),
					summary:    fmt.Sprintf("%s: %s", elementName(m, t.ElementID), mt.Do),
					mitigation: stride.Mitigation.Text(mt), description: "Settles:"})
			}
			out[i].description += "\n- " + t.Code() + " " + t.Title + " (" + t.Severity().String() + ")"
		}
	}
	return out
}

// mitigationKey names a mitigation on an element stably: the rule it
// comes from, a hash of what it says to do, and the element.
func mitigationKey(t *model.Threat, mt stride.Mitigation) string {
	return fmt.Sprintf("%s#%s@%s", t.RuleID, shortHash(mt.Do), t.ElementID)
}

func shortHash(s string) string {
	var h uint32 = 2166136261 // FNV-1a: the key only has to stay put
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return fmt.Sprintf("%08x", h)
}

// threatDescription says what the threat is, on which element, and why
// Rampart raised it.
func threatDescription(m *model.Model, t *model.Threat) string {
	text := fmt.Sprintf("%s on %s (%s, diagram %s), %s, %s.\n\n%s", t.Category.Label(), elementName(m, t.ElementID),
		kindOf(m, t.ElementID), diagramName(m, t.ElementID), t.Severity(), t.Confidence, t.Description)
	if len(t.Facts) > 0 {
		text += "\n\nWhy: " + strings.Join(t.Facts, "; ")
	}
	return text
}

func kindOf(m *model.Model, id string) string {
	if e := m.Elements[id]; e != nil {
		return e.Kind.Label()
	}
	return "element"
}

// label is a tracker label: no spaces, as Jira requires.
func label(kind, value string) string {
	return kind + "-" + strings.Join(strings.Fields(value), "-")
}

// cellSafe keeps a cell from being read as a formula by a spreadsheet: a
// value that starts with =, +, -, @, a tab or a carriage return gets a
// leading apostrophe (OWASP's advice against CSV injection).
func cellSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// jiraPriority maps a severity onto Jira's default priorities.
var jiraPriority = map[model.Severity]string{model.SeverityCritical: "Highest", model.SeverityHigh: "High",
	model.SeverityMedium: "Medium", model.SeverityLow: "Low"}

// writeTracker writes the items as RFC 4180 CSV: Rampart's own columns, or
// the layout Jira's CSV import reads (Summary, Issue Type, Priority,
// Description, one Labels column per label, and External issue ID as the
// stable key).
func writeTracker(w io.Writer, items []trackerItem, jira bool) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180's line ends
	write := func(cells ...string) {
		for i := range cells {
			cells[i] = cellSafe(cells[i])
		}
		_ = cw.Write(cells) // errors surface at Flush
	}
	if jira {
		nLabels := 0
		for _, it := range items {
			nLabels = max(nLabels, len(it.labels))
		}
		head := []string{"Summary", "Issue Type", "Priority", "Description"}
		for range nLabels {
			head = append(head, "Labels")
		}
		write(append(head, "External issue ID")...)
		for _, it := range items {
			desc := it.description
			if it.mitigation != "" {
				desc += "\n\nMitigation:\n" + it.mitigation
			}
			row := []string{it.summary, "Task", jiraPriority[it.severity], desc}
			for i := range nLabels {
				l := ""
				if i < len(it.labels) {
					l = it.labels[i]
				}
				row = append(row, l)
			}
			write(append(row, it.key)...)
		}
	} else {
		write("Key", "Summary", "Severity", "Description", "Mitigation", "Labels")
		for _, it := range items {
			write(it.key, it.summary, it.severity.String(), it.description, it.mitigation, strings.Join(it.labels, " "))
		}
	}
	cw.Flush()
	return cw.Error()
}
