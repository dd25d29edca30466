package threagile

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/internal/lenient"
)

// risks turns the hand-written individual risks into the threats
// Threagile recorded, each on its most relevant element, with the status
// the risk tracking gives it. Tracking of Threagile's generated risks has
// nothing to apply to: Rampart raises its own threats.
func (r *reader) risks() {
	tracked := map[string]bool{}
	for _, title := range slices.Sorted(maps.Keys(r.doc.RiskCategories)) {
		c := r.doc.RiskCategories[title]
		cid := strings.TrimSpace(string(c.ID))
		cat, ok := strideOf(string(c.STRIDE))
		for _, rt := range slices.Sorted(maps.Keys(c.Risks)) {
			rk := c.Risks[rt]
			ids := []string{string(rk.TechnicalAsset), string(rk.CommunicationLink), string(rk.TrustBoundary),
				string(rk.SharedRuntime), string(rk.DataAsset)}
			synthetic := cid
			for _, id := range ids {
				if id = strings.TrimSpace(id); id != "" {
					synthetic += "@" + id
				}
			}
			on := r.relevant(rk)
			if on == "" {
				r.note("individual risk %q names no technical asset, link or boundary of the model; it was left out", plainText(text(rt)))
				continue
			}
			r.number++
			t := &model.Threat{ID: "threagile:" + synthetic, Number: r.number, ElementID: on, Title: plainText(text(rt)),
				Category: cat, Manual: true, Origin: Tool, RiskSet: true, References: references(c)}
			if r.m.Threats[t.ID] != nil {
				t.ID += fmt.Sprintf("#%d", r.number)
			}
			if !ok {
				t.Facts = append(t.Facts, "Threagile STRIDE: "+string(c.STRIDE)+" (not STRIDE; filed as "+cat.Label()+")")
			}
			t.Description = joinFields([][2]string{{"", plainText(text(title))}, {"", plainText(c.Description)},
				{"Impact", plainText(c.Impact)}, {"Detection", plainText(c.DetectionLogic)},
				{"Risk assessment", plainText(c.RiskAssessment)}, {"False positives", plainText(c.FalsePositives)}})
			t.Mitigation = joinFields([][2]string{{"", plainText(c.Mitigation)}, {"Action", plainText(c.Action)}, {"Check", plainText(c.Check)}})
			sev, known := severity(string(rk.Severity))
			t.Likelihood, t.Impact = model.LevelsFor(sev)
			facts := fmt.Sprintf("Threagile: severity %s, exploitation likelihood %s, impact %s", orUnset(rk.Severity),
				orUnset(rk.Likelihood), orUnset(rk.Impact))
			if p := norm(string(rk.BreachProbability)); p != "" {
				facts += ", data breach " + p
			}
			t.Facts = append(t.Facts, facts)
			if !known && rk.Severity != "" {
				t.Facts = append(t.Facts, "Threagile severity "+string(rk.Severity)+" is not one Rampart knows; rated medium")
			}
			if key, tr := r.trackingOf(synthetic); key != "" {
				tracked[key] = true
				r.track(t, tr)
			}
			r.m.Threats[t.ID] = t
		}
	}
	// What the authors decided about Threagile's own risks is said in
	// full, so that the analyst can carry it over to Rampart's threats.
	var untracked []string
	for _, key := range slices.Sorted(maps.Keys(r.doc.Tracking)) {
		if !tracked[key] {
			tr := r.doc.Tracking[key]
			line := key + " " + orUnset(tr.Status)
			if j := plainText(tr.Justification); j != "" {
				line += " (“" + j + "”)"
			}
			untracked = append(untracked, line)
		}
	}
	if len(untracked) > 0 {
		r.note("risk tracking for Threagile's generated risks was left out, as Rampart's rules raise their own threats: %s",
			strings.Join(untracked, "; "))
	}
}

