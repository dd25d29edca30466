package otm

import (
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/internal/lenient"
)

// flows makes a flow of each dataflow. One between a component outside a
// process and one inside it is drawn as levelled diagrams want it: a flow
// to the process in the diagram both ends share, and in each diagram
// below, an interface flow from the same outside end. A file Rampart wrote
// holds those flows itself; they are used rather than drawn again.
func (r *reader) flows() {
	type job struct {
		df    *dataflow
		depth int
	}
	var jobs []job
	for i := range r.doc.Dataflows {
		df := &r.doc.Dataflows[i]
		jobs = append(jobs, job{df, max(r.depth(string(df.Source)), r.depth(string(df.Destination)))})
	}
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].depth < jobs[j].depth })
	r.explicit = map[flowKey][]string{}
	r.claimed = map[string]bool{}
	for _, j := range jobs {
		r.flow(j.df)
	}
	if !r.own {
		r.balance()
	}
}

// balance gives each flow of a refined process that no flow inside its
// child diagram stands for an interface flow there, loose inside (as the
// editor draws one), so the levels balance: OTM lets a dataflow end at a
// component that holds others.
func (r *reader) balance() {
	paired := r.m.Interfaces()
	n := map[string]int{} // child diagram → stubs drawn
	for _, f := range r.m.ElementList() {
		if f.Kind != model.DataFlow || paired[f.ID] != nil || f.Source == f.Target {
			continue
		}
		for _, end := range []string{f.Target, f.Source} {
			child := r.child[end]
			if child == "" || r.m.Elements[end].Diagram != f.Diagram {
				continue
			}
			y := 80 + float64(n[child])*120
			n[child]++
			stub := &model.Element{ID: f.ID + "@" + child, Kind: model.DataFlow, Diagram: child, Name: f.Name,
				Props: maps.Clone(f.Props), Assets: slices.Clone(f.Assets)}
			if end == f.Target {
				stub.Source, stub.Points = f.Source, []model.Point{{X: 40, Y: y}, {X: 240, Y: y}}
			} else {
				stub.Target, stub.Points = f.Target, []model.Point{{X: 560, Y: y}, {X: 760, Y: y}}
			}
			if r.m.Elements[stub.ID] == nil {
				r.m.Elements[stub.ID] = stub
			}
		}
	}
}

// protocolFromTags reads a flow's protocol and port from tags such as
// StartLeft writes for a security-group rule ("tcp", "443"), where the
// file states neither otherwise.
func protocolFromTags(e *model.Element, tags []string) {
	for _, tag := range tags {
		tag = strings.ToLower(strings.TrimSpace(tag))
		switch {
		case tagProtocols[tag] && e.Props["protocol"] == "":
			e.Props["protocol"] = tag
		case portTag.MatchString(tag) && e.Props["port"] == "":
			e.Props["port"] = tag
		}
	}
}

var (
	tagProtocols = map[string]bool{"tcp": true, "udp": true, "http": true, "https": true, "grpc": true, "amqp": true,
		"amqps": true, "mqtt": true, "mqtts": true, "ssh": true, "tls": true, "websocket": true, "wss": true}
	portTag = regexp.MustCompile(`^[0-9]{1,5}$`)
)

// denies tells whether a dataflow's tags say it blocks traffic.
func denies(tags []string) bool {
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if strings.HasPrefix(t, "disallow") || strings.HasPrefix(t, "deny") || strings.HasPrefix(t, "block") {
			return true
		}
	}
	return false
}

