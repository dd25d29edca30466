package otm_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/otm"
)

func read(t *testing.T, name string) (*model.Model, []string, []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if !otm.Is(data) {
		t.Fatalf("%s is not recognised as OTM", name)
	}
	m, notes, unplaced, err := otm.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return m, notes, unplaced
}

func kinds(m *model.Model) map[model.Kind]int {
	out := map[model.Kind]int{}
	for _, e := range m.Elements {
		out[e.Kind]++
	}
	return out
}

// innermost is the name of the innermost boundary holding an element.
func innermost(m *model.Model, id string) string {
	if b := model.NewIndex(m).Innermost(m.Elements[id]); b != nil {
		return b.Name
	}
	return ""
}

// The corpus's hand-written OTM 0.1 model: 3 trust zones, 3 components,
// 2 dataflows, no positions. Each component is drawn inside its zone, so
// Rampart puts it in that zone.
func TestCorpusManualModel(t *testing.T) {
	m, notes, unplaced := read(t, "manual_threat_model.yaml")
	k := kinds(m)
	if k[model.TrustBoundary] != 3 || k[model.ExternalEntity] != 1 || k[model.Process] != 1 || k[model.DataStore] != 1 ||
		k[model.DataFlow] != 2 || len(m.Assets) != 0 || len(m.Threats) != 0 {
		t.Errorf("counts %v, %d assets, %d threats", k, len(m.Assets), len(m.Threats))
	}
	if m.Name != "Manual Threat Model Project" {
		t.Errorf("name %q", m.Name)
	}
	for id, zone := range map[string]string{"user": "Internet", "web-server": "Public", "database": "Private Secured"} {
		if got := innermost(m, id); got != zone {
			t.Errorf("%s is in %q, the file says %q", id, got, zone)
		}
	}
	if m.Elements["database"].Prop("technology") != "sql_database" || m.Elements["database"].Prop("otm:type") != "postgresql" {
		t.Errorf("database: %v", m.Elements["database"].Props)
	}
	if z := m.Elements["2ab4effa-40b7-4cd2-ba81-8247d29a6f2d"]; z.Prop("trust") != "high" || z.Prop("otm:trustRating") != "100" {
		t.Errorf("Private Secured: %v", z.Props)
	}
	if len(unplaced) != 1 || unplaced[0] != model.RootDiagramID {
		t.Errorf("unplaced %v", unplaced)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "gives no positions") {
		t.Errorf("notes %q", notes)
	}
}

