package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// PropType is the type of an element property.
type PropType int

// Property types.
const (
	Bool PropType = iota
	Enum
	Text
)

// PropDef describes one typed property an element kind may carry.
type PropDef struct {
	Key     string
	Label   string
	Type    PropType
	Kinds   []Kind   // the kinds that carry it
	Options []string // Enum only, in display order
	Help    string
	// Safe is the value under which the property adds no risk (a control
	// in place, a risky capability absent), or "" when no value is safe.
	// Analysis asks whether a threat would still be raised if every
	// property nobody stated had its safe value: if not, the threat rests
	// on an assumption, and Question asks the team about it.
	Safe string
	// Question asks about the property, "{name}" standing for the
	// element's name.
	Question string
}

// AppliesTo reports whether elements of a kind carry the property.
func (p *PropDef) AppliesTo(k Kind) bool { return slices.Contains(p.Kinds, k) }

// Check reports whether a value is valid for the property ("" means unset).
func (p *PropDef) Check(v string) error {
	switch {
	case v == "":
		return nil
	case p.Type == Bool:
		if _, err := strconv.ParseBool(v); err != nil || (v != "true" && v != "false") {
			return fmt.Errorf("%s: %q is not true or false", p.Label, v)
		}
	case p.Type == Enum:
		if !slices.Contains(p.Options, v) {
			return fmt.Errorf("%s: %q is not one of %v", p.Label, v, p.Options)
		}
	}
	return nil
}

// Technologies per kind, the values of the "technology" property. The rule
// library keys many microservice threats on them.
var (
	ProcessTechnologies = []string{"service", "web_app", "api_gateway", "waf", "load_balancer",
		"service_mesh_sidecar", "identity_provider", "message_broker", "serverless_function",
		"batch_job", "container_orchestrator", "container_runtime", "ci_cd", "database_server",
		"browser", "mobile_app", "desktop_app", "llm", "ai_agent"}
	EntityTechnologies = []string{"user", "admin", "browser", "mobile_app", "third_party_service",
		"partner_system", "iot_device", "external_system", "llm_service"}
	StoreTechnologies = []string{"sql_database", "nosql_database", "object_store", "message_queue",
		"cache", "secrets_vault", "file_system", "log_store", "search_index", "container_registry"}
	BoundaryZones = []string{"internet", "dmz", "internal", "cluster", "data", "management", "third_party"}
)

var (
	nodes     = []Kind{Process, ExternalEntity, DataStore}
	processes = []Kind{Process}
	entities  = []Kind{ExternalEntity}
	stores    = []Kind{DataStore}
	flows     = []Kind{DataFlow}
	bounds    = []Kind{TrustBoundary}
)