// generatedID matches a UUID, which converters write where a dataflow
// has no name.
var generatedID = regexp.MustCompile(`(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// flowKey finds a flow the file holds by its diagram, ends and name.
type flowKey struct{ diagram, source, target, name string }

func (r *reader) depth(id string) int { return len(r.chain(strings.TrimSpace(id))) }

// link is an element's stand-in in one diagram: itself in its own, the
// process it is inside in each diagram above.
type link struct{ diagram, element string }

func (r *reader) chain(id string) []link {
	var out []link
	for at := id; len(out) <= len(r.m.Diagrams); {
		e := r.m.Elements[at]
		if e == nil {
			break
		}
		out = append(out, link{e.Diagram, at})
		d := r.m.Diagrams[e.Diagram]
		if d == nil || d.Refines == "" {
			break
		}
		at = d.Refines
	}
	return out
}

func (r *reader) flow(df *dataflow) {
	id, name := strings.TrimSpace(string(df.ID)), strings.TrimSpace(string(df.Name))
	if name == id || generatedID.MatchString(name) {
		name = "" // an id is no name: the flow reads "Source → Target"
	}
	src, dst := strings.TrimSpace(string(df.Source)), strings.TrimSpace(string(df.Destination))
	if id == "" || r.m.Elements[id] != nil {
		r.note("dataflow %q has a missing or repeated id and was left out", name)
		return
	}
	for _, end := range []string{src, dst} {
		if e := r.m.Elements[end]; e == nil || !e.Kind.IsNode() {
			what := "which is not a component in the file"
			if e != nil {
				what = "a trust zone, not a component"
			}
			r.note("dataflow %q ends at %q, %s; it was left out", name, end, what)
			return
		}
	}
	if !r.own && denies(lenient.Texts(df.Tags)) {
		// A security-group rule that blocks traffic, as StartLeft writes
		// it from infrastructure code: no data flows there.
		r.note("dataflow %q is tagged as denying traffic; no data flows there, so it was left out", string(df.Name))
		return
	}
	e := &model.Element{ID: id, Kind: model.DataFlow, Name: name, Description: string(df.Description), Props: map[string]string{}}
	if r.own {
		r.ownProps(e, df.Attributes)
	} else {
		foreignProps(e, df.Attributes, df.Properties)
		if df.Bidirectional != nil && bool(*df.Bidirectional) {
			e.Props["bidirectional"] = "true"
		}
		if tags := lenient.Texts(df.Tags); len(tags) > 0 {
			e.Props["otm:tags"] = strings.Join(tags, ", ")
			protocolFromTags(e, tags)
		}
	}
	if len(e.Props) == 0 {
		e.Props = nil
	}
	e.Assets = r.assetIDs(name, df.Assets)
	r.levels(e, src, dst)
}

// levels draws flow e from src to dst, across diagrams when they are in
// different ones.
func (r *reader) levels(e *model.Element, src, dst string) {
	ca, cb := r.chain(src), r.chain(dst)
	i, j := -1, -1
	for a := range ca {
		for b := range cb {
			if ca[a].diagram == cb[b].diagram {
				i, j = a, b
				break
			}
		}
		if i >= 0 {
			break
		}
	}
	if i <= 0 && j <= 0 {
		e.Diagram, e.Source, e.Target = r.m.Elements[src].Diagram, src, dst
		r.add(e, true)
		return
	}
	if i >= 0 && ca[i].element == cb[j].element {
		// One end holds the other (a resource and the network it sits
		// in): a flow between them has no diagram to be drawn in.
		outer, inner := r.m.Elements[ca[i].element], r.m.Elements[src]
		if inner.ID == outer.ID {
			inner = r.m.Elements[dst]
		}
		name := e.Name
		if name == "" {
			name = r.m.Elements[src].Label() + " → " + r.m.Elements[dst].Label()
		}
		r.note("dataflow %q goes between %s and %s, which holds it; a data-flow diagram cannot draw that, so it was left out",
			name, inner.Label(), outer.Label())
		return
	}
	// Each level's flow: the original where its deeper end is, copies
	// (or the file's own flows) elsewhere.
	need := func(diagram, s, t string, own bool) {
		if own {
			e.Diagram, e.Source, e.Target = diagram, s, t
			r.add(e, true)
			return
		}
		key := flowKey{diagram, s, t, e.Name}
		for _, id := range r.explicit[key] {
			if !r.claimed[id] {
				r.claimed[id] = true
				return
			}
		}
		c := &model.Element{ID: e.ID + "@" + diagram, Kind: model.DataFlow, Diagram: diagram, Name: e.Name,
			Source: s, Target: t, Props: maps.Clone(e.Props), Assets: slices.Clone(e.Assets)}
		if r.m.Elements[c.ID] == nil {
			r.add(c, false)
		}
	}
	need(ca[i].diagram, ca[i].element, cb[j].element, false)
	for k := i - 1; k >= 0; k-- {
		need(ca[k].diagram, ca[k].element, cb[j].element, k == 0 && j == 0)
	}
	for k := j - 1; k >= 0; k-- {
		need(cb[k].diagram, ca[i].element, cb[k].element, k == 0)
	}
}

func (r *reader) add(e *model.Element, explicit bool) {
	r.m.Elements[e.ID] = e
	if explicit {
		key := flowKey{e.Diagram, e.Source, e.Target, e.Name}
		r.explicit[key] = append(r.explicit[key], e.ID)
	}
}