// A model as IriusRisk writes one: relative positions, nested zones, a
// component inside another, threats and mitigations by reference.
func TestForeignModel(t *testing.T) {
	m, notes, unplaced := read(t, "shop.otm.yaml")
	k := kinds(m)
	// Flows: the file's four, the Pay and Store card flows drawn again
	// at the top level, and the Checkout stub inside the shop's diagram.
	if k[model.TrustBoundary] != 3 || k[model.Process] != 2 || k[model.ExternalEntity] != 1 || k[model.DataStore] != 2 ||
		k[model.DataFlow] != 7 || len(m.Diagrams) != 2 || len(m.Assets) != 2 {
		t.Errorf("counts %v, %d diagrams, %d assets", k, len(m.Diagrams), len(m.Assets))
	}
	child := m.ChildOf("shop")
	if child == nil || m.Elements["worker"].Diagram != child.ID || m.Elements["jobs"].Diagram != child.ID {
		t.Fatalf("the worker and the queue are not in the shop's diagram")
	}
	if len(unplaced) != 1 || unplaced[0] != child.ID {
		t.Errorf("unplaced %v: the top diagram has positions", unplaced)
	}
	// Positions are relative to the zone: the browser is at (20+40, 20+100).
	if b := m.Elements["browser"]; b.X != 60 || b.Y != 120 || b.W != 100 {
		t.Errorf("browser at %v", b.Bounds())
	}
	for id, zone := range map[string]string{"browser": "Internet", "shop": "Private network", "card-db": "Payments zone"} {
		if got := innermost(m, id); got != zone {
			t.Errorf("%s is in %q, the file says %q", id, got, zone)
		}
	}
	for _, f := range model.Validate(m) {
		if f.Severity == model.Error {
			t.Errorf("invalid: %s", f)
		}
	}
	if f := m.Elements["checkout"]; !f.Bool("bidirectional") || f.Prop("otm:tags") != "https" || len(f.Assets) != 1 {
		t.Errorf("checkout %+v", f)
	}
	if p := m.Elements["store-card"]; p.Prop("encrypted") != "true" || p.Source != "worker" {
		t.Errorf("store-card %+v", p)
	}
	if up := m.Elements["store-card@"+model.RootDiagramID]; up == nil || up.Source != "shop" || up.Target != "card-db" {
		t.Errorf("the shop's own flow to the vault: %+v", up)
	}
	shop := m.Elements["shop"]
	if shop.Prop("sanitizes_input") != "false" || shop.Prop("otm:Team") != "Checkout" || shop.Prop("technology") != "service" {
		t.Errorf("shop props %v", shop.Props)
	}
	if m.Elements["browser"].Prop("authenticates_itself") != "true" {
		t.Error("a Rampart property in the attributes is taken as one")
	}
	card := m.Assets["card-data"]
	if card.Classification != model.Restricted || card.Confidentiality != model.VeryHigh || card.Availability != model.High {
		t.Errorf("card data %+v", card)
	}
	// Threats: one instance each, with its state and mitigations.
	if len(m.Threats) != 4 {
		t.Fatalf("%d threats", len(m.Threats))
	}
	want := map[string]model.Status{"otm:session-hijack@shop": model.Open, "otm:sql-injection@shop": model.Mitigated,
		"otm:sql-injection@card-db": model.NotApplicable, "otm:session-hijack@checkout": model.Accepted}
	for id, st := range want {
		th := m.Threats[id]
		if th == nil || th.Status != st || th.Origin != otm.Tool || !th.Manual {
			t.Errorf("%s: %+v", id, th)
		}
	}
	hijack := m.Threats["otm:session-hijack@shop"]
	if hijack.Category != model.Spoofing || hijack.Likelihood != model.High || hijack.Impact != model.VeryHigh ||
		!strings.Contains(hijack.Mitigation, "Secure cookies (required): Set Secure") ||
		!strings.Contains(hijack.Description, "Likelihood: Cookies are sent") || hijack.References[0] != "CWE-384" {
		t.Errorf("session hijack %+v", hijack)
	}
	if m.Threats["otm:sql-injection@shop"].Category != model.Tampering {
		t.Error("an injection threat is tampering")
	}
	for _, want := range []string{"tags (retail)", "attributes (cmdbId)", `"Defined but on nothing"`, `"Source" (code)`} {
		found := false
		for _, n := range notes {
			found = found || strings.Contains(n, want)
		}
		if !found {
			t.Errorf("no note about %s in %q", want, notes)
		}
	}
}

// StartLeft's TMT conversions write TMT's attributes by display name, as
// properties: they become Rampart's properties; headers ({}) are dropped.
func TestStartLeftAttributes(t *testing.T) {
	doc := `{"otmVersion": "0.1.0", "project": {"name": "p", "id": "p"},
	 "trustZones": [{"id": "z", "name": "Cloud", "risk": {"trustRating": 60}}],
	 "components": [
	   {"id": "a", "name": "API", "type": "web-service", "parent": {"trustZone": "z"},
	    "properties": {"Name": "API", "Sanitizes Input": "Yes", "Out Of Scope": "false", "Configurable Attributes": {}}},
	   {"id": "s", "name": "Mongo", "type": "other-nosql-key-value-store", "parent": {"trustZone": "z"},
	    "attributes": {"Encrypted": "No", "Stores Credentials": "Yes", "Out Of Scope": "true", "Reason For Out Of Scope": "legacy"}}],
	 "dataflows": [{"id": "f", "name": "Query", "source": "a", "destination": "s",
	    "attributes": {"Provides Confidentiality": "Yes", "Source Authenticated": "Not Selected"}}]}`
	m, _, _, err := otm.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	a, s, f := m.Elements["a"], m.Elements["s"], m.Elements["f"]
	if a.Prop("sanitizes_input") != "true" || len(a.Props) != 3 || a.OutOfScope {
		t.Errorf("API %v", a.Props)
	}
	if s.Kind != model.DataStore || s.Prop("encrypted_at_rest") != "false" || s.Prop("stores_credentials") != "true" ||
		!s.OutOfScope || s.OutOfScopeReason != "legacy" || s.Prop("technology") != "nosql_database" {
		t.Errorf("Mongo %+v", s)
	}
	if f.Prop("encrypted") != "true" || f.Prop("otm:Source Authenticated") != "Not Selected" {
		t.Errorf("Query %v", f.Props)
	}
	if z := m.Elements["z"]; z.Prop("trust") != "medium" {
		t.Errorf("zone %v", z.Props)
	}
}

