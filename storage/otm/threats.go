package otm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/internal/lenient"
)

// threats turns the threats on components and dataflows into the threats
// the other tool recorded, with their state and mitigations.
func (r *reader) threats() {
	defs, mits := map[string]*threat{}, map[string]*mitigation{}
	for i := range r.doc.Threats {
		t := &r.doc.Threats[i]
		if id := strings.TrimSpace(string(t.ID)); id != "" && defs[id] == nil {
			defs[id] = t
		} else {
			r.note("threat %q has a missing or repeated id and was left out", t.Name)
		}
	}
	for i := range r.doc.Mitigations {
		m := &r.doc.Mitigations[i]
		if id := strings.TrimSpace(string(m.ID)); id != "" && mits[id] == nil {
			mits[id] = m
		} else {
			r.note("mitigation %q has a missing or repeated id and was left out", m.Name)
		}
	}
	used := map[string]bool{}
	on := func(elementID string, list []instance) {
		e := r.m.Elements[elementID]
		for _, in := range list {
			id := strings.TrimSpace(string(in.Threat))
			def := defs[id]
			switch {
			case def == nil:
				r.note("%q refers to threat %q, which is not in the file; it was left out", r.name(elementID), id)
			case e == nil:
				r.note("threat %q is on %q, which was left out", def.Name, elementID)
			default:
				used[id] = true
				r.instance(e, def, in, mits)
			}
		}
	}
	for _, id := range r.order {
		if c := r.comps[id]; c != nil {
			on(id, c.Threats)
		}
	}
	for _, df := range r.doc.Dataflows {
		on(strings.TrimSpace(string(df.ID)), df.Threats)
	}
	if r.own {
		// Threats on flows only Rampart reads back (loose ends) have no
		// dataflow to stand on; they name their element themselves.
		for i := range r.doc.Threats {
			t := &r.doc.Threats[i]
			id := strings.TrimSpace(string(t.ID))
			if e := r.m.Elements[t.Attributes.text("rampart:element")]; e != nil && defs[id] == t && !used[id] {
				used[id] = true
				r.ownThreat(e, t)
			}
		}
	}
	for i := range r.doc.Threats {
		t := &r.doc.Threats[i]
		if id := strings.TrimSpace(string(t.ID)); defs[id] == t && !used[id] {
			r.note("threat %q is on no component or dataflow and was left out", t.Name)
		}
	}
}

// instance makes the threat a definition raises on one element.
func (r *reader) instance(e *model.Element, def *threat, in instance, mits map[string]*mitigation) {
	a := def.Attributes
	if r.own && a.text("rampart:element") == e.ID {
		r.ownThreat(e, def)
		return
	}
	r.number++
	t := &model.Threat{ID: "otm:" + strings.TrimSpace(string(def.ID)) + "@" + e.ID, Number: r.number, ElementID: e.ID,
		Title: strings.TrimSpace(string(def.Name)), Description: string(def.Description), Manual: true, Origin: Tool,
		References: lenient.Texts(def.CWEs), RiskSet: true}
	if r.m.Threats[t.ID] != nil {
		t.ID += "#" + strconv.Itoa(r.number)
	}
	if t.Title == "" {
		t.Title = "Untitled threat"
	}
	cats := lenient.Texts(def.Categories)
	t.Category = categoryOf(cats)
	if len(cats) > 0 && (len(cats) > 1 || cats[0] != t.Category.Label() && cats[0] != t.Category.String()) {
		t.Facts = append(t.Facts, "OTM categories: "+strings.Join(cats, ", "))
	}
	t.Impact = level(def.Risk.Impact)
	t.Likelihood = t.Impact
	if def.Risk.Likelihood != nil {
		t.Likelihood = level(*def.Risk.Likelihood)
	}
	for _, c := range []struct{ what, text string }{{"Likelihood", string(def.Risk.LikelihoodComment)}, {"Impact", string(def.Risk.ImpactComment)}} {
		if s := strings.TrimSpace(c.text); s != "" {
			t.Description = strings.TrimSpace(t.Description + "\n\n" + c.what + ": " + s)
		}
	}
	state := strings.TrimSpace(string(in.State))
	var known bool
	t.Status, known = statusOf(state)
	if !known {
		t.Facts = append(t.Facts, "OTM state: "+state)
	}
	var lines []string
	for _, mi := range in.Mitigations {
		mid := strings.TrimSpace(string(mi.Mitigation))
		m := mits[mid]
		if m == nil {
			r.note("threat %q on %q refers to mitigation %q, which is not in the file; it was left out", t.Title, e.Label(), mid)
			continue
		}
		line := strings.TrimSpace(string(m.Name))
		if s := strings.TrimSpace(string(mi.State)); s != "" {
			line += " (" + s + ")"
		}
		if d := strings.TrimSpace(string(m.Description)); d != "" {
			line += ": " + d
		}
		lines = append(lines, fmt.Sprintf("%s; risk reduction %s%%", line, scalar(float64(m.RiskReduction))))
	}
	t.Mitigation = strings.Join(lines, "\n")
	r.m.Threats[t.ID] = t
}

