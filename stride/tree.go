package stride

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// NodeValue is what evaluation computes for one node of an attack tree.
type NodeValue struct {
	Cost        float64 // cheapest way to succeed; +Inf when the branch is cut
	Probability float64 // of success
	Skill       model.Level
	Defended    bool // its defense is in place, or its threat is mitigated
}

// AttackPath is a minimal set of leaves that together reach the goal.
type AttackPath struct {
	Leaves      []string // node IDs
	Cost        float64
	Probability float64
	Skill       model.Level
}

// TreeValues are the results of evaluating an attack tree.
type TreeValues struct {
	Nodes map[string]NodeValue
	Paths []AttackPath // cheapest first
	// MorePaths is set when the tree has more minimal paths than the
	// maxPaths cheapest listed in Paths.
	MorePaths bool
}

// Root is the goal's value.
func (v *TreeValues) Root(t *model.AttackTree) NodeValue { return v.Nodes[t.Root] }

// maxPaths bounds the minimal attack paths kept: AND over ORs multiplies
// them, and an analyst reads the cheapest few.
const maxPaths = 20

// Evaluate computes every node's values: the cheapest attack (minimum over
// OR, sum over AND), the probability of success (OR: 1 − Π(1 − p), AND:
// Π p), the skill needed, and the minimal attack paths. A node whose
// defense is in place, or whose threat is mitigated, is cut: infinite
// cost, no chance.
func Evaluate(m *model.Model, t *model.AttackTree) *TreeValues {
	v := &TreeValues{Nodes: map[string]NodeValue{}}
	paths := map[string][]AttackPath{}
	var eval func(id string, seen map[string]bool) NodeValue
	eval = func(id string, seen map[string]bool) NodeValue {
		n := t.Nodes[id]
		if n == nil || seen[id] {
			return NodeValue{Cost: math.Inf(1)}
		}
		seen[id] = true
		defer delete(seen, id)
		kids := t.Children(id)
		var nv NodeValue
		switch {
		case n.Gate == model.Leaf || len(kids) == 0:
			nv = NodeValue{Cost: n.Cost, Probability: clamp01(n.Probability), Skill: n.Skill}
			paths[id] = []AttackPath{{Leaves: []string{id}, Cost: n.Cost, Probability: nv.Probability, Skill: n.Skill}}
		case n.Gate == model.Or:
			nv = NodeValue{Cost: math.Inf(1)}
			miss := 1.0
			for _, c := range kids {
				cv := eval(c.ID, seen)
				miss *= 1 - cv.Probability
				if cv.Cost < nv.Cost {
					nv.Cost, nv.Skill = cv.Cost, cv.Skill
				}
				paths[id] = append(paths[id], paths[c.ID]...)
			}
			nv.Probability = 1 - miss
			nv.Defended = math.IsInf(nv.Cost, 1) // every way is cut
			paths[id] = cheapest(paths[id])
		default: // And
			nv = NodeValue{Probability: 1}
			combos := []AttackPath{{Probability: 1}}
			for _, c := range kids {
				cv := eval(c.ID, seen)
				nv.Cost += cv.Cost
				nv.Probability *= cv.Probability
				nv.Skill = max(nv.Skill, cv.Skill)
				nv.Defended = nv.Defended || cv.Defended // one cut step cuts the branch
				combos = product(combos, paths[c.ID])
			}
			paths[id] = combos
		}
		if defended(m, n) {
			nv = NodeValue{Cost: math.Inf(1), Skill: nv.Skill, Defended: true}
			paths[id] = nil
		}
		v.Nodes[id] = nv
		return nv
	}
	eval(t.Root, map[string]bool{})
	// Two leaves for one threat (under two routes) are one step for the
	// attacker: paths are told apart by what they do.
	step := func(id string) string {
		if n := t.Nodes[id]; n != nil && n.ThreatID != "" {
			return "threat:" + n.ThreatID
		}
		return "node:" + id
	}
	v.Paths, v.MorePaths = minimal(paths[t.Root], step)
	return v
}

func clamp01(p float64) float64 { return math.Max(0, math.Min(1, p)) }

// defended reports whether a node's branch is cut: its defense is in
// place, or the threat it stands for is mitigated.
func defended(m *model.Model, n *model.TreeNode) bool {
	if n.Defended {
		return true
	}
	th := m.Threats[n.ThreatID]
	return th != nil && th.Status == model.Mitigated
}