// Positions that put a component outside its zone would move it into
// another zone in Rampart: the diagram is laid out again, with a note.
func TestPositionsAgainstTheZonesAreRedrawn(t *testing.T) {
	doc := `otmVersion: 0.2.0
project: {name: p, id: p}
representations: [{name: d, id: d, type: diagram, size: {width: 500, height: 500}}]
trustZones:
  - {id: a, name: A, risk: {trustRating: 1}, representations: [{representation: d, id: ra, position: {x: 0, y: 0}, size: {width: 100, height: 100}}]}
  - {id: b, name: B, risk: {trustRating: 100}, representations: [{representation: d, id: rb, position: {x: 200, y: 0}, size: {width: 100, height: 100}}]}
components:
  - {id: c, name: C, type: service, parent: {trustZone: b}, representations: [{representation: d, id: rc, position: {x: 10, y: 10}, size: {width: 20, height: 20}}]}
  - {id: e, name: E, type: user, parent: {trustZone: a}, representations: [{representation: d, id: re, position: {x: 220, y: 10}, size: {width: 20, height: 20}}]}
dataflows: []
`
	m, notes, unplaced, err := otm.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(unplaced) != 1 || innermost(m, "c") != "B" || innermost(m, "e") != "A" {
		t.Errorf("unplaced %v; c in %q, e in %q", unplaced, innermost(m, "c"), innermost(m, "e"))
	}
	if len(notes) == 0 || !strings.Contains(notes[0], "outside their trust zones") {
		t.Errorf("notes %q", notes)
	}
}

// Files that are not OTM, or break it, are refused or read with notes;
// nothing panics.
func TestBadInput(t *testing.T) {
	for _, doc := range []string{``, `{}`, `[1,2]`, `otmVersion: [`, `{"otmVersion": {"a": 1}, "project": {}}`,
		`{"project": {"name": "x", "id": "x"}}`, `{"otmVersion": "0.2.0", "trustZones": "all"}`} {
		if _, _, _, err := otm.Read([]byte(doc)); !errors.Is(err, otm.ErrNotOTM) {
			t.Errorf("%q: %v", doc, err)
		}
	}
	loops := `{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
	 "trustZones": [{"id": "a", "name": "A", "risk": {"trustRating": 1}, "parent": {"trustZone": "b"}},
	                {"id": "b", "name": "B", "risk": {"trustRating": 1}, "parent": {"trustZone": "a"}}],
	 "components": [{"id": "p", "name": "P", "type": "service", "parent": {"component": "q"}},
	                {"id": "q", "name": "Q", "type": "service", "parent": {"component": "p"}},
	                {"id": "r", "name": "R", "type": "service", "parent": {"trustZone": "gone"}}],
	 "dataflows": [{"id": "f", "name": "F", "source": "p", "destination": "nowhere"},
	               {"id": "g", "name": "G", "source": "a", "destination": "r"}]}`
	m, notes, _, err := otm.Read([]byte(loops))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Elements) != 5 || len(notes) < 4 {
		t.Errorf("%d elements, notes %q", len(m.Elements), notes)
	}
	if !bytes.Contains([]byte(strings.Join(notes, "\n")), []byte("inside itself")) {
		t.Errorf("no note about the loop: %q", notes)
	}
}

