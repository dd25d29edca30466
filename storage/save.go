package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/rampart-tm/rampart/model"
)

// save writes in one transaction what differs between before (what the
// file holds; nil for an empty file) and after, and appends log to the
// audit trail.
func save(db *sql.DB, before, after *model.Model, log ...model.Change) error {
	if before == nil {
		before = model.Empty()
		before.Info.Name = "\x00" // differs from any real model: the info row gets written
	}
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := &writer{tx: tx}
	w.info(before, after)
	w.diagrams(before, after)
	w.elements(before, after)
	w.assets(before, after)
	w.threats(before, after)
	w.suppressions(before, after)
	w.ruleSets(before, after)
	w.trees(before, after)
	w.conflicts(before, after)
	w.appendTrail(log)
	if w.err != nil {
		return w.err
	}
	return tx.Commit()
}

// appendTrail adds entries to the audit trail.
func (w *writer) appendTrail(log []model.Change) {
	for _, c := range log {
		w.exec("INSERT INTO changes (at, author, action, subjects, undone) VALUES (?, ?, ?, ?, ?)",
			timeText(c.At), c.Author, c.Action, strings.Join(c.Subjects, " "), boolInt(c.Undone))
	}
}

type writer struct {
	tx  *sql.Tx
	err error
}

func (w *writer) exec(q string, args ...any) {
	if w.err == nil {
		_, w.err = w.tx.Exec(q, args...)
	}
}

func (w *writer) flush(bs ...*batch) {
	for _, b := range bs {
		if err := b.flush(); err != nil && w.err == nil {
			w.err = err
		}
	}
}

// changes lists the keys removed from before, and those added to or
// changed in after, each sorted.
func changes[T any](before, after map[string]*T) (removed, changed []string) {
	for k := range before {
		if _, ok := after[k]; !ok {
			removed = append(removed, k)
		}
	}
	for k, v := range after {
		if old, ok := before[k]; !ok || !reflect.DeepEqual(old, v) {
			changed = append(changed, k)
		}
	}
	slices.Sort(removed)
	slices.Sort(changed)
	return removed, changed
}

