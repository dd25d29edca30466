package threagile_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/threagile"
)

func read(t *testing.T) (*model.Model, []string, []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "threagile-example-model.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !threagile.Is(data) {
		t.Fatal("the example is not recognised")
	}
	m, notes, unplaced, err := threagile.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return m, notes, unplaced
}

// The corpus example: 5 trust boundaries, 14 technical assets (7
// processes, 4 external entities, 3 data stores), 20 communication links,
// 12 data assets, and the 2 hand-written individual risks.
func TestExampleModelCounts(t *testing.T) {
	m, _, unplaced := read(t)
	k := map[model.Kind]int{}
	for _, e := range m.Elements {
		k[e.Kind]++
	}
	if k[model.TrustBoundary] != 5 || k[model.Process] != 7 || k[model.ExternalEntity] != 4 || k[model.DataStore] != 3 ||
		k[model.DataFlow] != 20 || len(m.Assets) != 12 || len(m.Threats) != 2 {
		t.Errorf("counts %v, %d data assets, %d threats", k, len(m.Assets), len(m.Threats))
	}
	if m.Name != "Some Example Application" || len(unplaced) != 1 {
		t.Errorf("name %q, unplaced %v", m.Name, unplaced)
	}
	// The example lets an admin client reach two stores directly, which a
	// data-flow diagram calls an error; nothing else is wrong with it.
	for _, f := range model.Validate(m) {
		if f.Severity == model.Error && !strings.Contains(f.Message, "Backend Admin Client to data store") {
			t.Errorf("invalid: %s", f)
		}
	}
}

// Trust boundaries nest as Threagile nests them, and each technical asset
// is drawn inside the boundary that lists it.
func TestBoundariesNest(t *testing.T) {
	m, _, _ := read(t)
	ix := model.NewIndex(m)
	chain := func(id string) []string {
		var out []string
		for _, b := range ix.BoundariesOf(m.Elements[id]) {
			out = append(out, b.ID)
		}
		return out
	}
	for id, want := range map[string]string{
		"apache-webserver":     "application-network web-dmz",
		"sql-database":         "application-network erp-dmz",
		"ldap-auth-server":     "application-network auth-env",
		"load-balancer":        "application-network",
		"jenkins-build-server": "dev-network",
		"customer-client":      "",
		"web-dmz":              "application-network",
	} {
		if got := strings.Join(chain(id), " "); got != want {
			t.Errorf("%s is in %q, Threagile says %q", id, got, want)
		}
	}
	if m.Elements["auth-env"].Prop("threagile:type") != "execution-environment" {
		t.Error("the boundary's type is kept")
	}
}

// Links carry protocol, authentication, authorization and encryption, and
// the data assets they send; assets carry Threagile's properties as the
// ones Rampart's rules read.
func TestPropertiesRulesRead(t *testing.T) {
	m, _, _ := read(t)
	flow := func(id string) *model.Element {
		f := m.Elements[id]
		if f == nil {
			t.Fatalf("no flow %s", id)
		}
		return f
	}
	traffic := flow("customer-client>customer-traffic")
	if traffic.Source != "customer-client" || traffic.Target != "load-balancer" || traffic.Prop("protocol") != "https" ||
		traffic.Prop("encrypted") != "true" || traffic.Prop("authenticates_source") != "true" ||
		traffic.Prop("end_user_context") != "true" || traffic.Prop("public_network") != "true" ||
		!contains(traffic.Assets, "customer-accounts") {
		t.Errorf("customer traffic %+v", traffic)
	}
	nfs := flow("erp-system>nfs-filesystem-access")
	if nfs.Prop("encrypted") != "false" || nfs.Prop("authenticates_source") != "false" || nfs.Prop("end_user_context") != "false" {
		t.Errorf("NFS %v", nfs.Props)
	}
	if f := flow("backend-admin-client>db-update-access"); f.Prop("mutual_tls") != "true" || f.Prop("encrypted") != "true" {
		t.Errorf("SSH with a client certificate %v", f.Props)
	}
	if f := flow("backoffice-client>erp-internal-access"); f.Prop("threagile:vpn") != "true" || f.Prop("encrypted") != "true" {
		t.Errorf("VPN %v", f.Props)
	}
	for id, props := range map[string]map[string]string{
		"contract-file-server": {"encrypted_at_rest": "false", "technology": "file_system", "shared": "false", "internet_facing": "false"},
		"sql-database":         {"encrypted_at_rest": "true", "technology": "sql_database"},
		"ldap-auth-server":     {"stores_credentials": "true", "threagile:technology": "identity-store-ldap"},
		"erp-system":           {"deserializes_input": "true", "runs_in_container": "false", "threagile:custom_developed_parts": "false"},
		"apache-webserver":     {"runs_in_container": "true", "technology": "web_app", "threagile:custom_developed_parts": "true"},
		"marketing-cms":        {"authenticates_callers": "false", "authorizes_requests": "false"},
		"git-repo":             {"threagile:multi_tenant": "true", "technology": "ci_cd"},
		"customer-client":      {"technology": "browser", "threagile:internet": "true"},
	} {
		for k, v := range props {
			if got := m.Elements[id].Prop(k); got != v {
				t.Errorf("%s: %s = %q, want %q", id, k, got, v)
			}
		}
	}
	if e := m.Elements["customer-client"]; !e.OutOfScope || e.OutOfScopeReason != "Owned and managed by end-user customer" {
		t.Errorf("customer client scope %v %q", e.OutOfScope, e.OutOfScopeReason)
	}
	if m.Elements["erp-system"].Prop("threagile:shared_runtime") != "WebApp and Backoffice Virtualization" {
		t.Error("the shared runtime is kept on the assets it runs")
	}
	accounts := m.Assets["customer-accounts"]
	if accounts.Name != "Customer Accounts" || accounts.Classification != model.Restricted ||
		accounts.Confidentiality != model.VeryHigh || accounts.Availability != model.High {
		t.Errorf("customer accounts %+v", accounts)
	}
	if a := m.Assets["marketing-material"]; a.Classification != model.Public || a.Integrity != model.Medium {
		t.Errorf("marketing material (inherits through a YAML merge key) %+v", a)
	}
}

