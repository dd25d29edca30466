package storage

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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

// read loads a whole model through one connection, in one snapshot.
// Values that do not parse (an unknown kind, a bad date) mean the file was
// damaged or forged, and are reported as such.
func read(db *sql.DB) (*model.Model, error) {
	m := model.Empty()
	return checkedModel(m, readParts(db, m, (*reader).diagramPart, (*reader).threatPart))
}

// readAtOnce is read through two connections to a file opened immutable
// (which cannot change under them): the diagrams on one and the threats
// on the other, each part on its own processor, as reading a large model
// spends most of its time in the driver, row by row.
func readAtOnce(diagrams, threats *sql.DB) (*model.Model, error) {
	m := model.Empty()
	// The parts fill different fields of the model.
	threatsRead := make(chan error, 1)
	go func() { threatsRead <- readParts(threats, m, (*reader).threatPart) }()
	err := readParts(diagrams, m, (*reader).diagramPart)
	if terr := <-threatsRead; err == nil {
		err = terr
	}
	return checkedModel(m, err)
}

// readParts reads parts of a model in one transaction: one snapshot of
// every table they read, whatever a writer does meanwhile.
func readParts(db *sql.DB, m *model.Model, parts ...func(*reader)) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	r := &reader{tx: tx, m: m, enums: newEnumCache()}
	for _, part := range parts {
		part(r)
	}
	return r.err
}

// checkedModel refuses a model whose references do not hold.
func checkedModel(m *model.Model, err error) (*model.Model, error) {
	if err != nil {
		return nil, err
	}
	if err := model.CheckReferences(m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return m, nil
}

// diagramPart reads the model's description, diagrams, elements and data
// assets.
func (r *reader) diagramPart() {
	r.info()
	r.diagrams()
	r.elements()
	r.assets()
}

// threatPart reads the threats and what refers to them: suppressions,
// rule sets, attack trees and merge conflicts.
func (r *reader) threatPart() {
	r.threats()
	r.suppressions()
	r.ruleSets()
	r.trees()
	r.conflicts()
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
	// Properties are most of a model's rows, and the driver spends a
	// microsecond on each: SQLite joins each element's into one text of
	// byte-counted pieces, read by props.
	r.each(`SELECT element_id, count(*), group_concat(length(CAST(key AS BLOB)) || ' ' || key ||
		length(CAST(value AS BLOB)) || ' ' || value, '') FROM element_props GROUP BY element_id`, func(rows *sql.Rows) error {
		var id, joined string
		var n int
		if err := rows.Scan(&id, &n, &joined); err != nil {
			return err
		}
		e, err := elem(id)
		if err != nil {
			return err
		}
		if e.Props, err = props(joined, n); err != nil {
			return damaged("properties of element "+id, err)
		}
		return nil
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

// props reads the n properties SQLite joined as "<bytes> <key><bytes> <value>…".
func props(joined string, n int) (map[string]string, error) {
	out := make(map[string]string, n)
	next := func() (string, error) {
		space := strings.IndexByte(joined, ' ')
		size, err := strconv.Atoi(joined[:max(space, 0)])
		if space < 0 || err != nil || size < 0 || size > len(joined)-space-1 {
			return "", errors.New("they do not read as stored")
		}
		text := joined[space+1 : space+1+size]
		joined = joined[space+1+size:]
		return text, nil
	}
	for range n {
		k, err := next()
		if err != nil {
			return nil, err
		}
		if out[k], err = next(); err != nil {
			return nil, err
		}
	}
	if joined != "" || len(out) != n {
		return nil, errors.New("they do not read as stored")
	}
	return out, nil
}