// ownThreat reads back a threat Rampart wrote, field by field.
func (r *reader) ownThreat(e *model.Element, def *threat) {
	a := def.Attributes
	t := &model.Threat{ID: strings.TrimSpace(string(def.ID)), ElementID: e.ID, Title: string(def.Name),
		Description: string(def.Description), RuleID: a.text("rampart:rule_id"), Justification: a.text("rampart:justification"),
		Mitigation: a.text("rampart:mitigation"), Origin: a.text("rampart:origin"), Facts: a.list("rampart:facts"),
		References: a.list("rampart:references"), Assumes: a.list("rampart:assumes"),
		Manual: a.text("rampart:manual") == "true", Obsolete: a.text("rampart:obsolete") == "true",
		RiskSet: a.text("rampart:risk_set") == "true"}
	t.Number, _ = strconv.Atoi(a.text("rampart:number"))
	for key, into := range map[string]interface{ UnmarshalText([]byte) error }{
		"rampart:category": &t.Category, "rampart:likelihood": &t.Likelihood, "rampart:impact": &t.Impact,
		"rampart:status": &t.Status, "rampart:confidence": &t.Confidence,
	} {
		if err := into.UnmarshalText([]byte(a.text(key))); err != nil {
			r.note("threat %q: %s: %v", t.Title, key, err)
		}
	}
	if s := a.text("rampart:dread"); s != "" {
		t.Dread = &model.Dread{}
		if err := jsonUnmarshal(s, t.Dread); err != nil {
			t.Dread = nil
		}
	}
	if r.m.Threats[t.ID] != nil {
		r.note("threat %q is repeated; it was read once", t.Title)
		return
	}
	r.m.Threats[t.ID] = t
}

// categoryOf reads the STRIDE category among a threat's categories, or
// guesses it from the words of other schemes; information disclosure
// when nothing says.
func categoryOf(cats []string) model.Category {
	for _, c := range cats {
		if cat, err := model.ParseCategory(c); err == nil {
			return cat
		}
	}
	guesses := []struct {
		word string
		cat  model.Category
	}{
		{"spoof", model.Spoofing}, {"authenticat", model.Spoofing}, {"tamper", model.Tampering},
		{"injection", model.Tampering}, {"integrity", model.Tampering}, {"repudiat", model.Repudiation},
		{"audit", model.Repudiation}, {"logging", model.Repudiation}, {"denial", model.DenialOfService},
		{"availability", model.DenialOfService}, {"elevation", model.ElevationOfPrivilege},
		{"privilege", model.ElevationOfPrivilege}, {"authoriz", model.ElevationOfPrivilege},
		{"access control", model.ElevationOfPrivilege},
	}
	for _, c := range cats {
		low := strings.ToLower(c)
		for _, g := range guesses {
			if strings.Contains(low, g.word) {
				return g.cat
			}
		}
	}
	return model.InformationDisclosure
}

// statusOf reads a threat's state: IriusRisk's words, and Rampart's.
func statusOf(state string) (model.Status, bool) {
	if s, err := model.ParseStatus(state); err == nil {
		return s, true
	}
	switch strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToLower(state)) {
	case "", "exposed", "expose", "open", "required", "recommended", "partlymitigated", "new":
		return model.Open, true
	case "closed", "implemented", "fixed":
		return model.Mitigated, true
	case "na", "notrelevant", "falsepositive":
		return model.NotApplicable, true
	}
	return model.Open, false
}
