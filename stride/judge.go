package stride

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/expr-lang/expr/vm"

	"github.com/rampart-tm/rampart/model"
)

// Confidence says whether a threat rests on what the model states.
type Confidence = model.Confidence

// structural facts say where an element is and what it is, not whether a
// control is in place: they scope a rule, they do not confirm a weakness.
var structural = set("id", "name", "kind", "technology", "out_of_scope", "set", "data", "data_names", "zone",
	"zone_trust", "zone_name", "zone_stated", "incoming", "outgoing", "has_inbound", "callers", "exposed", "source", "target",
	"crosses", "crossings", "boundaries", "trust_drop", "from_lower_trust", "local", "crossing_types", "client",
	"person", "anonymous", "serves_people", "response", "protocol", "port", "bidirectional", "consumes", "reads", "receives_input", "managed", "non_web")

// judge decides how far a threat that fired rests on what the model
// states. It is confirmed when a stated property the rule read points at
// the risk: its value is not the safe one, and with the safe value the
// rule would not fire. A control stated absent is the weakness itself; a
// risky capability stated present (it stores credentials) confirms only
// when no unknown control could still dismiss the threat. Otherwise it is assumed: assumes lists the unknown
// properties the rule read ("elementID:property"), the questions whose
// answers decide it. A threat that fires on structure alone (a
// technology, a zone) is assumed with nothing to ask: it is a check every
// such element needs.
//
// env is what the rule's condition sees for e (factBase.env). Deciding
// may run the rule again with a fact changed in place (firesWith): with
// no machine to run it, judge changes nothing and says it could not
// decide (ok false), so that analysis judges most threats on every
// processor and the rest one at a time.
func (fb *factBase) judge(r *Rule, e *model.Element, env map[string]any, machine *vm.VM) (_ model.Confidence, _ []string, ok bool) {
	var assumes []string
	exposure := false // a stated risky capability is a cause
	for _, u := range r.uses {
		if structural[u.field] {
			continue
		}
		el := fb.roleElement(u.role, e)
		if el == nil {
			continue
		}
		d := model.PropFor(el.Kind, u.field)
		if d == nil || d.Safe == "" {
			continue
		}
		if _, known := fb.known[el.ID][u.field]; !known {
			assumes = append(assumes, el.ID+":"+u.field)
			continue
		}
		safe := typed(el.Kind, u.field, d.Safe)
		if fb.facts[el.ID][u.field] == safe {
			continue
		}
		if machine == nil {
			return 0, nil, false
		}
		if !fb.firesWith(r, e, env, u.role, u.field, safe, machine) {
			if d.Safe != "false" {
				return model.Confirmed, nil, true // a control stated absent: the weakness itself
			}
			exposure = true
		}
	}
	// A stated capability (it stores credentials, it deserializes input)
	// confirms a threat only when no unknown control could dismiss it.
	if exposure && len(assumes) == 0 {
		return model.Confirmed, nil, true
	}
	if r.Evidence == "scope" && len(assumes) == 0 && !fb.readsInferredTechnology(r, e) {
		return model.Confirmed, nil, true
	}
	sort.Strings(assumes)
	return model.Assumed, slices.Compact(assumes), true
}

// readsInferredTechnology tells whether a rule depends on a technology
// that was inferred (from a name) rather than stated.
func (fb *factBase) readsInferredTechnology(r *Rule, e *model.Element) bool {
	check := func(el *model.Element) bool {
		if el == nil {
			return false
		}
		because, ok := fb.known[el.ID]["technology"]
		return ok && because != ""
	}
	for _, u := range r.uses {
		if u.field == "technology" && check(fb.roleElement(u.role, e)) {
			return true
		}
	}
	if e.Kind == model.DataFlow {
		for _, sel := range [][]string{r.Source, r.Target} {
			for _, s := range sel {
				if _, err := model.ParseKind(s); err != nil { // a technology selector
					return check(fb.m.Elements[e.Source]) || check(fb.m.Elements[e.Target])
				}
			}
		}
	}
	return false
}

// firesWith runs a rule on an element with one fact of one role changed.
func (fb *factBase) firesWith(r *Rule, e *model.Element, env map[string]any, role, field string, value any, machine *vm.VM) bool {
	key := role
	if role == "el" && e.Kind == model.DataFlow {
		key = "flow" // a flow rule reads its flow as both el and flow
	}
	// The facts are changed in place and put back: analysis runs one rule
	// at a time, and copying every map cost more than the rules.
	facts := env[key].(Facts)
	old, had := facts[field]
	facts[field] = value
	out, err := machine.Run(r.program, env)
	if had {
		facts[field] = old
	} else {
		delete(facts, field)
	}
	fired, _ := out.(bool)
	return err == nil && fired
}

