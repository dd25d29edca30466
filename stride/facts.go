package stride

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/rampart-tm/rampart/model"
)

// Facts are what a rule's condition can read about an element, as a map
// of names to values. Every element has:
//
//	id, name, kind, technology, out_of_scope
//	each property of its kind (booleans false when unset, others "" when unset)
//	data        the highest classification of the data it carries or holds:
//	            -1 none, 0 public, 1 internal, 2 confidential, 3 restricted
//	data_names  the names of that data
//	zone        the zone of the innermost trust boundary holding it ("" if none)
//	zone_trust  that boundary's trust: -1 unknown, 0 untrusted, 1 low, 2 medium, 3 high
//	zone_name   that boundary's name
//	zone_stated whether the model states that boundary's zone or trust (not
//	            only its name suggests them)
//	set         the names of the properties that are set (unset booleans read false)
//
// Nodes also have incoming and outgoing (lists of flow facts), has_inbound
// and callers (whether and how many distinct processes or entities send to
// it: reading a store is not a call), exposed (reachable from the
// Internet or an untrusted zone) and non_web (every flow into it names a
// protocol, and none is a web or RPC one: web rules do not apply). Flows also have source and target (node
// facts), crosses, crossings (how many boundaries), boundaries (their
// names), trust_drop (the target's zone is less trusted than the source's),
// from_lower_trust (the source's zone is less trusted than the target's) and
// local (an in-process call, not a network flow). Flows that a child diagram's
// interface flows stand for are left out of their neighbours' lists (see
// levels).
type Facts = map[string]any

// zoneTrust is how far a boundary's zone is trusted, from its trust
// property or else its zone type; -1 when nothing says.
func zoneTrust(b *model.Element) int {
	if b == nil {
		return -1
	}
	if t := b.Prop("trust"); t != "" {
		return slices.Index([]string{"untrusted", "low", "medium", "high"}, t)
	}
	switch zoneOf(b) {
	case "internet":
		return 0
	case "third_party":
		return 1
	case "dmz", "internal":
		return 2
	case "cluster", "data", "management":
		return 3
	}
	return -1
}

// factBase holds the facts of every element of a model, built once per
// analysis.
type factBase struct {
	m      *model.Model
	ix     *model.Index
	facts  map[string]Facts
	levels // which level of a refined process is analysed
	// known says, per element, which properties the model states: "" for
	// a property set in the model, the reason for one inferred from what
	// it states (see Infer). Any other property is unknown.
	known map[string]map[string]string
	// contexts caches the explanation lines shared by an element's threats.
	contexts map[string][]string
	// distances caches entryDistances.
	distances map[string]int
	// recorded lists, per element, the threats people wrote on it (by
	// hand, or in the tool the model came from).
	recorded map[string][]*model.Threat
	// sharedNames are the names several analysed flows carry ("HTTPS",
	// a Threagile link named after its target).
	sharedNames map[string]bool
}

// sharedNames finds the names that more than one analysed flow carries:
// their threats name the flow's ends too, so that "Queue may be altered in
// transit" says which of five.
func sharedNames(fb *factBase, flows []*model.Element) map[string]bool {
	seen, shared := map[string]bool{}, map[string]bool{}
	for _, e := range flows {
		if e.Name == "" || fb.stands[e.ID] || fb.halves[e.ID] != nil || fb.m.Elements[e.Source] == nil || fb.m.Elements[e.Target] == nil {
			continue
		}
		shared[e.Name] = seen[e.Name]
		seen[e.Name] = true
	}
	for name, twice := range shared {
		if !twice {
			delete(shared, name)
		}
	}
	return shared
}

