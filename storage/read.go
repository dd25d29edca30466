package storage

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rampart-tm/rampart/model"
)

// loadNoted reads a .rampart file like Load, then brings the model within
// the model's bounds (a forged file, or one another program wrote, may
// hold texts or coordinates beyond them): the user keeps the rest of the
// work, and the notes say what was cut or moved. Open's callers do the
// same (see editor.Open).
func loadNoted(path string) (*model.Model, []string, error) {
	m, err := Load(path)
	if err != nil {
		return nil, nil, err
	}
	return m, model.Bound(m), nil
}

// read loads a whole model. Values that do not parse (an unknown kind, a
// bad date) mean the file was damaged or forged, and are reported as such.
func read(db *sql.DB) (*model.Model, error) {
	tx, err := db.Begin() // one snapshot for every table
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	m := model.Empty()
	r := &reader{tx: tx, m: m, enums: newEnumCache()}
	r.info()
	r.diagrams()
	r.elements()
	r.assets()
	r.threats()
	r.suppressions()
	r.ruleSets()
	r.trees()
	r.conflicts()
	if r.err != nil {
		return nil, r.err
	}
	if err := model.CheckReferences(m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return m, nil
}

type reader struct {
	tx    *sql.Tx
	m     *model.Model
	err   error
	enums *enumCache
}

// each runs a query and calls scan for every row, stopping at the first error.
func (r *reader) each(q string, scan func(rows *sql.Rows) error) {
	if r.err != nil {
		return
	}
	rows, err := r.tx.Query(q)
	if err != nil {
		r.err = err
		return
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			r.err = err
			return
		}
	}
	r.err = rows.Err()
}

func damaged(what string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrCorrupt, what, err)
}

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

func (r *reader) info() {
	found := false
	r.each(`SELECT name, description, version, scope, assumptions, created, modified, owner, reviewer,
		source_tool, source_file, source_sha256, source_imported, source_notes FROM model_info`, func(rows *sql.Rows) error {
		var created, modified, imported, notes string
		i := &r.m.Info
		if err := rows.Scan(&i.Name, &i.Description, &i.Version, &i.Scope, &i.Assumptions, &created, &modified,
			&i.Owner, &i.Reviewer, &i.Source.Tool, &i.Source.File, &i.Source.SHA256, &imported, &notes); err != nil {
			return err
		}
		if notes != "" {
			if err := json.Unmarshal([]byte(notes), &i.Source.Notes); err != nil {
				return damaged("import notes", err)
			}
		}
		if imported != "" {
			t, err := parseTime(imported)
			if err != nil {
				return damaged("import date", err)
			}
			i.Source.Imported = t
		}
		var err error
		if r.m.Created, err = parseTime(created); err != nil {
			return damaged("creation date", err)
		}
		if r.m.Modified, err = parseTime(modified); err != nil {
			return damaged("modification date", err)
		}
		found = true
		return nil
	})
	if r.err == nil && !found {
		r.err = fmt.Errorf("%w: it has no model description", ErrCorrupt)
	}
	r.each("SELECT name FROM authors ORDER BY seq", func(rows *sql.Rows) error {
		var a string
		err := rows.Scan(&a)
		r.m.Authors = append(r.m.Authors, a)
		return err
	})
}

func (r *reader) diagrams() {
	r.each("SELECT id, name, refines FROM diagrams", func(rows *sql.Rows) error {
		d := &model.Diagram{}
		var refines sql.NullString
		if err := rows.Scan(&d.ID, &d.Name, &refines); err != nil {
			return err
		}
		d.Refines = refines.String
		r.m.Diagrams[d.ID] = d
		return nil
	})
}