// product combines the paths of an AND's children: one path of each.
func product(acc, next []AttackPath) []AttackPath {
	var out []AttackPath
	for _, a := range acc {
		for _, b := range next {
			leaves := append(slices.Clone(a.Leaves), b.Leaves...)
			slices.Sort(leaves)
			out = append(out, AttackPath{Leaves: slices.Compact(leaves), Cost: a.Cost + b.Cost,
				Probability: a.Probability * b.Probability, Skill: max(a.Skill, b.Skill)})
		}
	}
	return cheapest(out)
}

func cheapest(ps []AttackPath) []AttackPath {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Cost != ps[j].Cost {
			return ps[i].Cost < ps[j].Cost
		}
		if ps[i].Probability != ps[j].Probability {
			return ps[i].Probability > ps[j].Probability
		}
		return strings.Join(ps[i].Leaves, ",") < strings.Join(ps[j].Leaves, ",")
	})
	if len(ps) > 4*maxPaths {
		ps = ps[:4*maxPaths]
	}
	return ps
}

// minimal drops paths that contain another path's steps, and duplicates,
// keeps the cheapest maxPaths, and says whether minimal paths were left
// over (or the candidates were cut before they could be told).
func minimal(ps []AttackPath, step func(string) string) ([]AttackPath, bool) {
	var out []AttackPath
	var steps [][]string
	total := len(ps)
	candidates := cheapest(ps)
	for _, p := range candidates {
		var st []string
		for _, l := range p.Leaves {
			st = append(st, step(l))
		}
		keep := true
		for _, q := range steps {
			if subset(q, st) {
				keep = false
				break
			}
		}
		if !keep {
			continue
		}
		if len(out) == maxPaths {
			return out, true
		}
		out = append(out, p)
		steps = append(steps, st)
	}
	return out, total > len(candidates)
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// goals says, per STRIDE category, what an attacker does to a target.
var goals = map[model.Category]string{
	model.InformationDisclosure: "Disclose", model.Tampering: "Tamper with", model.DenialOfService: "Deny access to",
	model.ElevationOfPrivilege: "Take control of", model.Spoofing: "Impersonate", model.Repudiation: "Act unaccountably on",
}

// Leaf values from a threat's likelihood: how likely an attempt succeeds,
// what it costs (relative effort) and the skill it needs.
var (
	leafProbability = [4]float64{0.1, 0.3, 0.6, 0.9}
	leafCost        = [4]float64{30, 10, 3, 1}
	leafSkill       = [4]model.Level{model.High, model.Medium, model.Low, model.Low}
)

// Derive builds a first attack tree for a target (an element, or a data
// asset and the elements that hold it) from the model and its threats.
// The goal is at the root; below it an OR branch per STRIDE category with
// threats on the target; below each, the paths by which an attacker
// reaches the target from an external entity through the DFD (AND of the
// steps along one path: the threats on each element and flow crossed on
// the way, or its plain use where nothing is recorded; two steps or more
// are grouped under an AND of their own, which recurs under each category
// and is drawn once). Mitigated threats cut their leaves when the tree is
// evaluated.
func Derive(lib *Library, m *model.Model, targetID string) (*model.AttackTree, error) {
	var targets []*model.Element
	name := ""
	g := newAttackGraph(m)
	if e := m.Elements[targetID]; e != nil {
		targets, name = []*model.Element{e}, e.Label()
	} else if a := m.Assets[targetID]; a != nil {
		name = a.Name
		for _, e := range m.ElementList() {
			if slices.Contains(e.Assets, targetID) && !g.refined[e.ID] && !g.stood(e) {
				targets = append(targets, e)
			}
		}
	} else {
		return nil, fmt.Errorf("no element or data asset %q to derive an attack tree for", targetID)
	}
	d := &deriver{lib: lib, m: m, g: g, t: &model.AttackTree{ID: model.NewID(), Name: "Attack tree: " + name,
		Target: targetID, Root: "n0", Nodes: map[string]*model.TreeNode{}}}
	d.t.Nodes["n0"] = &model.TreeNode{ID: "n0", Label: "Compromise " + name, Gate: model.Or}
	for _, c := range model.Categories {
		branch := d.node("n0", goals[c]+" "+name, model.Or)
		for _, target := range targets {
			d.category(branch, c, target)
		}
		if len(d.t.Children(branch)) == 0 {
			delete(d.t.Nodes, branch)
		}
	}
	if len(d.t.Children("n0")) == 0 {
		d.t.Nodes["n0"].Gate = model.Leaf
		d.t.Nodes["n0"].Label = "Compromise " + name + " (no threat recorded against it)"
		d.t.Nodes["n0"].Cost, d.t.Nodes["n0"].Probability = 100, 0.01
	}
	return d.t, nil
}

type deriver struct {
	target *model.Element // the element whose paths are being added
	lib    *Library
	m      *model.Model
	g      *attackGraph
	t      *model.AttackTree
	next   int
}

func (d *deriver) node(parent, label string, gate model.Gate) string {
	d.next++
	id := fmt.Sprintf("n%d", d.next)
	d.t.Nodes[id] = &model.TreeNode{ID: id, Parent: parent, Position: d.next, Label: label, Gate: gate}
	return id
}

// threatLeaf adds a leaf standing for a threat.
func (d *deriver) threatLeaf(parent string, th *model.Threat) {
	id := d.node(parent, th.Code()+" "+th.Title, model.Leaf)
	n := d.t.Nodes[id]
	n.ThreatID, n.ElementID = th.ID, th.ElementID
	l := int(th.Likelihood)
	n.Probability, n.Cost, n.Skill = leafProbability[l], leafCost[l], leafSkill[l]
	if th.Mitigation != "" {
		n.Defense = th.Mitigation
	} else if d.lib != nil {
		if r := d.lib.Rule(th.RuleID); r != nil && len(r.Mitigations) > 0 {
			n.Defense = r.Mitigations[0].Do
		}
	}
}

// live lists the threats that count against an element, of some categories.
func (d *deriver) live(elementID string, cats ...model.Category) []*model.Threat {
	var out []*model.Threat
	for _, th := range d.m.ThreatsOf(elementID) {
		if !th.Obsolete && th.Status != model.NotApplicable && d.m.Suppressed(th.RuleID, th.ElementID) == nil &&
			slices.Contains(cats, th.Category) {
			out = append(out, th)
		}
	}
	return out
}

// category adds the paths to one target for one STRIDE category. A flow
// is attacked where it starts: the paths lead to its source.
func (d *deriver) category(branch string, c model.Category, target *model.Element) {
	d.target = target
	anchor := target.ID
	if target.Kind == model.DataFlow {
		anchor = target.Source
	}
	paths := d.g.pathsTo(anchor)
	if target.Kind == model.DataFlow {
		for i := range paths {
			paths[i].nodes = append(paths[i].nodes, target)
			paths[i].flows = append(paths[i].flows, target)
		}
	}
	if len(paths) == 0 {
		// Nothing reaches it from outside: only threats on the target itself.
		if ths := d.live(target.ID, c); len(ths) > 0 {
			step := d.node(branch, fmt.Sprintf("%s %s directly", goals[c], target.Label()), model.Or)
			for _, th := range ths {
				d.threatLeaf(step, th)
			}
		}
		return
	}
	seen := map[string]bool{}
	for _, p := range paths {
		var ids []string
		for _, e := range p.nodes {
			ids = append(ids, e.ID)
		}
		if key := strings.Join(ids, ">"); seen[key] {
			continue // the same route over a parallel flow
		} else {
			seen[key] = true
		}
		last := p.flows[len(p.flows)-1]
		final := d.live(target.ID, c)
		if last.ID != target.ID {
			final = append(final, d.live(last.ID, c)...)
		}
		if len(final) == 0 {
			continue
		}
		var names []string
		for _, e := range p.nodes {
			names = append(names, d.where(e))
		}
		route := d.node(branch, "Via "+strings.Join(names, " → "), model.And)
		// The steps that reach the target are the same under every
		// category the route serves: grouped under a node of their own,
		// they are one branch that recurs, which a drawing shows once.
		// An AND under an AND changes no value: costs add, chances
		// multiply and the skill is the highest either way.
		reach := route
		if len(names) > 3 {
			reach = d.node(route, fmt.Sprintf("Reach %s from %s through %s", names[len(names)-1], names[0],
				strings.Join(names[1:len(names)-1], " → ")), model.And)
		}
		for i, e := range p.nodes[1 : len(p.nodes)-1] {
			f := p.flows[i]
			enabling := append(d.live(f.ID, model.Spoofing, model.Tampering, model.ElevationOfPrivilege),
				d.live(e.ID, model.Spoofing, model.Tampering, model.ElevationOfPrivilege)...)
			step := d.node(reach, "Get through "+d.where(e), model.Or)
			if len(enabling) == 0 {
				leaf := d.t.Nodes[d.node(step, fmt.Sprintf("Send requests through %s, as %s may", e.Label(), names[0]), model.Leaf)]
				leaf.ElementID, leaf.Probability, leaf.Cost, leaf.Skill = e.ID, 1, 0, model.Low
				continue
			}
			for _, th := range enabling {
				d.threatLeaf(step, th)
			}
		}
		step := d.node(route, goals[c]+" "+target.Label(), model.Or)
		for _, th := range final {
			d.threatLeaf(step, th)
		}
	}
}

// where names an element with the process its diagram refines when it
// lies deeper than the target, so a path through a child diagram reads
// "Order API (Orders service)".
func (d *deriver) where(e *model.Element) string {
	dg, td := d.m.Diagrams[e.Diagram], d.m.Diagrams[d.target.Diagram]
	if dg != nil && td != nil && d.m.Level(dg) > d.m.Level(td) {
		if p := d.m.Elements[dg.Refines]; p != nil {
			return e.Label() + " (" + p.Label() + ")"
		}
	}
	return e.Label()
}

// attackGraph is the DFD as an attacker walks it: from element to element
// along the analysable flows (both ways on bidirectional ones).
type attackGraph struct {
	m       *model.Model
	in      map[string][]*model.Element // element → flows arriving there
	outs    map[string][]*model.Element // element → flows leaving it
	entries map[string]bool             // where attackers start: external entities
	levels                              // which level of a refined process is walked
}

func newAttackGraph(m *model.Model) *attackGraph {
	g := &attackGraph{m: m, in: map[string][]*model.Element{}, outs: map[string][]*model.Element{}, entries: map[string]bool{},
		levels: levelsOf(m)}
	for _, f := range m.Elements {
		switch {
		case f.Kind == model.ExternalEntity && !f.OutOfScope:
			g.entries[f.ID] = true
		case f.Kind != model.DataFlow || g.stands[f.ID] || f.OutOfScope:
		case m.Elements[f.Source] == nil || m.Elements[f.Target] == nil:
		default:
			g.in[f.Target] = append(g.in[f.Target], f)
			if f.Bool("bidirectional") {
				rev := f.Clone()
				rev.Source, rev.Target = f.Target, f.Source
				g.in[rev.Target] = append(g.in[rev.Target], rev)
			}
		}
	}
	for _, fs := range g.in {
		sort.Slice(fs, func(i, j int) bool { return fs[i].ID < fs[j].ID })
		for _, f := range fs {
			g.outs[f.Source] = append(g.outs[f.Source], f)
		}
	}
	for _, fs := range g.outs {
		sort.Slice(fs, func(i, j int) bool { return fs[i].ID < fs[j].ID })
	}
	return g
}

// stood reports whether a flow is stood for by a child diagram's
// interface flows (and so not walked).
func (g *attackGraph) stood(e *model.Element) bool { return g.stands[e.ID] }

type attackPath struct {
	nodes []*model.Element // entry … target
	flows []*model.Element // flows[i] goes from nodes[i] to nodes[i+1]
}

// pathsTo finds the shortest paths from the nearest entry points to a
// target: breadth-first backwards from the target, then at most three
// paths from each of the five nearest entries.
func (g *attackGraph) pathsTo(target string) []attackPath {
	const maxDepth, maxEntries, perEntry = 8, 5, 3
	dist := map[string]int{target: 0}
	queue := []string{target}
	var entries []string
	for len(queue) > 0 && len(entries) < maxEntries {
		cur := queue[0]
		queue = queue[1:]
		if dist[cur] >= maxDepth {
			continue
		}
		for _, f := range g.in[cur] {
			if _, seen := dist[f.Source]; seen {
				continue
			}
			dist[f.Source] = dist[cur] + 1
			queue = append(queue, f.Source)
			if g.entries[f.Source] {
				entries = append(entries, f.Source)
			}
		}
	}
	var out []attackPath
	for _, entry := range entries {
		var found []attackPath
		var walk func(at string, p attackPath)
		walk = func(at string, p attackPath) {
			if len(found) >= perEntry {
				return
			}
			if at == target {
				found = append(found, attackPath{nodes: slices.Clone(p.nodes), flows: slices.Clone(p.flows)})
				return
			}
			// Step to a neighbour one hop nearer the target.
			for _, e := range g.outs[at] {
				if d, ok := dist[e.Target]; ok && d == dist[at]-1 {
					walk(e.Target, attackPath{nodes: append(p.nodes, g.m.Elements[e.Target]), flows: append(p.flows, e)})
				}
			}
		}
		walk(entry, attackPath{nodes: []*model.Element{g.m.Elements[entry]}})
		out = append(out, found...)
	}
	return out
}