func newFactBase(m *model.Model) *factBase {
	fb := &factBase{m: m, ix: model.NewIndex(m), facts: make(map[string]Facts, len(m.Elements)),
		levels: levelsOf(m), contexts: map[string][]string{}, known: make(map[string]map[string]string, len(m.Elements))}
	els := make([]*model.Element, 0, len(m.Elements))
	for _, e := range m.Elements {
		if e.Kind != model.TrustBoundary {
			els = append(els, e)
			if e.Kind != model.DataFlow {
				// The index remembers where each node sits: asked here, so
				// the goroutines below only read it.
				fb.ix.BoundariesOf(e)
			}
		}
	}
	// Each element's own facts on every processor: they read only the
	// model.
	facts := make([]Facts, len(els))
	known := make([]map[string]string, len(els))
	inPieces(len(els), 128, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			facts[i], known[i] = fb.elementFacts(els[i])
		}
	})
	for i, e := range els {
		fb.facts[e.ID] = facts[i]
		if known[i] != nil {
			fb.known[e.ID] = known[i]
		}
	}
	// Then, on every processor, what flows know of their ends, and nodes
	// of their flows: each writes only its own facts. Flows that end at
	// other flows (a damaged file) read facts that may still change, so
	// they go one at a time.
	var flows, odd, nodes []*model.Element
	for _, e := range els {
		switch {
		case e.Kind != model.DataFlow:
			nodes = append(nodes, e)
		case fb.nodeOrNone(e.Source) && fb.nodeOrNone(e.Target):
			flows = append(flows, e)
		default:
			odd = append(odd, e)
		}
	}
	fb.sharedNames = sharedNames(fb, flows)
	fb.learnEach(flows, fb.flowFacts)
	for _, e := range odd {
		fb.flowFacts(e, func(key, because string) { fb.know(e.ID, key, because) })
	}
	ends := make(map[string]endFacts, len(fb.facts))
	for id, f := range fb.facts {
		ends[id] = endFacts{f["kind"], f["technology"], intFact(f, "zone_trust"), f["client"] == true}
	}
	fb.learnEach(nodes, func(e *model.Element, know func(key, because string)) { fb.nodeLinks(e, ends, know) })
	fb.markResponses()
	// Sorting a large model's threats to find the few written by hand
	// would cost more than the lookups: each element's are sorted alone.
	fb.recorded = map[string][]*model.Threat{}
	for _, t := range m.Threats {
		if t.Manual {
			fb.recorded[t.ElementID] = append(fb.recorded[t.ElementID], t)
		}
	}
	for _, ts := range fb.recorded {
		model.SortByNumber(ts)
	}
	return fb
}

// recordedLines name the threats people wrote on an element in a STRIDE
// category, so that a suggestion reads beside what they already decided
// (one they marked mitigated, say) rather than as news.
func (fb *factBase) recordedLines(e *model.Element, c model.Category) []string {
	var out []string
	for _, t := range fb.recorded[e.ID] {
		if t.Category != c || t.Obsolete {
			continue
		}
		by := "by hand"
		if t.Origin != "" {
			by = "in " + t.Origin
		}
		out = append(out, fmt.Sprintf("in this category, recorded %s on %s: %s “%s” (%s)", by, e.Label(), t.Code(), t.Title, t.Status.Label()))
	}
	return out
}

// nodeOrNone tells whether an element is a node, or missing.
func (fb *factBase) nodeOrNone(id string) bool {
	e := fb.m.Elements[id]
	return e == nil || e.Kind.IsNode()
}

// learnEach runs learn on each element on every processor. learn writes
// only the element's own facts; what it finds known (see know) is
// recorded after.
func (fb *factBase) learnEach(els []*model.Element, learn func(e *model.Element, know func(key, because string))) {
	known := make([]map[string]string, len(els))
	inPieces(len(els), 128, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			learn(els[i], func(key, because string) {
				if known[i] == nil {
					known[i] = map[string]string{}
				}
				known[i][key] = because
			})
		}
	})
	for i, e := range els {
		for k, because := range known[i] {
			fb.know(e.ID, k, because)
		}
	}
}

// endFacts are the facts of an element that nodeLinks reads of the
// other ends of a node's flows, read before any node changes its own.
type endFacts struct {
	kind, technology any
	zoneTrust        int
	client           bool
}

// machineTechnologies are outside parties that are systems, not people or
// the programs people use.
var machineTechnologies = set("third_party_service", "partner_system", "external_system", "llm_service")

