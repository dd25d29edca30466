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
	"bluetooth", "ssh", "messaging", "database", "llm", "cloud"}

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
	var out []string
	add := func(c string) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	tech := func(x *model.Element) string {
		if x == nil {
			return ""
		}
		if t := x.Prop("technology"); t != "" {
			return t
		}
		return Infer(x)["technology"].Value
	}
	protocol := func(f *model.Element) {
		p := strings.ToLower(f.Prop("protocol"))
		switch {
		case protocolTraits(p).local:
			add("local")
		case strings.Contains(p, "bluetooth") || strings.Contains(p, "ble"):
			add("bluetooth")
		case strings.Contains(p, "ssh") || strings.Contains(p, "sftp") || strings.Contains(p, "scp"):
			add("ssh")
		case strings.Contains(p, "http") || strings.Contains(p, "rest") || strings.Contains(p, "grpc") || strings.Contains(p, "graphql"):
			add("web")
		}
	}
	ends := []*model.Element{e}
	if e.Kind == model.DataFlow {
		ends = []*model.Element{m.Elements[e.Source], m.Elements[e.Target]}
		protocol(e)
	} else {
		// A node's threats gather those of its flows (concerns): their
		// protocols are its settings too.
		for _, f := range flows[e.ID] {
			protocol(f)
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
	}
	if slices.Contains(out, "local") || slices.Contains(out, "desktop") || slices.Contains(out, "mobile") {
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
	for _, mt := range ms {
		if len(mt.Fits) == 0 || slices.ContainsFunc(mt.Fits, func(c string) bool { return slices.Contains(contexts, c) }) {
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
	settings map[string][]string     // per element, computed once
	fitted   map[string][]Mitigation // per rule and settings, so equal lists are one slice
}

// NewFitter prepares to fit mitigations to the threats of a model.
func NewFitter(lib *Library, m *model.Model) *Fitter {
	return &Fitter{lib: lib, m: m, platform: platforms(m), flows: flowsByNode(m), settings: map[string][]string{},
		fitted: map[string][]Mitigation{}}
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
	settings, ok := f.settings[e.ID]
	if !ok {
		settings = contexts(f.m, e, f.platform, f.flows)
		f.settings[e.ID] = settings
	}
	key := t.RuleID + "|" + strings.Join(settings, ",")
	if out, ok := f.fitted[key]; ok {
		return out
	}
	out := Fit(ms, settings)
	f.fitted[key] = out
	return out
}