// roleElement is the element a role of a condition names.
func (fb *factBase) roleElement(role string, e *model.Element) *model.Element {
	switch role {
	case "source":
		return fb.m.Elements[e.Source]
	case "target":
		return fb.m.Elements[e.Target]
	}
	return e
}

// Words that name a request or an answer, in flow names.
var (
	responseName = regexp.MustCompile(`(?i)\b(respon[sd]\w*|repl(y|ies)|results?|returns?|returned|answers?|acks?|acknowledge\w*|confirmations?|status|receipts?|resultset)\b`)
	// initiatedName marks flows the other side starts on its own: never
	// an answer, whatever else the name says.
	initiatedName = regexp.MustCompile(`(?i)\b(webhooks?|callbacks?|notif\w*|push\w*|events?|alerts?)\b`)
	requestName   = regexp.MustCompile(`(?i)\b(requests?|quer(y|ies)|calls?|commands?|submits?|sends?|login|log ?in|uploads?|posts?|puts?|writes?|saves?|stores?|inserts?|updates?|orders?|sql|api call|invoke\w*|webhooks?|callbacks?|notif\w*|events?|push\w*|publish\w*)\b`)
)

// calledTechnologies are parties outside the model that our processes
// call, rather than parties that call us.
var calledTechnologies = set("third_party_service", "partner_system", "external_system", "llm_service")

// markResponses finds, for each pair of elements with flows both ways,
// which direction answers the other, and marks those flows "response":
// a response carries what was asked for, so it takes the threats of
// data in transit and of a spoofed answer, not those of a request (a
// caller to authenticate, input to validate, a flood to absorb). When
// nothing tells the directions apart, neither is marked.
func (fb *factBase) markResponses() {
	type pair struct{ a, b string }
	byPair := map[pair][]*model.Element{}
	for _, e := range fb.m.Elements {
		if e.Kind == model.DataFlow && e.Source != "" && e.Target != "" && e.Source != e.Target && !e.Bool("bidirectional") {
			byPair[pair{e.Source, e.Target}] = append(byPair[pair{e.Source, e.Target}], e)
		}
	}
	for p, forth := range byPair {
		back := byPair[pair{p.b, p.a}]
		if len(back) == 0 {
			continue
		}
		if fb.requestsGo(p.a, p.b, forth, back) {
			for _, f := range back {
				fb.facts[f.ID]["response"] = true
			}
			continue
		}
		// Requests may go both ways between two services (each stores
		// to the other); a flow whose name says it answers ("C-FIND
		// response") is still a response.
		for _, f := range back {
			if responseName.MatchString(f.Name) && !requestName.MatchString(f.Name) && !initiatedName.MatchString(f.Name) {
				fb.facts[f.ID]["response"] = true
			}
		}
	}
}

// requestsGo tells whether requests go from a to b: the flows' names say
// so, or the ends do (people and programs on a device call services,
// services call stores and the outside services they use).
func (fb *factBase) requestsGo(a, b string, forth, back []*model.Element) bool {
	// A name says request or response when it says only one of them:
	// "Payment result webhook" is both, and says neither.
	named := func(fs []*model.Element, re, other *regexp.Regexp) bool {
		for _, f := range fs {
			if re.MatchString(f.Name) && !other.MatchString(f.Name) {
				return true
			}
		}
		return false
	}
	for _, f := range back {
		if initiatedName.MatchString(f.Name) {
			return false
		}
	}
	// A store answers and never asks, whatever the flows are called
	// ("Customer data write" drawn from the database to the service).
	store := model.DataStore.String()
	if ka, kb := fb.facts[a]["kind"], fb.facts[b]["kind"]; ka == store || kb == store {
		return kb == store && ka != store
	}
	switch fwdReq, backReq, fwdResp, backResp := named(forth, requestName, responseName), named(back, requestName, responseName),
		named(forth, responseName, requestName), named(back, responseName, requestName); {
	case backResp && !fwdResp, fwdReq && !backReq && !fwdResp:
		return true
	case fwdResp || backReq:
		return false
	}
	fa, fbb := fb.facts[a], fb.facts[b]
	ka, kb := fa["kind"], fbb["kind"]
	ta, _ := fa["technology"].(string)
	tb, _ := fbb["technology"].(string)
	entity, process := model.ExternalEntity.String(), model.Process.String()
	switch {
	case ka == entity && kb == process:
		return !calledTechnologies[ta]
	case ka == process && kb == entity:
		return calledTechnologies[tb]
	case fa["client"] == true && fbb["client"] != true && kb == process:
		return true
	case ka == process && kb == process:
		// Between two services, requests flow away from the entry points:
		// the one nearer the users calls the one behind it.
		d := fb.entryDistances()
		da, oka := d[a]
		db, okb := d[b]
		return oka && (!okb || da < db)
	}
	return false
}