// elementFacts are the facts every element has, and which of its
// properties are known (see factBase.known), nil when none.
func (fb *factBase) elementFacts(e *model.Element) (Facts, map[string]string) {
	var known map[string]string
	know := func(key, because string) {
		if known == nil {
			known = map[string]string{}
		}
		known[key] = because
	}
	// Only what is set or computed: a property nobody set reads as unset
	// through the conditions themselves (see factChecker). Room for the
	// computed facts too: a map that grows later copies itself, and models
	// have a hundred thousand of them.
	computed := len(computedNode) + 2 // and local, response
	if e.Kind == model.DataFlow {
		computed = len(computedFlow) + 3 // and client, person, managed
	}
	f := make(Facts, computed+len(e.Props))
	for k, v := range e.Props {
		f[k] = typed(e.Kind, k, v)
		know(k, "")
	}
	traits := protocolTraits(e.Prop("protocol"))
	f["local"] = traits.local // flowFacts adds people using their own devices
	for k, inf := range infer(e, traits) {
		f[k] = typed(e.Kind, k, inf.Value)
		know(k, inf.Because)
	}
	tech, _ := f["technology"].(string)
	f["client"] = clientTechnologies[tech]
	f["person"] = e.Kind == model.ExternalEntity && peopleTechnologies[tech]
	f["anonymous"] = f["person"] == true && anonymousName.MatchString(e.Name)
	f["managed"] = isManaged(e)
	f["response"] = false
	f["id"], f["name"], f["kind"], f["out_of_scope"] = e.ID, e.Label(), e.Kind.String(), e.OutOfScope
	set := make([]string, 0, len(e.Props))
	for k := range e.Props {
		set = append(set, k)
	}
	f["set"] = set
	data, names := -1, []string{}
	for _, a := range fb.m.AssetsOf(e) {
		if c := int(a.Classification); c > data {
			data, names = c, []string{a.Name}
		} else if c == data {
			names = append(names, a.Name)
		}
	}
	if level, name, because := inferredData(e); level > data {
		data, names = level, []string{name}
		know("data", because)
	}
	f["data"], f["data_names"] = data, names
	if e.Kind == model.DataFlow {
		f["zone"], f["zone_trust"], f["zone_name"], f["zone_stated"] = "", -1, "", false
	} else {
		z := fb.ix.Innermost(e)
		f["zone_trust"] = zoneTrust(z)
		f["zone_stated"] = z != nil && (z.Prop("trust") != "" || z.Prop("zone") != "")
		f["zone"], f["zone_name"] = "", ""
		if z != nil {
			f["zone"], f["zone_name"] = zoneOf(z), z.Label()
		}
		// A program drawn out on the Internet runs on its users' devices,
		// unless the model states it is a server of some kind (a name
		// such as "Web UI" does not outweigh where it is drawn).
		if e.Kind == model.Process && f["zone"] == "internet" && (e.Prop("technology") == "" || clientTechnologies[tech]) {
			f["client"] = true
		}
	}
	return f, known
}

// flowFacts adds what a flow knows of its ends and the boundaries it crosses.
func (fb *factBase) flowFacts(e *model.Element, know func(key, because string)) {
	f := fb.facts[e.ID]
	src, dst := fb.facts[e.Source], fb.facts[e.Target]
	if s := fb.facts[fb.senders[e.ID]]; s != nil {
		src = s // a link between two children: its real sender
	}
	if src == nil {
		src = Facts{}
	}
	if dst == nil {
		dst = Facts{}
	}
	f["source"], f["target"] = src, dst
	if _, stated := fb.known[e.ID]["encrypted"]; !stated && (src["managed"] == true || dst["managed"] == true) {
		f["encrypted"] = true
		know("encrypted", "its end is a managed cloud service, reached over TLS only")
	}
	a, aok := src["name"].(string) // names are text (elementFacts)
	b, bok := dst["name"].(string)
	switch {
	case !aok || !bok:
	case e.Name == "":
		f["name"] = a + " → " + b
	case fb.sharedNames[e.Name]:
		f["name"] = e.Name + " (" + a + " → " + b + ")"
	}
	crossings := fb.ix.Crossings(e)
	var names []string
	for _, b := range crossings {
		names = append(names, b.Label())
	}
	// A public network is a boundary of its own: whatever travels over it
	// leaves every zone the model draws.
	public := e.Bool("public_network")
	if public {
		names = append(names, "a public network")
	}
	f["crosses"], f["crossings"], f["boundaries"] = len(names) > 0, len(names), names
	types := make([]string, 0, len(crossings))
	for _, b := range crossings {
		if t := b.Prop("tmt:type"); t != "" {
			types = append(types, t)
		} else {
			types = append(types, genericOf("trust_boundary", b.IsLine()))
		}
	}
	f["crossing_types"] = types
	st, dt := intFact(src, "zone_trust"), intFact(dst, "zone_trust")
	if src["kind"] == model.ExternalEntity.String() && st < 0 {
		st = 0 // an outside party nothing vouches for
	}
	f["trust_drop"] = st >= 0 && dt >= 0 && dt < st
	// A local flow never crosses a network: an in-process call, or a
	// person using their own device.
	f["local"] = f["local"] == true ||
		src["person"] == true && dst["client"] == true || src["client"] == true && dst["person"] == true
	f["from_lower_trust"] = st >= 0 && (dt < 0 && dst["kind"] != model.ExternalEntity.String() || st < dt)
}

