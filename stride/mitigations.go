package stride

import (
	"slices"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// Settings a mitigation can be written for (Mitigation.Fits). A threat
// shows the mitigations that fit its element's settings, and those that
// fit anywhere: a local call is not told to deploy a service mesh.
var Settings = []string{"service_mesh", "kubernetes", "serverless", "web", "mobile", "desktop", "iot", "local",
	"bluetooth", "ssh", "messaging", "database", "llm", "cloud", "files"}

// Contexts lists the settings an element is in: what its technology,
// protocol and neighbours say, and what the model as a whole runs on (a
// service mesh, Kubernetes).
func Contexts(m *model.Model, e *model.Element) []string {
	return contexts(m, e, platforms(m), flowsByNode(m))
}

// flowsByNode lists the flows of each node.
func flowsByNode(m *model.Model) map[string][]*model.Element {
	out := map[string][]*model.Element{}
	for _, f := range m.Elements {
		if f.Kind == model.DataFlow {
			out[f.Source] = append(out[f.Source], f)
			out[f.Target] = append(out[f.Target], f)
		}
	}
	return out
}

// platforms are the settings the model as a whole runs on.
func platforms(m *model.Model) []string {
	var out []string
	for _, x := range m.Elements {
		switch x.Prop("technology") {
		case "service_mesh_sidecar":
			out = append(out, "service_mesh", "kubernetes")
		case "container_orchestrator", "container_runtime":
			out = append(out, "kubernetes")
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func contexts(m *model.Model, e *model.Element, platform []string, flows map[string][]*model.Element) []string {
	protocol := func(f *model.Element) string { return protocolSetting(f.Prop("protocol")) }
	return contextsWith(m, e, platform, flows, technologyOf, protocol)
}

// technologyOf is an element's technology, stated or inferred.
func technologyOf(x *model.Element) string {
	if t := x.Prop("technology"); t != "" {
		return t
	}
	return Infer(x)["technology"].Value
}

// protocolSetting is the setting a flow's protocol puts it in, or "".
func protocolSetting(protocol string) string {
	p := strings.ToLower(protocol)
	switch {
	case protocolTraits(p).local:
		return "local"
	case strings.Contains(p, "bluetooth") || strings.Contains(p, "ble"):
		return "bluetooth"
	case strings.Contains(p, "ssh") || strings.Contains(p, "sftp") || strings.Contains(p, "scp"):
		return "ssh"
	case strings.Contains(p, "http") || strings.Contains(p, "rest") || strings.Contains(p, "grpc") || strings.Contains(p, "graphql"):
		return "web"
	}
	return ""
}

// contextsWith is contexts with the reading of technologies and protocols
// given, so a Fitter reads each once.
func contextsWith(m *model.Model, e *model.Element, platform []string, flows map[string][]*model.Element,
	tech, protocol func(*model.Element) string) []string {
	var out []string
	add := func(c string) {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	ends := []*model.Element{e}
	if e.Kind == model.DataFlow {
		ends = []*model.Element{m.Elements[e.Source], m.Elements[e.Target]}
		add(protocol(e))
	} else {
		// A node's threats gather those of its flows (concerns): their
		// protocols are its settings too.
		for _, f := range flows[e.ID] {
			add(protocol(f))
		}
	}
	for _, x := range ends {
		if x == nil {
			continue
		}
		switch tech(x) {
		case "web_app", "browser", "api_gateway", "waf", "load_balancer":
			add("web")
		case "mobile_app":
			add("mobile")
		case "desktop_app":
			add("desktop")
		case "iot_device":
			add("iot")
		case "serverless_function":
			add("serverless")
			add("cloud")
		case "message_queue", "message_broker":
			add("messaging")
		case "sql_database", "nosql_database", "database_server", "cache", "search_index":
			add("database")
		case "llm", "ai_agent", "llm_service":
			add("llm")
		case "object_store", "secrets_vault":
			add("cloud")
		case "service_mesh_sidecar":
			add("service_mesh")
		case "container_orchestrator", "container_runtime":
			add("kubernetes")
		}
		if x.Bool("runs_in_container") {
			add("kubernetes")
		}
		// A store that is a file (a configuration file, say) is guarded
		// by file permissions and deployment, not by network rules.
		if x.Kind == model.DataStore && (tech(x) == "file_system" || tech(x) == "" && configName.MatchString(x.Name)) {
			add("files")
		}
	}
	if slices.Contains(out, "local") || slices.Contains(out, "desktop") || slices.Contains(out, "mobile") || slices.Contains(out, "files") {
		return out // a mesh or a cluster elsewhere in the model is not this element's business
	}
	for _, p := range platform {
		add(p)
	}
	return out
}

// Fit keeps the mitigations that fit the settings, and those written for
// anywhere; when none is left (every one was written for other settings),
// it keeps them all rather than say nothing.
func Fit(ms []Mitigation, contexts []string) []Mitigation {
	var out []Mitigation
	in := func(c string) bool { return slices.Contains(contexts, c) }
	for _, mt := range ms {
		if (len(mt.Fits) == 0 || slices.ContainsFunc(mt.Fits, in)) && !slices.ContainsFunc(mt.Unless, in) {
			out = append(out, mt)
		}
	}
	if len(out) == 0 {
		return ms
	}
	return out
}

// Fitter chooses the mitigations that fit each threat of one model.
type Fitter struct {
	lib      *Library
	m        *model.Model
	platform []string
	flows    map[string][]*model.Element
	settled  map[string]fitSettings  // per element, by Settle: shared by forks, only read
	settings map[string]fitSettings  // per element, computed once
	fitted   map[fitKey][]Mitigation // per rule and settings, so equal lists are one slice
	// What contexts reads, read once: a node's settings read all its
	// flows, and a flow's both its ends.
	techs     map[string]string // by element
	protocols map[string]string // by protocol
}

// fitSettings are an element's settings, and them joined as a key.
type fitSettings struct {
	list []string
	key  string
}

type fitKey struct{ rule, settings string }

// NewFitter prepares to fit mitigations to the threats of a model.
func NewFitter(lib *Library, m *model.Model) *Fitter {
	f := &Fitter{lib: lib, m: m, platform: platforms(m), flows: flowsByNode(m)}
	f.clear()
	return f
}

func (f *Fitter) clear() {
	f.settings, f.fitted = map[string]fitSettings{}, map[fitKey][]Mitigation{}
	f.techs, f.protocols = map[string]string{}, map[string]string{}
}

// Settle works out the settings of every element at once, so that forks
// share them: a large model's threats are written on several goroutines,
// and its elements' settings can be worked out while it is analysed (the
// fitter reads only its elements).
func (f *Fitter) Settle() {
	for _, e := range f.m.Elements {
		if e.Kind != model.TrustBoundary {
			f.settingsOf(e)
		}
	}
	f.settled = f.settings
	f.clear()
}

// Fork is a fitter for another goroutine: it shares what Settle worked
// out, and keeps its own caches.
func (f *Fitter) Fork() *Fitter {
	c := &Fitter{lib: f.lib, m: f.m, platform: f.platform, flows: f.flows, settled: f.settled}
	c.clear()
	return c
}

// Mitigations is what to do about a threat: the mitigations of its rule
// or concern that fit its element.
func (f *Fitter) Mitigations(t *model.Threat) []Mitigation {
	var ms []Mitigation
	if r := f.lib.Rule(t.RuleID); r != nil {
		ms = r.Mitigations
	} else if c := f.lib.Concern(t.RuleID); c != nil {
		ms = c.Mitigations
	}
	e := f.m.Elements[t.ElementID]
	if e == nil || len(ms) == 0 {
		return ms
	}
	settings := f.settingsOf(e)
	key := fitKey{t.RuleID, settings.key}
	if out, ok := f.fitted[key]; ok {
		return out
	}
	out := Fit(ms, settings.list)
	f.fitted[key] = out
	return out
}

func (f *Fitter) settingsOf(e *model.Element) fitSettings {
	if s, ok := f.settled[e.ID]; ok {
		return s
	}
	s, ok := f.settings[e.ID]
	if !ok {
		s.list = contextsWith(f.m, e, f.platform, f.flows, f.tech, f.protocol)
		s.key = strings.Join(s.list, ",")
		f.settings[e.ID] = s
	}
	return s
}

func (f *Fitter) tech(x *model.Element) string {
	t, ok := f.techs[x.ID]
	if !ok {
		t = technologyOf(x)
		f.techs[x.ID] = t
	}
	return t
}

// protocol is protocolSetting, once per protocol: a model names a few
// protocols on thousands of flows.
func (f *Fitter) protocol(x *model.Element) string {
	name := x.Prop("protocol")
	p, ok := f.protocols[name]
	if !ok {
		p = protocolSetting(name)
		f.protocols[name] = p
	}
	return p
}