// entryDistances is how many flows separate each node from the nearest
// entry point (an external entity or a program on a user's device),
// following the flows' direction.
func (fb *factBase) entryDistances() map[string]int {
	if fb.distances != nil {
		return fb.distances
	}
	d := map[string]int{}
	var queue []string
	for _, e := range fb.m.Elements {
		if e.Kind == model.ExternalEntity || e.Kind.IsNode() && fb.facts[e.ID]["client"] == true {
			d[e.ID] = 0
			queue = append(queue, e.ID)
		}
	}
	sort.Strings(queue)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, f := range fb.ix.FlowsOf(id) {
			if f.Source != id {
				continue
			}
			if _, seen := d[f.Target]; !seen {
				d[f.Target] = d[id] + 1
				queue = append(queue, f.Target)
			}
		}
	}
	fb.distances = d
	return d
}

// factLine says what a fact a rule read is for an element: its value
// when stated, where it came from when inferred, and "not stated" when
// nobody said. Facts that are not properties keep their plain value.
// The line starts with lead (an indent, whose fact it is), written in
// the same string.
func (fb *factBase) factLine(el *model.Element, f Facts, field, lead string) string {
	d := model.PropFor(el.Kind, field)
	because, known := fb.known[el.ID][field]
	switch {
	case d == nil:
		line := computedLine(field, f[field])
		if line == "" {
			return ""
		}
		if name, _ := f["zone_name"].(string); field == "zone_trust" && f["zone_stated"] != true && name != "" {
			line += " (inferred from the name “" + name + "”)" // the model states no trust for the zone
		}
		return lead + line
	case !known && field == "technology":
		// The tool the model came from may have named one Rampart has no
		// counterpart for (Threagile's iot-device, an OTM resource type).
		if v := sourceType(el); v != "" {
			return lead + d.Label + ": " + v + " (the model's own term, not one of Rampart's)"
		}
		return lead + d.Label + ": not stated"
	case !known:
		return lead + d.Label + ": not stated"
	}
	v := e2text(d, f[field])
	if because != "" {
		return lead + d.Label + ": " + v + " (inferred from " + because + ")"
	}
	return lead + d.Label + ": " + v
}

// e2text is a property's value in words.
func e2text(d *model.PropDef, v any) string {
	if b, ok := v.(bool); ok {
		if b {
			return "yes"
		}
		return "no"
	}
	s := factText(v)
	if d.Type == model.Enum {
		s = model.ValueLabel(s)
	}
	return s
}

// computedPhrases say what a computed fact means when it holds; a fact
// that does not hold goes unsaid (the rule fired without it).
var computedPhrases = map[string]string{
	"exposed":          "it can be reached from the Internet or an untrusted zone",
	"has_inbound":      "other elements call it",
	"receives_input":   "it takes input (calls, messages or data it reads)",
	"consumes":         "it consumes messages from a queue or broker",
	"reads":            "it reads from a data store",
	"from_lower_trust": "the sender is in a less trusted zone than the receiver",
	"trust_drop":       "the receiver is in a less trusted zone than the sender",
	"client":           "it runs on a user's device",
	"person":           "it is a person",
	"anonymous":        "nobody signs them in",
	"serves_people":    "people or the programs they use call it",
	"local":            "it does not cross a network",
	"response":         "it answers another flow",
	"managed":          "it is a service a cloud provider runs",
	"non_web":          "every flow into it names a protocol other than a web or RPC one",
}

// computedLine says a computed fact in words, or "" when not worth saying.
func computedLine(field string, v any) string {
	switch x := v.(type) {
	case bool:
		if !x {
			return ""
		}
		if p, ok := computedPhrases[field]; ok {
			return p
		}
		return strings.ReplaceAll(field, "_", " ")
	case nil:
		return ""
	case string:
		if x == "" {
			return ""
		}
	case int:
		if field == "callers" {
			if x == 1 {
				return "1 caller"
			}
			return fmt.Sprintf("%d callers", x)
		}
		if field == "zone_trust" {
			if x < 0 {
				return ""
			}
			return "zone trust: " + []string{"untrusted", "low", "medium", "high"}[min(x, 3)]
		}
	}
	return strings.ReplaceAll(field, "_", " ") + ": " + factText(v)
}
