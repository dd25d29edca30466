package stride_test

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
)

// The Threat Dragon models of the corpus, as their authors published them.
var tdCorpus = []string{"v2-threat-model.json", "v1-demo-threat-model.json", "three-tier-web-app.json",
	"online-game.json", "v1-test-model.json"}

func importTD(t *testing.T, name string) *model.Model {
	t.Helper()
	m, _, err := storage.Import(filepath.Join("..", "storage", "threatdragon", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// live lists the generated threats that are not obsolete.
func live(m *model.Model) []*model.Threat {
	var out []*model.Threat
	for _, t := range m.ThreatList() {
		if !t.Manual && !t.Obsolete {
			out = append(out, t)
		}
	}
	return out
}

// Every threat the authors of a corpus model recorded, on an element in
// scope, has a generated threat on the same element in the same STRIDE
// category.
func TestRecordedThreatsHaveAGeneratedCounterpart(t *testing.T) {
	lib := builtin(t)
	for _, name := range tdCorpus {
		m := analyzed(t, lib, importTD(t, name))
		have := map[string]bool{}
		for _, th := range live(m) {
			have[th.ElementID+" "+th.Category.String()] = true
		}
		for _, th := range m.ThreatList() {
			e := m.Elements[th.ElementID]
			if !th.Manual || e == nil || e.OutOfScope {
				continue
			}
			if !have[th.ElementID+" "+th.Category.String()] {
				t.Errorf("%s: %q on %s (%s) has no generated %s threat", name, th.Title, e.Label(), e.Kind.Label(), th.Category.Label())
			}
		}
	}
}

// A suggestion on an element names what the model's authors recorded
// there in its category, with their status: the analyst triages it beside
// their decision.
func TestSuggestionsNameWhatTheAuthorsRecorded(t *testing.T) {
	m := analyzed(t, builtin(t), importTD(t, "v2-threat-model.json"))
	named := 0
	for _, th := range live(m) {
		for _, f := range th.Facts {
			if strings.HasPrefix(f, "in this category, recorded in Threat Dragon on ") {
				named++
				if !strings.Contains(f, "(open)") && !strings.Contains(f, "(mitigated)") {
					t.Errorf("%s: %q does not give the recorded threat's status", th.Title, f)
				}
			}
		}
	}
	if named == 0 {
		t.Error("no suggestion names the threats the authors recorded on its element")
	}
}

// Confirmed threats stay few: on models that state little, most threats
// are assumptions to ask about, not findings.
func TestConfirmedThreatsAverageAtMostTwoPerElement(t *testing.T) {
	lib := builtin(t)
	confirmed, elements := 0, 0
	for _, name := range tdCorpus {
		m := analyzed(t, lib, importTD(t, name))
		for _, e := range m.Elements {
			if e.Kind != model.TrustBoundary && !e.OutOfScope {
				elements++
			}
		}
		for _, th := range live(m) {
			if th.Confidence == model.Confirmed {
				confirmed++
			}
		}
	}
	if avg := float64(confirmed) / float64(elements); avg > 2 {
		t.Errorf("%d confirmed threats on %d elements: %.2f per element, want at most 2", confirmed, elements, avg)
	}
}

// No explanation prints a value nobody stated as if it were stated.
func TestFactsNeverPrintUnstatedValues(t *testing.T) {
	lib := builtin(t)
	models := []*model.Model{demo(t)}
	for _, name := range tdCorpus {
		models = append(models, importTD(t, name))
	}
	for _, m := range models {
		analyzed(t, lib, m)
		for _, th := range live(m) {
			for _, f := range th.Facts {
				if strings.Contains(f, "<nil>") || strings.Contains(f, "= false") || strings.Contains(f, "= unknown") {
					t.Errorf("%s: %s: fact %q", m.Name, th.Title, f)
				}
			}
		}
	}
}

// flowModel is a person's browser calling a service across a boundary
// over a protocol.
func flowModel(protocol string) (*model.Model, string) {
	m := model.New("flow")
	add := func(e *model.Element) {
		e.Diagram = model.RootDiagramID
		m.Elements[e.ID] = e
	}
	add(&model.Element{ID: "zone", Kind: model.TrustBoundary, Name: "Cluster", X: 300, Y: 0, W: 400, H: 300,
		Props: map[string]string{"zone": "cluster"}})
	add(&model.Element{ID: "user", Kind: model.ExternalEntity, Name: "Customer", X: 0, Y: 100, W: 100, H: 50})
	add(&model.Element{ID: "api", Kind: model.Process, Name: "Orders API", X: 400, Y: 100, W: 100, H: 50})
	add(&model.Element{ID: "call", Kind: model.DataFlow, Source: "user", Target: "api",
		Props: map[string]string{"protocol": protocol}})
	return m, "call"
}

// A protocol says whether a flow is encrypted: HTTPS is not sniffed, and
// plain HTTP is, as a confirmed threat.
func TestProtocolDecidesSniffing(t *testing.T) {
	lib := builtin(t)
	readable := func(protocol string) *model.Threat {
		m, flow := flowModel(protocol)
		analyzed(t, lib, m)
		for _, th := range live(m) {
			if th.ElementID == flow && th.Category == model.InformationDisclosure && strings.Contains(th.Title, "read on the way") {
				return th
			}
		}
		return nil
	}
	for _, p := range []string{"HTTPS", "TLS 1.3", "gRPC over TLS", "WSS", "SSH", "AMQPS"} {
		if th := readable(p); th != nil {
			t.Errorf("a %s flow is said to be readable: %s", p, th.Title)
		}
	}
	th := readable("HTTP")
	if th == nil || th.Confidence != model.Confirmed {
		t.Fatalf("a plain HTTP flow across a boundary: %+v, want a confirmed threat", th)
	}
	if !strings.Contains(strings.Join(th.Facts, "\n"), "inferred from protocol HTTP") {
		t.Errorf("the fact says where the value came from: %q", th.Facts)
	}
}

// The demo states its properties: its serious threats are confirmed.
func TestDemoKeepsItsSeriousThreatsConfirmed(t *testing.T) {
	m := analyzed(t, builtin(t), demo(t))
	serious := 0
	for _, th := range live(m) {
		if th.Severity() < model.SeverityHigh {
			continue
		}
		serious++
		if th.Confidence != model.Confirmed {
			t.Errorf("%s %s on %s is assumed (rests on %v)", th.Severity(), th.Title, m.Elements[th.ElementID].Label(), th.Assumes)
		}
	}
	if serious < 10 {
		t.Errorf("only %d serious threats on the demo", serious)
	}
}

// One concern is raised once per element: caller authentication of a
// service is one threat, however many rules and flows point at it, and it
// lists the flows.
func TestOneConcernOncePerElement(t *testing.T) {
	m, _ := flowModel("")
	m.Elements["svc"] = &model.Element{ID: "svc", Kind: model.Process, Name: "Billing", Diagram: model.RootDiagramID,
		X: 400, Y: 200, W: 100, H: 50}
	m.Elements["call2"] = &model.Element{ID: "call2", Kind: model.DataFlow, Diagram: model.RootDiagramID, Source: "svc", Target: "api"}
	analyzed(t, builtin(t), m)
	seen := map[string]int{}
	for _, th := range live(m) {
		seen[th.ElementID+" "+th.RuleID]++
		if th.ElementID == "api" && th.RuleID == "caller-authentication" {
			facts := strings.Join(th.Facts, "\n")
			if !strings.Contains(facts, "Customer → Orders API") || !strings.Contains(facts, "Billing → Orders API") {
				t.Errorf("the concern lists every flow that led to it:\n%s", facts)
			}
		}
	}
	if seen["api caller-authentication"] != 1 {
		t.Errorf("caller authentication of Orders API raised %d times", seen["api caller-authentication"])
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("%s raised %d times", k, n)
		}
	}
}

// drawing starts a one-diagram model and gives what adds an element to
// it, nodes drawn 100 by 50.
func drawing(name string) (*model.Model, func(*model.Element)) {
	m := model.New(name)
	return m, func(e *model.Element) {
		e.Diagram = model.RootDiagramID
		if e.Kind != model.DataFlow && e.W == 0 {
			e.W, e.H = 100, 50
		}
		m.Elements[e.ID] = e
	}
}

// A response takes response threats only, a browser client threats only,
// and a worker that consumes a queue is checked for poison messages.
func TestRolesDecideWhichThreatsApply(t *testing.T) {
	lib := builtin(t)
	m, add := drawing("roles")
	add(&model.Element{ID: "ui", Kind: model.Process, Name: "Web UI", X: 0})
	add(&model.Element{ID: "svc", Kind: model.Process, Name: "Web Service", X: 300})
	add(&model.Element{ID: "req", Kind: model.DataFlow, Name: "Request", Source: "ui", Target: "svc"})
	add(&model.Element{ID: "resp", Kind: model.DataFlow, Name: "Response", Source: "svc", Target: "ui"})
	add(&model.Element{ID: "browser", Kind: model.Process, Name: "Browser", X: 0, Y: 300})
	add(&model.Element{ID: "b-call", Kind: model.DataFlow, Source: "browser", Target: "svc"})
	add(&model.Element{ID: "queue", Kind: model.DataStore, Name: "Message queue", X: 300, Y: 300})
	add(&model.Element{ID: "worker", Kind: model.Process, Name: "Background worker", X: 600, Y: 300})
	add(&model.Element{ID: "put", Kind: model.DataFlow, Source: "svc", Target: "queue"})
	add(&model.Element{ID: "take", Kind: model.DataFlow, Source: "queue", Target: "worker"})
	found, errs := stride.Analyze(lib, m)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	poison := false
	for _, f := range found {
		members := append([]*stride.Finding{&f}, f.Members...)
		for _, x := range members {
			if x.Rule == nil {
				continue
			}
			if x.Element.ID == "resp" && x.Rule.Direction == "request" {
				t.Errorf("the response gets the request threat %s", x.Rule.ID)
			}
			if x.Element.ID == "browser" && x.Rule.Side == "server" {
				t.Errorf("the browser gets the server threat %s", x.Rule.ID)
			}
			poison = poison || x.Element.ID == "worker" && x.Rule.ID == "mq.poison"
		}
	}
	if !poison {
		t.Error("the worker that consumes the queue is not checked for poison messages")
	}
	analyzed(t, lib, m)
	for _, th := range live(m) {
		if th.ElementID == "b-call" && strings.Contains(th.Title, "unnamed") {
			t.Errorf("an unnamed flow is titled %q, want its ends", th.Title)
		}
	}
}

// Mitigations fit the element: an in-process call is not told to deploy a
// service mesh.
func TestMitigationsFitALocalCall(t *testing.T) {
	lib := builtin(t)
	m, flow := flowModel("in-process")
	m.Elements["user"].Kind = model.Process
	m.Elements["user"].Name = "Plugin host"
	analyzed(t, lib, m)
	fit := stride.NewFitter(lib, m)
	for _, th := range live(m) {
		if th.ElementID != flow && th.ElementID != "api" {
			continue
		}
		for _, mt := range fit.Mitigations(th) {
			text := mt.Do + " " + mt.Example
			for _, word := range []string{"Istio", "SPIFFE", "Kubernetes", "Linkerd"} {
				if strings.Contains(text, word) {
					t.Errorf("%s: a local call is told %q", th.Title, mt.Do)
				}
			}
		}
	}
}

var networkAdvice = regexp.MustCompile(`\bports?\b|\bsubnet`)

// A configuration file drawn as a store is told about file permissions,
// deployment and secrets managers, not subnets, ports and snapshots; a
// database beside it keeps the network advice.
func TestMitigationsFitAConfigurationFile(t *testing.T) {
	lib := builtin(t)
	m := analyzed(t, lib, importTD(t, "v2-threat-model.json"))
	fit := stride.NewFitter(lib, m)
	seen := map[string]bool{}
	for _, th := range live(m) {
		name := m.Elements[th.ElementID].Name
		if name != "Worker Config" && name != "Database" {
			continue
		}
		for _, mt := range fit.Mitigations(th) {
			network := networkAdvice.MatchString(mt.Do + " " + mt.Example)
			if name == "Worker Config" && (network || strings.Contains(mt.Do, "Back the store up")) {
				t.Errorf("%s: a configuration file is told %q", th.Title, mt.Do)
			}
			seen[name] = seen[name] || network
			if name == "Worker Config" && slices.Contains(mt.Fits, "files") {
				seen["files"] = true
			}
		}
	}
	if !seen["Database"] || !seen["files"] {
		t.Errorf("network advice for the database %v, file advice for the configuration %v", seen["Database"], seen["files"])
	}
}

// People are told apart by the names models give them: those who maintain
// or administer a system are administrators, those who use it users.
func TestPeopleAreKnownByTheirNames(t *testing.T) {
	wantTechnologies(t, model.ExternalEntity, map[string]string{
		"Vendor/Service Personnel": "admin", "Field engineer": "admin", "Support staff": "admin",
		"System administrator": "admin", "Clinical User": "user", "Customer": "user",
	})
}

// wantTechnologies checks the technology inferred from each name.
func wantTechnologies(t *testing.T, k model.Kind, want map[string]string) {
	t.Helper()
	for name, tech := range want {
		e := &model.Element{ID: "e", Kind: k, Name: name}
		if got := stride.Infer(e)["technology"].Value; got != tech {
			t.Errorf("%q is inferred to be %q, want %q", name, got, tech)
		}
	}
}

// Between two systems that each send requests to the other (a scanner
// stores images on an archive, which sends some back and reports events),
// a flow named as an answer is still a response.
func TestAnAnswerIsAResponseWhenRequestsGoBothWays(t *testing.T) {
	m, add := drawing("peers")
	add(&model.Element{ID: "ct", Kind: model.Process, Name: "CT scanner", X: 0})
	add(&model.Element{ID: "pacs", Kind: model.Process, Name: "PACS", X: 300})
	add(&model.Element{ID: "store", Kind: model.DataFlow, Name: "Store images", Source: "ct", Target: "pacs"})
	add(&model.Element{ID: "priors", Kind: model.DataFlow, Name: "Store prior images", Source: "pacs", Target: "ct"})
	add(&model.Element{ID: "report", Kind: model.DataFlow, Name: "Commitment event report", Source: "pacs", Target: "ct"})
	add(&model.Element{ID: "query", Kind: model.DataFlow, Name: "C-FIND query", Source: "ct", Target: "pacs"})
	add(&model.Element{ID: "answer", Kind: model.DataFlow, Name: "C-FIND response", Source: "pacs", Target: "ct"})
	requests := requestThreats(t, m)
	if requests["answer"] {
		t.Error("the C-FIND response gets request threats")
	}
	if !requests["priors"] || !requests["store"] {
		t.Errorf("requests both ways should keep their request threats: %v", requests)
	}
}

// A provider's "Public Cloud" is not the Internet, nor is a zone whose
// stated trust is high; a process drawn in either is a server, not a
// program on a user's device. One the model calls an API gateway is a
// server even out on the Internet.
func TestCloudZonesHoldServers(t *testing.T) {
	for _, c := range []struct {
		zone  string
		props map[string]string
		tech  string
		want  string
	}{
		{"Public Cloud", nil, "", "cluster"},
		{"Public services", map[string]string{"trust": "high"}, "", ""},
		{"Internet", nil, "api_gateway", "internet"},
	} {
		b := &model.Element{ID: "z", Kind: model.TrustBoundary, Name: c.zone, Props: c.props}
		if got := stride.Infer(b)["zone"].Value; got != c.want {
			t.Errorf("zone %q is inferred as %q, want %q", c.zone, got, c.want)
		}
		m, add := drawing("cloud")
		b.X, b.Y, b.W, b.H = -50, -50, 300, 200
		add(b)
		svc := &model.Element{ID: "svc", Kind: model.Process, Name: "Orders", Props: map[string]string{}}
		if c.tech != "" {
			svc.Props["technology"] = c.tech
		}
		add(svc)
		b.W, b.H = 300, 200
		found, errs := stride.Analyze(builtin(t), m)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		for _, f := range found {
			if f.Element.ID == "svc" && f.Rule != nil && f.Rule.Side == "client" {
				t.Errorf("in %q, %s is read as a program on a user's device: %s", c.zone, svc.Name, f.Rule.ID)
			}
		}
	}
}

// Flows that share a name (five links called "Queue") are told apart in
// threat titles by their ends; a name no other flow carries stays as is.
func TestSharedFlowNamesNameTheirEnds(t *testing.T) {
	m, add := drawing("shared")
	add(&model.Element{ID: "a", Kind: model.Process, Name: "Orders", X: 0})
	add(&model.Element{ID: "b", Kind: model.Process, Name: "Billing", X: 0, Y: 300})
	add(&model.Element{ID: "q", Kind: model.Process, Name: "Queue", X: 300})
	add(&model.Element{ID: "s", Kind: model.DataStore, Name: "Ledger", X: 600})
	add(&model.Element{ID: "f1", Kind: model.DataFlow, Name: "Queue", Source: "a", Target: "q", Props: map[string]string{"protocol": "AMQP"}})
	add(&model.Element{ID: "f2", Kind: model.DataFlow, Name: "Queue", Source: "b", Target: "q", Props: map[string]string{"protocol": "AMQP"}})
	add(&model.Element{ID: "f3", Kind: model.DataFlow, Name: "Write", Source: "q", Target: "s", Props: map[string]string{"protocol": "TCP"}})
	found := withTexts(t, m)
	titles := map[string][]string{}
	for _, f := range found {
		titles[f.Element.ID] = append(titles[f.Element.ID], f.Threat().Title)
	}
	for id, want := range map[string]string{"f1": "Queue (Orders → Queue)", "f2": "Queue (Billing → Queue)"} {
		if !slices.ContainsFunc(titles[id], func(s string) bool { return strings.HasPrefix(s, want+" ") }) {
			t.Errorf("%s: titles %q should start with %q", id, titles[id], want)
		}
	}
	for _, title := range titles["f3"] {
		if strings.Contains(title, "(") {
			t.Errorf("a name no other flow carries gained its ends: %q", title)
		}
	}
}

// A well-known port says whether a bare TCP flow is encrypted, as an
// inference the analyst sees and can override; a protocol that says so
// itself wins.
func TestPortsSayWhatTCPDoesNot(t *testing.T) {
	for _, c := range []struct{ protocol, port, want string }{
		{"tcp", "443", "true"}, {"tcp", "80", "false"}, {"", "22", "true"},
		{"https", "80", "true"}, {"tcp", "5432", ""}, {"in-process", "80", ""},
	} {
		f := &model.Element{ID: "f", Kind: model.DataFlow, Props: map[string]string{"protocol": c.protocol, "port": c.port}}
		got := stride.Infer(f)["encrypted"]
		if got.Value != c.want {
			t.Errorf("%s on port %s: encrypted %q (%s), want %q", c.protocol, c.port, got.Value, got.Because, c.want)
		}
	}
}

// A zone's trust that only its name suggests is printed as an inference.
func TestZoneTrustFromANameSaysSo(t *testing.T) {
	m, add := drawing("named zone")
	add(zoneAround("Internet", nil))
	add(&model.Element{ID: "api", Kind: model.Process, Name: "API", X: 0})
	add(&model.Element{ID: "kiosk", Kind: model.Process, Name: "Kiosk", X: 300, Props: map[string]string{"technology": "service"}})
	m.Assets["card"] = &model.DataAsset{ID: "card", Name: "Card data", Classification: model.Restricted}
	add(&model.Element{ID: "f", Kind: model.DataFlow, Name: "Receipt", Source: "api", Target: "kiosk", Assets: []string{"card"}})
	found := withTexts(t, m)
	for _, f := range found {
		if f.Rule != nil && f.Rule.ID == "data.lower-trust-target" {
			facts := strings.Join(f.Threat().Facts, "\n")
			if !strings.Contains(facts, "zone trust: untrusted (inferred from the name “Internet”)") {
				t.Errorf("facts: %s", facts)
			}
			return
		}
	}
	t.Error("restricted data sent into a zone named Internet raised nothing")
}

// A gateway is an API gateway by its name only when the name says web or
// API: a vehicle's central gateway is not one.
func TestGatewayNames(t *testing.T) {
	wantTechnologies(t, model.Process, map[string]string{
		"API Gateway": "api_gateway", "Gateway": "api_gateway", "Edge gateway": "api_gateway", "Kong": "api_gateway",
		"Central Gateway": "", "IoT gateway": "",
	})
}

// A component an Open Threat Model types as a provider's service
// (CloudWatch) is one whatever it is called: it is reached over TLS only.
func TestManagedByResourceType(t *testing.T) {
	m, add := drawing("managed")
	add(&model.Element{ID: "svc", Kind: model.Process, Name: "Service", X: 0})
	add(&model.Element{ID: "logs", Kind: model.DataStore, Name: "Custom log system", X: 300, Props: map[string]string{"otm:type": "cloudwatch"}})
	add(zoneAround("AWS", map[string]string{"zone": "cluster"}))
	add(&model.Element{ID: "f", Kind: model.DataFlow, Name: "Logs", Source: "svc", Target: "logs"})
	found := withTexts(t, m)
	for _, f := range found {
		if th := f.Threat(); f.Element.ID == "f" && strings.HasPrefix(th.RuleID, "transport") {
			t.Errorf("a flow to CloudWatch gets %q", th.Title)
		}
	}
}

// Between a service and its database the service asks and the store
// answers, whatever the flows are called: "Customer data write" drawn from
// the database does not make the service's queries its answers.
func TestAStoreNeverAsks(t *testing.T) {
	m, add := drawing("store")
	add(&model.Element{ID: "svc", Kind: model.Process, Name: "Customer Service", X: 0})
	add(&model.Element{ID: "db", Kind: model.DataStore, Name: "Customer DB", X: 300, Props: map[string]string{"technology": "sql_database"}})
	add(&model.Element{ID: "write", Kind: model.DataFlow, Name: "Customer Data Write", Source: "db", Target: "svc"})
	add(&model.Element{ID: "read", Kind: model.DataFlow, Name: "Customer Data Read", Source: "svc", Target: "db"})
	requests := requestThreats(t, m)
	if !requests["read"] || requests["write"] {
		t.Errorf("request threats on: %v", requests)
	}
}

// A technology the source tool named but Rampart has no counterpart for
// is printed as the model's own term, not as unstated.
func TestForeignTechnologyIsNotUnstated(t *testing.T) {
	m, add := drawing("foreign")
	add(&model.Element{ID: "ecu", Kind: model.Process, Name: "Brake ECU", X: 0, Props: map[string]string{"threagile:technology": "iot-device"}})
	add(&model.Element{ID: "gw", Kind: model.Process, Name: "Body controller", X: 300})
	add(zoneAround("Body domain", map[string]string{"zone": "internal"}))
	add(&model.Element{ID: "f", Kind: model.DataFlow, Name: "Brake status", Source: "ecu", Target: "gw"})
	found := withTexts(t, m)
	said := false
	for _, f := range found {
		for _, fact := range f.Threat().Facts {
			if strings.Contains(fact, "Brake ECU: Technology:") {
				said = true
				if !strings.Contains(fact, "iot-device (the model's own term") {
					t.Errorf("a fact hides the model's technology: %q", fact)
				}
			}
		}
	}
	if !said {
		t.Error("no fact speaks of the ECU's technology")
	}
}

// requestThreats lists the elements that take request threats.
func requestThreats(t *testing.T, m *model.Model) map[string]bool {
	t.Helper()
	found, errs := stride.Analyze(builtin(t), m)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	requests := map[string]bool{}
	for _, f := range found {
		for _, x := range append([]*stride.Finding{&f}, f.Members...) {
			if x.Rule != nil && x.Rule.Direction == "request" {
				requests[x.Element.ID] = true
			}
		}
	}
	return requests
}

// withTexts analyses a model and writes its findings' texts.
func withTexts(t *testing.T, m *model.Model) []stride.Finding {
	t.Helper()
	found, errs := stride.Analyze(builtin(t), m)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	stride.WriteTexts(found)
	return found
}

// zoneAround is a trust boundary around what a drawing puts at x = 300.
func zoneAround(name string, props map[string]string) *model.Element {
	return &model.Element{ID: "z", Kind: model.TrustBoundary, Name: name, X: 250, Y: -50, W: 300, H: 200, Props: props}
}

// A program drawn in the Internet zone runs on its users' devices even
// when its name suggests a web application ("Web UI"); only a technology
// the model states makes it a server there.
func TestANameDoesNotOutweighTheInternetZone(t *testing.T) {
	m, add := drawing("web ui")
	add(zoneAround("Internet", nil))
	add(&model.Element{ID: "ui", Kind: model.Process, Name: "Web UI", X: 300})
	add(&model.Element{ID: "api", Kind: model.Process, Name: "Web Service", X: 0, Y: 400})
	add(&model.Element{ID: "call", Kind: model.DataFlow, Name: "Request", Source: "ui", Target: "api"})
	client := false
	for _, f := range withTexts(t, m) {
		client = client || f.Element.ID == "ui" && f.Rule != nil && f.Rule.Side == "client"
	}
	if !client {
		t.Error("Web UI in the Internet zone gets no client threats")
	}
}