// The individual risks are the threats Threagile recorded, each on its
// most relevant asset, with Threagile's severity and texts.
func TestIndividualRisks(t *testing.T) {
	m, notes, _ := read(t)
	db := m.Threats["threagile:something-strange@sql-database"]
	fs := m.Threats["threagile:something-strange@contract-file-server"]
	if db == nil || fs == nil {
		t.Fatalf("threats %v", m.Threats)
	}
	if db.Severity() != model.SeverityCritical || fs.Severity() != model.SeverityMedium || db.Category != model.Repudiation ||
		db.Title != "Example Individual Risk at Database" || db.Origin != threagile.Tool || !db.RiskSet ||
		db.Mitigation == "" || db.References[0] != "CWE-693" || db.Status != model.Open {
		t.Errorf("database risk %+v", db)
	}
	joined := strings.Join(notes, "\n")
	if !strings.Contains(joined, "untrusted-deserialization@erp-system") || !strings.Contains(joined, "draws no diagram") {
		t.Errorf("notes %q", notes)
	}
	if !strings.Contains(m.Scope, "Ransomware") || !strings.Contains(m.Scope, "EU-DSGVO") ||
		!strings.Contains(m.Assumptions, "Managed by XYZ") || !strings.Contains(m.Description, "Business criticality: important") {
		t.Error("abuse cases, security requirements, questions and the overview are kept")
	}
}

// Risk tracking sets the status of an individual risk, by id or by a
// pattern with wildcards.
func TestRiskTracking(t *testing.T) {
	doc := `threagile_version: 1.0.0
title: Tracked
technical_assets:
  DB: {id: db, type: datastore}
individual_risk_categories:
  Leak:
    id: leak
    stride: information-disclosure
    risks_identified:
      Leak at DB: {severity: elevated, most_relevant_technical_asset: db}
risk_tracking:
  "leak@*": {status: false-positive, justification: Not reachable, ticket: T-1, checked_by: Kim, date: 2024-01-02}
`
	m, notes, _, err := threagile.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	th := m.Threats["threagile:leak@db"]
	if th == nil || th.Status != model.NotApplicable || th.Severity() != model.SeverityHigh ||
		!strings.Contains(th.Justification, "Not reachable") || !strings.Contains(th.Justification, "ticket T-1, checked by Kim") {
		t.Errorf("tracked risk %+v", th)
	}
	for _, n := range notes {
		if strings.Contains(n, "risk tracking") {
			t.Errorf("the tracking was used, yet noted: %s", n)
		}
	}
}