// nodeLinks adds a node's flows and what follows from them; ends are
// the facts it reads of the flows' other ends.
func (fb *factBase) nodeLinks(e *model.Element, ends map[string]endFacts, know func(key, because string)) {
	f := fb.facts[e.ID]
	in, out := []any{}, []any{}
	var callers []string // distinct: a node has a few
	exposed := e.Bool("internet_facing")
	consumes, reads, people := false, false, false
	store, entity := model.DataStore.String(), model.ExternalEntity.String()
	for _, fl := range fb.ix.FlowsOf(e.ID) {
		ff := fb.facts[fl.ID]
		if fb.stands[fl.ID] {
			continue
		}
		if fl.Target == e.ID && fl.Source != e.ID {
			in = append(in, ff)
			src, ok := ends[fl.Source]
			if ok && src.kind != store && !slices.Contains(callers, fl.Source) {
				callers = append(callers, fl.Source)
			}
			if ok {
				switch src.technology {
				case "message_queue", "message_broker":
					consumes = true
				}
				reads = reads || src.kind == store
				tech, _ := src.technology.(string)
				people = people || src.client || src.kind == entity && !machineTechnologies[tech]
			}
			if ok && (fl.Bool("public_network") || src.kind == entity && src.zoneTrust <= 0) {
				exposed = true
			}
		}
		if fl.Source == e.ID && fl.Target != e.ID {
			out = append(out, ff)
		}
	}
	f["incoming"], f["outgoing"] = in, out
	f["non_web"] = len(in) > 0 && !slices.ContainsFunc(in, func(fl any) bool {
		p, _ := fl.(Facts)["protocol"].(string)
		return p == "" || webProtocol.MatchString(p)
	})
	f["has_inbound"], f["callers"] = len(callers) > 0, len(callers)
	// A process that consumes messages or reads a store takes input too,
	// though nobody calls it.
	f["consumes"], f["reads"] = consumes, reads
	f["receives_input"] = len(callers) > 0 || consumes || reads
	// People reach it through their programs or as outside entities of no
	// known machine kind: whose request it passes on can matter.
	f["serves_people"] = people
	if e.Kind == model.Process {
		fb.inferSecretsFromConfig(e, f, know)
	}
	f["exposed"] = exposed && e.Kind != model.ExternalEntity
}

// know records that a property of an element is stated ("" because) or
// inferred. Most elements state nothing: their map is made on first use.
func (fb *factBase) know(id, key, because string) {
	k := fb.known[id]
	if k == nil {
		k = map[string]string{}
		fb.known[id] = k
	}
	k[key] = because
}

// configName is a store that holds a component's configuration.
var configName = regexp.MustCompile(`(?i)\b(config\w*|settings|\.env|properties|parameters)\b`)

// inferSecretsFromConfig reads where a process keeps its secrets from the
// model's drawing: a process that reads a configuration store which holds
// credentials keeps its secrets in a configuration file.
func (fb *factBase) inferSecretsFromConfig(e *model.Element, f Facts, know func(key, because string)) {
	if _, stated := fb.known[e.ID]["secrets_storage"]; stated {
		return
	}
	for _, fl := range fb.ix.FlowsOf(e.ID) {
		src := fb.m.Elements[fl.Source]
		if fl.Target != e.ID || src == nil || src.Kind != model.DataStore || !src.Bool("stores_credentials") ||
			!configName.MatchString(src.Name) {
			continue
		}
		f["secrets_storage"] = "config_file"
		know("secrets_storage", "it reads its configuration from "+src.Label()+", which stores credentials")
		return
	}
}

// typed is a property's value as conditions read it: booleans of the
// schema as bool, the rest as text.
func typed(k model.Kind, key, v string) any {
	if d := model.PropFor(k, key); d != nil && d.Type == model.Bool {
		return v == "true"
	}
	return v // enums, text, and custom or imported properties
}

// zoneOf is a boundary's zone, stated or inferred from its name.
func zoneOf(b *model.Element) string {
	if z := b.Prop("zone"); z != "" {
		return z
	}
	return Infer(b)["zone"].Value
}

func intFact(f Facts, key string) int {
	if v, ok := f[key].(int); ok {
		return v
	}
	return -1
}

// env is what a rule's condition sees for an element.
func (fb *factBase) env(e *model.Element) map[string]any {
	f := fb.facts[e.ID]
	if e.Kind != model.DataFlow {
		return map[string]any{"el": f}
	}
	return map[string]any{"el": f, "flow": f, "source": f["source"], "target": f["target"]}
}