func (r *reader) elements() {
	r.each(`SELECT id, kind, diagram_id, name, description, x, y, w, h, source, target,
		out_of_scope, out_of_scope_reason FROM elements`, func(rows *sql.Rows) error {
		e := &model.Element{}
		var kind string
		if err := rows.Scan(&e.ID, &kind, &e.Diagram, &e.Name, &e.Description, &e.X, &e.Y, &e.W, &e.H,
			&e.Source, &e.Target, &e.OutOfScope, &e.OutOfScopeReason); err != nil {
			return err
		}
		if err := unmarshalCached(r.enums.kinds, &e.Kind, kind); err != nil {
			return damaged("element "+e.ID, err)
		}
		r.m.Elements[e.ID] = e
		return nil
	})
	elem := func(id string) (*model.Element, error) {
		if e := r.m.Elements[id]; e != nil {
			return e, nil
		}
		return nil, fmt.Errorf("%w: a row refers to missing element %q", ErrCorrupt, id)
	}
	r.each("SELECT element_id, x, y FROM element_points ORDER BY element_id, seq", func(rows *sql.Rows) error {
		var id string
		var p model.Point
		if err := rows.Scan(&id, &p.X, &p.Y); err != nil {
			return err
		}
		e, err := elem(id)
		if err == nil {
			e.Points = append(e.Points, p)
		}
		return err
	})
	r.each("SELECT element_id, key, value FROM element_props", func(rows *sql.Rows) error {
		var id, k, v string
		if err := rows.Scan(&id, &k, &v); err != nil {
			return err
		}
		e, err := elem(id)
		if err == nil {
			if e.Props == nil {
				e.Props = map[string]string{}
			}
			e.Props[k] = v
		}
		return err
	})
	r.each("SELECT element_id, asset_id FROM element_assets ORDER BY element_id, asset_id", func(rows *sql.Rows) error {
		var id, a string
		if err := rows.Scan(&id, &a); err != nil {
			return err
		}
		e, err := elem(id)
		if err == nil {
			e.Assets = append(e.Assets, a)
		}
		return err
	})
}

func (r *reader) assets() {
	r.each(`SELECT id, name, description, classification, confidentiality, integrity, availability
		FROM assets`, func(rows *sql.Rows) error {
		a := &model.DataAsset{}
		var class, c, i, av string
		if err := rows.Scan(&a.ID, &a.Name, &a.Description, &class, &c, &i, &av); err != nil {
			return err
		}
		err := firstError(a.Classification.UnmarshalText([]byte(class)), a.Confidentiality.UnmarshalText([]byte(c)),
			a.Integrity.UnmarshalText([]byte(i)), a.Availability.UnmarshalText([]byte(av)))
		if err != nil {
			return damaged("data asset "+a.ID, err)
		}
		r.m.Assets[a.ID] = a
		return nil
	})
}