func timeText(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (w *writer) info(before, after *model.Model) {
	if reflect.DeepEqual(before.Info, after.Info) && before.Created.Equal(after.Created) && before.Modified.Equal(after.Modified) {
		return
	}
	src := after.Source
	imported := ""
	if !src.Imported.IsZero() {
		imported = timeText(src.Imported)
	}
	w.exec(`INSERT INTO model_info (id, name, description, version, scope, assumptions, created, modified,
			owner, reviewer, source_tool, source_file, source_sha256, source_imported, source_notes)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description,
			version = excluded.version, scope = excluded.scope, assumptions = excluded.assumptions,
			created = excluded.created, modified = excluded.modified, owner = excluded.owner,
			reviewer = excluded.reviewer, source_tool = excluded.source_tool, source_file = excluded.source_file,
			source_sha256 = excluded.source_sha256, source_imported = excluded.source_imported,
			source_notes = excluded.source_notes`,
		after.Name, after.Description, after.Version, after.Scope, after.Assumptions,
		timeText(after.Created), timeText(after.Modified), after.Owner, after.Reviewer,
		src.Tool, src.File, src.SHA256, imported, notesText(src.Notes))
	w.exec("DELETE FROM authors")
	for i, a := range after.Authors {
		w.exec("INSERT INTO authors (seq, name) VALUES (?, ?)", i, a)
	}
}

func (w *writer) diagrams(before, after *model.Model) {
	removed, changed := changes(before.Diagrams, after.Diagrams)
	del := deleter(w.tx, "diagrams", "id")
	for _, id := range removed {
		del.add(id)
	}
	up := upserter(w.tx, "diagrams", []string{"id", "name", "refines"})
	for _, id := range changed {
		d := after.Diagrams[id]
		up.add(d.ID, d.Name, nullable(d.Refines))
	}
	w.flush(del, up)
}

func (w *writer) elements(before, after *model.Model) {
	removed, changed := changes(before.Elements, after.Elements)
	del := deleter(w.tx, "elements", "id")
	for _, id := range removed {
		del.add(id)
	}
	w.flush(del)
	up := upserter(w.tx, "elements", []string{"id", "kind", "diagram_id", "name", "description",
		"x", "y", "w", "h", "source", "target", "out_of_scope", "out_of_scope_reason"})
	var clear []*batch
	for _, t := range []string{"element_points", "element_props", "element_assets"} {
		clear = append(clear, deleter(w.tx, t, "element_id"))
	}
	points := inserter(w.tx, "element_points", []string{"element_id", "seq", "x", "y"}, "")
	props := inserter(w.tx, "element_props", []string{"element_id", "key", "value"}, "")
	links := inserter(w.tx, "element_assets", []string{"element_id", "asset_id"}, "")
	for _, id := range changed {
		e := after.Elements[id]
		up.add(e.ID, e.Kind.String(), e.Diagram, e.Name, e.Description, e.X, e.Y, e.W, e.H,
			e.Source, e.Target, boolInt(e.OutOfScope), e.OutOfScopeReason)
		if _, existed := before.Elements[id]; existed {
			for _, c := range clear {
				c.add(id)
			}
		}
	}
	w.flush(up)
	w.flush(clear...)
	for _, id := range changed {
		e := after.Elements[id]
		for i, p := range e.Points {
			points.add(id, i, p.X, p.Y)
		}
		for _, k := range sortedKeys(e.Props) {
			props.add(id, k, e.Props[k])
		}
		for _, a := range e.Assets {
			links.add(id, a)
		}
	}
	w.flush(points, props, links)
}

func (w *writer) assets(before, after *model.Model) {
	removed, changed := changes(before.Assets, after.Assets)
	del := deleter(w.tx, "assets", "id")
	for _, id := range removed {
		del.add(id)
	}
	up := upserter(w.tx, "assets", []string{"id", "name", "description", "classification",
		"confidentiality", "integrity", "availability"})
	for _, id := range changed {
		a := after.Assets[id]
		up.add(a.ID, a.Name, a.Description, a.Classification.String(), a.Confidentiality.String(),
			a.Integrity.String(), a.Availability.String())
	}
	w.flush(del, up)
}

func (w *writer) threats(before, after *model.Model) {
	removed, changed := changes(before.Threats, after.Threats)
	del := deleter(w.tx, "threats", "id")
	for _, id := range removed {
		del.add(id)
	}
	w.flush(del)
	up := upserter(w.tx, "threats", []string{"id", "number", "rule_id", "element_id", "title", "category",
		"description", "likelihood", "impact", "status", "justification", "mitigation", "manual", "obsolete",
		"risk_set", "confidence", "assumes", "origin", "dread_damage", "dread_reproducibility", "dread_exploitability", "dread_affected_users",
		"dread_discoverability"})
	clearFacts, clearRefs := deleter(w.tx, "threat_facts", "threat_id"), deleter(w.tx, "threat_refs", "threat_id")
	facts := inserter(w.tx, "threat_facts", []string{"threat_id", "seq", "text"}, "")
	refs := inserter(w.tx, "threat_refs", []string{"threat_id", "seq", "ref"}, "")
	for _, id := range changed {
		t := after.Threats[id]
		row := []any{t.ID, t.Number, t.RuleID, t.ElementID, t.Title, t.Category.String(), t.Description,
			t.Likelihood.String(), t.Impact.String(), t.Status.String(), t.Justification, t.Mitigation,
			boolInt(t.Manual), boolInt(t.Obsolete), boolInt(t.RiskSet), t.Confidence.String(), strings.Join(t.Assumes, " "), t.Origin}
		if d := t.Dread; d != nil {
			row = append(row, d.Damage, d.Reproducibility, d.Exploitability, d.AffectedUsers, d.Discoverability)
		} else {
			row = append(row, nil, nil, nil, nil, nil)
		}
		up.add(row...)
		if _, existed := before.Threats[id]; existed {
			clearFacts.add(id)
			clearRefs.add(id)
		}
	}
	w.flush(up, clearFacts, clearRefs)
	for _, id := range changed {
		t := after.Threats[id]
		for i, f := range t.Facts {
			facts.add(id, i, f)
		}
		for i, r := range t.References {
			refs.add(id, i, r)
		}
	}
	w.flush(facts, refs)
}

func (w *writer) suppressions(before, after *model.Model) {
	removed, changed := changes(before.Suppressions, after.Suppressions)
	for _, k := range removed {
		s := before.Suppressions[k]
		w.exec("DELETE FROM suppressions WHERE rule_id = ? AND element_id = ?", s.RuleID, s.ElementID)
	}
	for _, k := range changed {
		s := after.Suppressions[k]
		w.exec(`INSERT INTO suppressions (rule_id, element_id, justification) VALUES (?, ?, ?)
			ON CONFLICT(rule_id, element_id) DO UPDATE SET justification = excluded.justification`,
			s.RuleID, s.ElementID, s.Justification)
	}
}

func (w *writer) ruleSets(before, after *model.Model) {
	removed, changed := changes(before.RuleSets, after.RuleSets)
	for _, k := range removed {
		w.exec("DELETE FROM rule_sets WHERE name = ?", k)
	}
	for _, k := range changed {
		r := after.RuleSets[k]
		w.exec(`INSERT INTO rule_sets (name, format, data) VALUES (?, ?, ?)
			ON CONFLICT(name) DO UPDATE SET format = excluded.format, data = excluded.data`, r.Name, r.Format, r.Data)
	}
}

// trees rewrites each changed attack tree whole: trees are small, and
// their nodes change together.
func (w *writer) trees(before, after *model.Model) {
	removed, changed := changes(before.Trees, after.Trees)
	del := deleter(w.tx, "attack_trees", "id")
	for _, id := range removed {
		del.add(id)
	}
	for _, id := range changed {
		del.add(id)
	}
	w.flush(del)
	trees := inserter(w.tx, "attack_trees", []string{"id", "name", "target", "root"}, "")
	nodes := inserter(w.tx, "tree_nodes", []string{"tree_id", "id", "parent", "position", "label", "gate", "threat_id",
		"element_id", "cost", "probability", "skill", "defense", "defended"}, "")
	for _, id := range changed {
		t := after.Trees[id]
		trees.add(t.ID, t.Name, t.Target, t.Root)
		for _, nid := range sortedKeys(t.Nodes) {
			n := t.Nodes[nid]
			nodes.add(id, n.ID, n.Parent, n.Position, n.Label, n.Gate.String(), n.ThreatID, n.ElementID, n.Cost,
				n.Probability, n.Skill.String(), n.Defense, boolInt(n.Defended))
		}
	}
	w.flush(trees, nodes)
}

func (w *writer) conflicts(before, after *model.Model) {
	removed, changed := changes(before.Conflicts, after.Conflicts)
	for _, id := range removed {
		w.exec("DELETE FROM conflicts WHERE id = ?", id)
	}
	for _, id := range changed {
		c := after.Conflicts[id]
		w.exec(`INSERT INTO conflicts (id, what, subject, name, field, base, ours, theirs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET what = excluded.what, subject = excluded.subject, name = excluded.name,
			field = excluded.field, base = excluded.base, ours = excluded.ours, theirs = excluded.theirs`,
			c.ID, c.What, c.Subject, c.Name, c.Field, c.Base, c.Ours, c.Theirs)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// notesText keeps an import's notes as a JSON list: a note may hold any
// character.
func notesText(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	data, _ := json.Marshal(notes) // strings: cannot fail
	return string(data)
}