// Broken models are refused or read with notes; nothing panics.
func TestBadInput(t *testing.T) {
	for _, doc := range []string{``, `title: x`, `technical_assets: 5`, "threagile_version: [1\n"} {
		if _, _, _, err := threagile.Read([]byte(doc)); !errors.Is(err, threagile.ErrNotThreagile) {
			t.Errorf("%q: %v", doc, err)
		}
	}
	doc := `threagile_version: 1.0.0
technical_assets:
  A: {id: a, type: robot, communication_links: {L: {target: nowhere}}}
trust_boundaries:
  X: {id: x, trust_boundaries_nested: [y], technical_assets_inside: [a, ghost]}
  Y: {id: y, trust_boundaries_nested: [x]}
`
	m, notes, _, err := threagile.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Elements) != 3 || len(notes) < 4 {
		t.Errorf("%d elements, notes %q", len(m.Elements), notes)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// What a link says about the Internet, the end user and the machine comes
// from the assets and fields that mean it: a client out on the Internet
// calls over it, an Internet-facing gateway calling the service behind it
// does not, and neither does a file read from a USB stick. A reverse
// proxy passes a caller's token on rather than checking it.
func TestLinksReadWhatTheyMean(t *testing.T) {
	doc := `threagile_version: 1.0.0
data_assets:
  Documents: {id: docs, confidentiality: confidential}
  Receipts: {id: receipts, confidentiality: internal}
technical_assets:
  Customer:
    id: customer
    type: external-entity
    technology: browser
    used_as_client_by_human: true
    internet: true
    communication_links:
      Orders: {target: gateway, protocol: https, authentication: token, authorization: enduser-identity-propagation}
  Gateway:
    id: gateway
    type: process
    technology: reverse-proxy
    internet: true
    communication_links:
      Forward: {target: service, protocol: http, authorization: technical-user}
  Service:
    id: service
    type: process
    technology: web-service-rest
    data_formats_accepted: [json, xml]
    communication_links:
      Fetch documents: {target: issuer, protocol: https, authentication: token, readonly: true, data_assets_received: [docs]}
      Store: {target: issuer, protocol: https, data_assets_sent: [docs], data_assets_received: [receipts]}
  Issuer:
    id: issuer
    type: external-entity
    technology: web-service-rest
  Proxy:
    id: proxy
    type: process
    technology: reverse-proxy
    used_as_client_by_human: true
    internet: true
    communication_links:
      Pass: {target: service, protocol: https}
  Head Unit:
    id: ivi
    type: process
    technology: web-application
    used_as_client_by_human: true
    internet: true
    communication_links:
      Media: {target: stick, protocol: local-file-access}
  Stick:
    id: stick
    type: external-entity
    technology: file-server
`
	m, _, _, err := threagile.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	orders, forward, media := m.Elements["customer>orders"], m.Elements["gateway>forward"], m.Elements["ivi>media"]
	if orders == nil || forward == nil || media == nil {
		t.Fatalf("links %v", m.Elements)
	}
	if orders.Prop("public_network") != "true" || orders.Prop("end_user_context") != "true" {
		t.Errorf("a customer's browser on the Internet: %v", orders.Props)
	}
	if forward.Prop("public_network") != "" || forward.Prop("end_user_context") != "false" {
		t.Errorf("a gateway forwarding inside: %v", forward.Props)
	}
	if media.Prop("public_network") != "" {
		t.Errorf("a local file read: %v", media.Props)
	}
	if tech := m.Elements["ivi"].Prop("technology"); tech != "browser" {
		t.Errorf("a web application people use as their client runs as %q", tech)
	}
	if svc := m.Elements["service"]; svc.Prop("parses_xml") != "true" || svc.Prop("deserializes_input") != "false" {
		t.Errorf("a service accepting JSON and XML: %v", svc.Props)
	}
	// A link is drawn from its caller and carries what the caller sends:
	// the issuer a document is fetched from does not receive it.
	if f := m.Elements["service>fetch-documents"]; f == nil || f.Source != "service" || f.Target != "issuer" ||
		len(f.Assets) != 0 || f.Prop("authenticates_source") != "true" || f.Prop("threagile:data_assets_received") != "docs" {
		t.Errorf("a readonly fetch: %+v", f)
	}
	if f := m.Elements["service>store"]; f == nil || f.Source != "service" || !slices.Equal(f.Assets, []string{"docs"}) {
		t.Errorf("a link that sends: %+v", f)
	}
	if p := m.Elements["proxy"]; p.Prop("technology") != "load_balancer" || m.Elements["proxy>pass"].Prop("public_network") != "" {
		t.Errorf("a reverse proxy flagged as a person's client is still a proxy: %v", p.Props)
	}
	if g := m.Elements["gateway"]; g.Prop("authenticates_callers") != "" {
		t.Errorf("a reverse proxy passes tokens on, it signs nobody in: %v", g.Props)
	}
	if tech := m.Elements["stick"].Prop("technology"); tech != "external_system" {
		t.Errorf("an outside file server is %q", tech)
	}
}