// Schema lists every typed property, in the order the editor shows them.
// It covers what Threat Dragon, Microsoft TMT and pytm expose, plus the
// microservice concerns the rule library knows.
var Schema = []PropDef{
	{Key: "technology", Label: "Technology", Type: Enum, Kinds: processes, Options: ProcessTechnologies},
	{Key: "technology", Label: "Technology", Type: Enum, Kinds: entities, Options: EntityTechnologies},
	{Key: "technology", Label: "Technology", Type: Enum, Kinds: stores, Options: StoreTechnologies},
	{Key: "internet_facing", Label: "Internet-facing", Type: Bool, Kinds: []Kind{Process, DataStore},
		Help: "Reachable from the Internet", Safe: "false", Question: "Is {name} reachable from the Internet?"},

	// Processes
	{Key: "authenticates_callers", Label: "Authenticates callers", Type: Bool, Kinds: processes, Safe: "true", Question: "Does {name} authenticate its callers?"},
	{Key: "authorizes_requests", Label: "Checks authorization", Type: Bool, Kinds: processes,
		Help: "Decides per request whether the caller may do it", Safe: "true", Question: "Does {name} check, for each request, that the caller may do it?"},
	{Key: "sanitizes_input", Label: "Validates input", Type: Bool, Kinds: processes, Safe: "true", Question: "Does {name} validate the input it receives?"},
	{Key: "encodes_output", Label: "Encodes output", Type: Bool, Kinds: processes, Safe: "true", Question: "Does {name} encode its output for where it goes (HTML, SQL, shell)?"},
	{Key: "audit_logging", Label: "Writes an audit log", Type: Bool, Kinds: processes, Safe: "true", Question: "Does {name} keep an audit log of who did what?"},
	{Key: "tracing", Label: "Distributed tracing", Type: Bool, Kinds: processes, Safe: "true", Question: "Are requests through {name} traced across services?"},
	{Key: "privilege_level", Label: "Privilege level", Type: Enum, Kinds: processes,
		Options: []string{"unprivileged", "user", "admin", "root"}, Safe: "unprivileged", Question: "With which privileges does {name} run?"},
	{Key: "behind_gateway", Label: "Behind a gateway or WAF", Type: Bool, Kinds: processes, Safe: "true", Question: "Is {name} reached only through a gateway or WAF?"},
	{Key: "rate_limited", Label: "Rate limited", Type: Bool, Kinds: processes, Safe: "true", Question: "Does {name} limit the rate of requests?"},
	{Key: "circuit_breaker", Label: "Circuit breaker", Type: Bool, Kinds: processes, Safe: "true", Question: "Does {name} time out and stop calling a failing dependency?"},
	{Key: "secrets_storage", Label: "Where its secrets live", Type: Enum, Kinds: processes,
		Options: []string{"none", "vault", "environment", "config_file", "source_code"}, Safe: "vault", Question: "Where does {name} keep its secrets?"},
	{Key: "fetches_urls", Label: "Fetches URLs it is given", Type: Bool, Kinds: processes, Safe: "false", Question: "Does {name} fetch URLs its callers give it?"},
	{Key: "deserializes_input", Label: "Deserializes objects", Type: Bool, Kinds: processes, Safe: "false", Question: "Does {name} deserialize objects it receives?"},
	{Key: "parses_xml", Label: "Parses XML", Type: Bool, Kinds: processes, Safe: "false", Question: "Does {name} parse XML it receives?"},
	{Key: "idempotent", Label: "Idempotent", Type: Bool, Kinds: processes, Safe: "true", Question: "Can {name} handle the same message twice safely?"},
	{Key: "runs_in_container", Label: "Runs in a container", Type: Bool, Kinds: processes, Question: "Does {name} run in a container?"},
	{Key: "privileged_container", Label: "Privileged container", Type: Bool, Kinds: processes, Safe: "false", Question: "Does {name} run in a privileged container?"},
	{Key: "image_signed", Label: "Signed, scanned image", Type: Bool, Kinds: processes, Safe: "true", Question: "Is the image of {name} signed and scanned?"},
	{Key: "memory_safe", Label: "Memory-safe code", Type: Bool, Kinds: processes,
		Help: "Managed or memory-safe language (TMT codeType)", Safe: "true", Question: "Is {name} written in a memory-safe language?"},

	// External entities
	{Key: "authenticates_itself", Label: "Authenticates itself", Type: Bool, Kinds: entities, Safe: "true", Question: "Does {name} authenticate itself?"},
	{Key: "third_party", Label: "Third party", Type: Bool, Kinds: entities,
		Help: "Run by another organization", Question: "Is {name} run by another organization?"},

	// Data stores
	{Key: "encrypted_at_rest", Label: "Encrypted at rest", Type: Bool, Kinds: stores, Safe: "true", Question: "Is {name} encrypted at rest?"},
	{Key: "signed", Label: "Integrity protected", Type: Bool, Kinds: stores, Safe: "true", Question: "Is the content of {name} integrity protected?"},
	{Key: "stores_credentials", Label: "Stores credentials", Type: Bool, Kinds: stores, Safe: "false", Question: "Does {name} store credentials?"},
	{Key: "stores_logs", Label: "Is a log", Type: Bool, Kinds: stores, Question: "Is {name} a log?"},
	{Key: "backup", Label: "Backed up", Type: Bool, Kinds: stores, Safe: "true", Question: "Is {name} backed up?"},
	{Key: "shared", Label: "Shared by services", Type: Bool, Kinds: stores, Safe: "false", Question: "Do several services share {name}?"},
	{Key: "parameterized_queries", Label: "Parameterized queries", Type: Bool, Kinds: stores, Safe: "true", Question: "Is {name} queried with parameters only?"},
	{Key: "access_restricted", Label: "Access restricted", Type: Bool, Kinds: stores, Safe: "true", Question: "Is access to {name} restricted to the services that need it?"},

	// Data flows
	{Key: "protocol", Label: "Protocol", Type: Text, Kinds: flows, Help: "https, grpc, amqp, sql, ..."},
	{Key: "port", Label: "Port", Type: Text, Kinds: flows},
	{Key: "encrypted", Label: "Encrypted in transit", Type: Bool, Kinds: flows, Safe: "true", Question: "Is {name} encrypted in transit (TLS)?"},
	{Key: "mutual_tls", Label: "Mutual TLS", Type: Bool, Kinds: flows, Safe: "true", Question: "Does {name} use mutual TLS?"},
	{Key: "authenticates_source", Label: "Authenticates source", Type: Bool, Kinds: flows, Safe: "true", Question: "Does the receiver of {name} authenticate the sender?"},
	{Key: "authenticates_destination", Label: "Authenticates destination", Type: Bool, Kinds: flows, Safe: "true", Question: "Does the sender of {name} check who receives it?"},
	{Key: "end_user_context", Label: "Carries end user identity", Type: Bool, Kinds: flows, Safe: "true", Question: "Does {name} carry the end user's identity?"},
	{Key: "integrity_protected", Label: "Messages signed", Type: Bool, Kinds: flows, Safe: "true", Question: "Are the messages of {name} signed?"},
	{Key: "replay_protected", Label: "Replay protected", Type: Bool, Kinds: flows, Safe: "true", Question: "Is {name} protected against replay?"},
	{Key: "public_network", Label: "Over a public network", Type: Bool, Kinds: flows, Safe: "false", Question: "Does {name} travel over a public network?"},
	{Key: "bidirectional", Label: "Bidirectional", Type: Bool, Kinds: flows},

	// Trust boundaries
	{Key: "zone", Label: "Zone", Type: Enum, Kinds: bounds, Options: BoundaryZones},
	{Key: "trust", Label: "Trust level", Type: Enum, Kinds: bounds,
		Options: []string{"untrusted", "low", "medium", "high"}},
}