func (r *reader) threats() {
	r.each(`SELECT id, number, rule_id, element_id, title, category, description, likelihood, impact,
		status, justification, mitigation, manual, obsolete, risk_set, confidence, assumes, origin, dread_damage, dread_reproducibility,
		dread_exploitability, dread_affected_users, dread_discoverability FROM threats`, func(rows *sql.Rows) error {
		t := &model.Threat{}
		var cat, l, i, st, conf, assumes string
		var dd, dr, de, da, dv sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Number, &t.RuleID, &t.ElementID, &t.Title, &cat, &t.Description, &l, &i,
			&st, &t.Justification, &t.Mitigation, &t.Manual, &t.Obsolete, &t.RiskSet, &conf, &assumes, &t.Origin, &dd, &dr, &de, &da, &dv); err != nil {
			return err
		}
		if assumes != "" {
			t.Assumes = strings.Fields(assumes)
		}
		if dd.Valid {
			t.Dread = &model.Dread{Damage: int(dd.Int64), Reproducibility: int(dr.Int64), Exploitability: int(de.Int64),
				AffectedUsers: int(da.Int64), Discoverability: int(dv.Int64)}
		}
		en := r.enums
		err := firstError(unmarshalCached(en.categories, &t.Category, cat), unmarshalCached(en.levels, &t.Likelihood, l),
			unmarshalCached(en.levels, &t.Impact, i), unmarshalCached(en.statuses, &t.Status, st),
			unmarshalCached(en.confidences, &t.Confidence, conf))
		if err != nil {
			return damaged("threat "+t.ID, err)
		}
		r.m.Threats[t.ID] = t
		return nil
	})
	threat := func(id string) (*model.Threat, error) {
		if t := r.m.Threats[id]; t != nil {
			return t, nil
		}
		return nil, fmt.Errorf("%w: a row refers to missing threat %q", ErrCorrupt, id)
	}
	r.each("SELECT threat_id, text FROM threat_facts ORDER BY threat_id, seq", func(rows *sql.Rows) error {
		var id, s string
		if err := rows.Scan(&id, &s); err != nil {
			return err
		}
		t, err := threat(id)
		if err == nil {
			t.Facts = append(t.Facts, s)
		}
		return err
	})
	r.each("SELECT threat_id, ref FROM threat_refs ORDER BY threat_id, seq", func(rows *sql.Rows) error {
		var id, s string
		if err := rows.Scan(&id, &s); err != nil {
			return err
		}
		t, err := threat(id)
		if err == nil {
			t.References = append(t.References, s)
		}
		return err
	})
}

func (r *reader) suppressions() {
	r.each("SELECT rule_id, element_id, justification FROM suppressions", func(rows *sql.Rows) error {
		s := &model.Suppression{}
		if err := rows.Scan(&s.RuleID, &s.ElementID, &s.Justification); err != nil {
			return err
		}
		r.m.Suppressions[s.Key()] = s
		return nil
	})
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *reader) ruleSets() {
	r.each("SELECT name, format, data FROM rule_sets", func(rows *sql.Rows) error {
		rs := &model.RuleSet{}
		if err := rows.Scan(&rs.Name, &rs.Format, &rs.Data); err != nil {
			return err
		}
		r.m.RuleSets[rs.Name] = rs
		return nil
	})
}

func (r *reader) conflicts() {
	r.each("SELECT id, what, subject, name, field, base, ours, theirs FROM conflicts", func(rows *sql.Rows) error {
		c := &model.Conflict{}
		if err := rows.Scan(&c.ID, &c.What, &c.Subject, &c.Name, &c.Field, &c.Base, &c.Ours, &c.Theirs); err != nil {
			return err
		}
		r.m.Conflicts[c.ID] = c
		return nil
	})
}

func (r *reader) trees() {
	r.each("SELECT id, name, target, root FROM attack_trees", func(rows *sql.Rows) error {
		t := &model.AttackTree{Nodes: map[string]*model.TreeNode{}}
		if err := rows.Scan(&t.ID, &t.Name, &t.Target, &t.Root); err != nil {
			return err
		}
		r.m.Trees[t.ID] = t
		return nil
	})
	r.each(`SELECT tree_id, id, parent, position, label, gate, threat_id, element_id, cost, probability, skill,
		defense, defended FROM tree_nodes`, func(rows *sql.Rows) error {
		n := &model.TreeNode{}
		var tree, gate, skill string
		if err := rows.Scan(&tree, &n.ID, &n.Parent, &n.Position, &n.Label, &gate, &n.ThreatID, &n.ElementID, &n.Cost,
			&n.Probability, &skill, &n.Defense, &n.Defended); err != nil {
			return err
		}
		if err := firstError(n.Gate.UnmarshalText([]byte(gate)), n.Skill.UnmarshalText([]byte(skill))); err != nil {
			return damaged("attack tree node "+n.ID, err)
		}
		t := r.m.Trees[tree]
		if t == nil {
			return fmt.Errorf("%w: a node refers to missing attack tree %q", ErrCorrupt, tree)
		}
		t.Nodes[n.ID] = n
		return nil
	})
}