// A zone or component that is its own parent, or whose parents loop
// above it, is placed at the top; what stands inside the loop keeps its
// place.
func TestParentLoops(t *testing.T) {
	doc := `{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
	 "trustZones": [{"id": "self", "name": "Self", "risk": {"trustRating": 1}, "parent": {"trustZone": "self"}},
	                {"id": "b", "name": "B", "risk": {"trustRating": 1}, "parent": {"trustZone": "c"}},
	                {"id": "c", "name": "C", "risk": {"trustRating": 1}, "parent": {"trustZone": "b"}},
	                {"id": "a", "name": "A", "risk": {"trustRating": 1}, "parent": {"trustZone": "b"}}],
	 "components": [{"id": "p", "name": "P", "type": "service", "parent": {"trustZone": "a"}},
	                {"id": "q", "name": "Q", "type": "service", "parent": {"trustZone": "self"}}],
	 "dataflows": []}`
	m, notes, _, err := otm.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := innermost(m, "p"); got != "A" {
		t.Errorf("p is in %q", got)
	}
	chain := model.NewIndex(m).BoundariesOf(m.Elements["a"])
	if len(chain) == 0 || chain[len(chain)-1].ID != "b" {
		t.Errorf("A is not inside B: %v", chain)
	}
	if got := innermost(m, "q"); got != "Self" {
		t.Errorf("q is in %q", got)
	}
	if len(notes) < 3 {
		t.Errorf("notes %q", notes)
	}
}

// Components nested two levels deep (a service in a subnet in a VPC) keep
// their flows through every level, and the model validates; a flow
// between a component and the one holding it cannot be drawn and is left
// out with a note. A threat a tool generated and nobody triaged is
// assumed, not what someone stated; its HTML is read as plain text.
func TestDeepNestingValidates(t *testing.T) {
	doc := `{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
	 "trustZones": [{"id": "z", "name": "Public Cloud", "risk": {"trustRating": 60}}],
	 "components": [{"id": "vpc", "name": "VPC", "type": "vpc", "parent": {"trustZone": "z"}},
	                {"id": "subnet", "name": "Subnet", "type": "empty-component", "parent": {"component": "vpc"}},
	                {"id": "svc", "name": "Service", "type": "elastic-container-service", "parent": {"component": "subnet"}},
	                {"id": "lb", "name": "Load balancer", "type": "load-balancer", "parent": {"trustZone": "z"},
	                 "threats": [{"threat": "t", "state": "AutoGenerated"}]}],
	 "dataflows": [{"id": "in", "name": "Requests", "source": "lb", "destination": "svc"},
	               {"id": "up", "name": "Routes", "source": "svc", "destination": "vpc"}],
	 "threats": [{"id": "t", "name": "Spoofing of the balancer", "categories": ["Spoofing"], "risk": {"likelihood": 100, "impact": 100},
	              "description": "See <a href=\"https://aka.ms/x\">the guidance</a> &amp; <b>more</b>"}]}`
	m, notes, _, err := otm.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range model.Validate(m) {
		if f.Severity == model.Error {
			t.Errorf("the import does not validate: %s", f)
		}
	}
	if m.Elements["in"] == nil || m.Elements["up"] != nil {
		t.Errorf("flows: requests %v, routes %v", m.Elements["in"], m.Elements["up"])
	}
	if !strings.Contains(strings.Join(notes, "\n"), "which holds it") {
		t.Errorf("no note on the flow left out: %q", notes)
	}
	for _, th := range m.Threats {
		if th.Confidence != model.Assumed || th.Status != model.Open {
			t.Errorf("an untriaged generated threat is %v, %v", th.Confidence, th.Status)
		}
		if th.Description != "See the guidance (https://aka.ms/x) & more" {
			t.Errorf("HTML in the description: %q", th.Description)
		}
	}
}

// Cloud resource types give what they are: an ECS service runs a
// workload (it is no orchestrator), CloudWatch keeps logs; a dataflow a
// converter named by its UUID has no name, and its tags give its protocol
// and port.
func TestCloudTypes(t *testing.T) {
	doc := `{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"},
	 "trustZones": [{"id": "z", "name": "Public Cloud", "risk": {"trustRating": 60}}],
	 "components": [{"id": "svc", "name": "Service", "type": "elastic-container-service", "parent": {"trustZone": "z"}},
	                {"id": "task", "name": "Task", "type": "docker-container", "parent": {"trustZone": "z"}},
	                {"id": "logs", "name": "Custom log system", "type": "cloudwatch", "parent": {"trustZone": "z"}}],
	 "dataflows": [{"id": "89ab351c-6ae7-4afb-ad90-0eb045fd801a", "name": "89ab351c-6ae7-4afb-ad90-0eb045fd801a",
	                "source": "svc", "destination": "logs", "tags": ["from ServiceSecurityGroup:443", "tcp", "443"]}]}`
	m, _, _, err := otm.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"svc": "service", "task": "service", "logs": "log_store"} {
		if got := m.Elements[id].Prop("technology"); got != want {
			t.Errorf("%s is %q, want %q", id, got, want)
		}
	}
	if m.Elements["logs"].Kind != model.DataStore {
		t.Errorf("CloudWatch is a %v", m.Elements["logs"].Kind)
	}
	if f := m.Elements["89ab351c-6ae7-4afb-ad90-0eb045fd801a"]; f.Name != "" || m.NameOf(f) != "Service → Custom log system" {
		t.Errorf("the flow is named %q, listed as %q", f.Name, m.NameOf(f))
	} else if f.Prop("protocol") != "tcp" || f.Prop("port") != "443" {
		t.Errorf("the flow's tags give %v", f.Props)
	}
}