// PropsFor returns the properties an element kind carries, in display order.
func PropsFor(k Kind) []*PropDef {
	if k >= 0 && int(k) < len(propsByKind) {
		return propsByKind[k]
	}
	return nil
}

// propsByKind is Schema split by kind once, for PropsFor.
var propsByKind = func() [][]*PropDef {
	out := make([][]*PropDef, len(Kinds))
	for _, k := range Kinds {
		for i := range Schema {
			if Schema[i].AppliesTo(k) {
				out[k] = append(out[k], &Schema[i])
			}
		}
	}
	return out
}()

// PropFor finds a property of a kind by key, or nil when the kind has none.
func PropFor(k Kind, key string) *PropDef {
	if k < 0 || int(k) >= len(propIndex) {
		return nil
	}
	return propIndex[k][key]
}

// propIndex is Schema by kind and key, for PropFor: analysis asks it for
// every fact of every element.
var propIndex = func() []map[string]*PropDef {
	out := make([]map[string]*PropDef, len(Kinds))
	for _, k := range Kinds {
		out[k] = map[string]*PropDef{}
		for i := range Schema {
			if Schema[i].AppliesTo(k) {
				out[k][Schema[i].Key] = &Schema[i]
			}
		}
	}
	return out
}()

// valueLabels are enumerated values as people write them.
var valueLabels = map[string]string{
	"ci_cd": "CI/CD", "sql_database": "SQL database", "nosql_database": "NoSQL database", "api_gateway": "API gateway",
	"waf": "WAF", "web_app": "web application", "iot_device": "IoT device", "llm": "LLM", "llm_service": "LLM service",
	"ai_agent": "AI agent", "service_mesh_sidecar": "service mesh sidecar", "dmz": "DMZ", "config_file": "a configuration file",
	"source_code": "the source code", "environment": "environment variables", "very_high": "very high",
}

// ValueLabel is an enumerated value as people write it ("CI/CD", "SQL
// database"), or the value with spaces for underscores.
func ValueLabel(v string) string {
	if l, ok := valueLabels[v]; ok {
		return l
	}
	return strings.ReplaceAll(v, "_", " ")
}