// relevant is the element an individual risk is on: its technical asset,
// link, trust boundary, or an asset of its shared runtime or data breach.
func (r *reader) relevant(rk risk) string {
	for _, id := range []text{rk.TechnicalAsset, rk.CommunicationLink, rk.TrustBoundary} {
		if e := r.m.Elements[strings.TrimSpace(string(id))]; e != nil {
			return e.ID
		}
	}
	if rt := strings.TrimSpace(string(rk.SharedRuntime)); rt != "" {
		for _, title := range slices.Sorted(maps.Keys(r.doc.Runtimes)) {
			if s := r.doc.Runtimes[title]; strings.TrimSpace(string(s.ID)) == rt {
				for _, id := range lenient.Texts(s.Running) {
					if r.m.Elements[id] != nil {
						return id
					}
				}
			}
		}
	}
	for _, id := range lenient.Texts(rk.BreachAssets) {
		if r.m.Elements[id] != nil {
			return id
		}
	}
	return ""
}

// trackingOf finds the risk tracking of a risk: by its id, else by a
// pattern whose * stand for one id each, as Threagile matches them.
func (r *reader) trackingOf(synthetic string) (string, tracking) {
	if tr, ok := r.doc.Tracking[synthetic]; ok {
		return synthetic, tr
	}
	if r.wild == nil {
		r.wild = []wildcard{} // compiled once for all the risks
		for _, key := range slices.Sorted(maps.Keys(r.doc.Tracking)) {
			if !strings.Contains(key, "*") {
				continue
			}
			if re, err := regexp.Compile(strings.ReplaceAll(regexp.QuoteMeta(key), `\*`, `[^@]+`)); err == nil {
				r.wild = append(r.wild, wildcard{key, re})
			}
		}
	}
	for _, w := range r.wild {
		if w.re.MatchString(synthetic) {
			return w.key, r.doc.Tracking[w.key]
		}
	}
	return "", tracking{}
}

// wildcard is a tracking key with a * and the pattern it stands for.
type wildcard struct {
	key string
	re  *regexp.Regexp
}

// track sets a threat's status from its tracking, and says who checked
// it, when, and under which ticket.
func (r *reader) track(t *model.Threat, tr tracking) {
	st, ok := status(string(tr.Status))
	t.Status = st
	var why []string
	if !ok || norm(string(tr.Status)) == "in-progress" || norm(string(tr.Status)) == "in-discussion" {
		why = append(why, "Threagile status: "+string(tr.Status))
	}
	if j := plainText(tr.Justification); j != "" {
		why = append(why, j)
	}
	var by []string
	if v := plainText(tr.Ticket); v != "" {
		by = append(by, "ticket "+v)
	}
	if v := plainText(tr.CheckedBy); v != "" {
		by = append(by, "checked by "+v)
	}
	if v := plainText(tr.Date); v != "" {
		by = append(by, "on "+v)
	}
	if len(by) > 0 {
		why = append(why, "Tracked: "+strings.Join(by, ", ")+".")
	}
	t.Justification = strings.Join(why, "\n")
}

func references(c riskCategory) []string {
	var out []string
	if cwe := strings.TrimSpace(string(c.CWE)); cwe != "" && cwe != "0" {
		if !strings.HasPrefix(strings.ToUpper(cwe), "CWE") {
			cwe = "CWE-" + cwe
		}
		out = append(out, cwe)
	}
	for _, v := range []text{c.ASVS, c.CheatSheet} {
		if s := plainText(v); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func joinFields(fields [][2]string) string {
	var out []string
	for _, f := range fields {
		switch {
		case f[1] == "":
		case f[0] == "":
			out = append(out, f[1])
		default:
			out = append(out, f[0]+": "+f[1])
		}
	}
	return strings.Join(out, "\n\n")
}

func orUnset(t text) string {
	if s := norm(string(t)); s != "" {
		return s
	}
	return "not stated"
}

// strideOf reads Threagile's stride value ("information-disclosure").
func strideOf(s string) (model.Category, bool) {
	c, err := model.ParseCategory(s)
	if err != nil {
		return model.InformationDisclosure, false
	}
	return c, true
}