// StartLeft's first examples wrote an earlier draft of OTM: no version,
// trustzones with a type and no rating, a parent as a bare id, dataflows
// from and to. They are read as OTM, and a zone with no rating gets no
// trust made up for it.
func TestEarlyDraft(t *testing.T) {
	doc := `project: {name: Manual, id: manual}
trustzones:
  - {id: internet, name: Internet, type: internet}
  - {id: web, name: Web, type: private}
components:
  - {id: user, name: User, type: user, parent: internet}
  - {id: server, name: Web server, type: webapp, parent: web}
  - {id: handler, name: Handler, type: service, parent: server}
dataflows:
  - {id: connect, name: Client connection, from: user, to: server}
`
	if !otm.Is([]byte(doc)) {
		t.Fatal("the draft is not recognised")
	}
	m, _, _, err := otm.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	f := m.Elements["connect"]
	if f == nil || f.Source != "user" || f.Target != "server" {
		t.Fatalf("the dataflow: %+v", f)
	}
	if got := innermost(m, "server"); got != "Web" {
		t.Errorf("the server is in %q", got)
	}
	if m.ChildOf("server") == nil || m.Elements["handler"].Diagram != m.ChildOf("server").ID {
		t.Errorf("the handler is not inside the server")
	}
	web, internet := m.Elements["web"], m.Elements["internet"]
	if web.Prop("trust") != "" || web.Prop("zone") != "internal" || internet.Prop("zone") != "internet" {
		t.Errorf("zones: web %v, internet %v", web.Props, internet.Props)
	}
	if otm.Is([]byte(`{"project": {"name": "p"}, "components": []}`)) {
		t.Error("a document without trust zones is taken for a draft")
	}
}

// From infrastructure code, StartLeft writes a VPC, its subnets and
// security groups as components, and security-group rules as dataflows:
// the network resources are kept but out of scope (they handle no data
// of their own), and a rule that denies traffic is no data flow.
func TestInfrastructureComponents(t *testing.T) {
	doc := `{"otmVersion": "0.1.0", "project": {"name": "x", "id": "x"},
	 "trustZones": [{"id": "z", "name": "Public Cloud", "risk": {"trustRating": 10}}],
	 "components": [{"id": "vpc", "name": "CustomVPC", "type": "vpc", "parent": {"trustZone": "z"}},
	                {"id": "net", "name": "PrivateSubnet1", "type": "empty-component", "parent": {"component": "vpc"}, "tags": ["AWS::EC2::Subnet"]},
	                {"id": "svc", "name": "Service", "type": "elastic-container-service", "parent": {"component": "net"}},
	                {"id": "any", "name": "255.255.255.255/32", "type": "generic-client", "parent": {"trustZone": "z"}}],
	 "dataflows": [{"id": "deny", "name": "Service -> OutboundSecurityGroup", "source": "svc", "destination": "any",
	                "tags": ["Disallow all traffic", "icmp", "255.255.255.255/32"]}]}`
	m, notes, _, err := otm.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"vpc", "net"} {
		if e := m.Elements[id]; !e.OutOfScope || !strings.Contains(e.OutOfScopeReason, "network resource") {
			t.Errorf("%s: out of scope %v (%q)", e.Name, e.OutOfScope, e.OutOfScopeReason)
		}
	}
	if m.Elements["svc"].OutOfScope {
		t.Error("the service inside is out of scope")
	}
	if m.Elements["deny"] != nil || !strings.Contains(strings.Join(notes, "\n"), "denying traffic") {
		t.Errorf("a deny rule became a flow, or was left out silently: %q", notes)
	}
}
