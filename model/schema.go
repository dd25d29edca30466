package model

import (
	"fmt"
	"slices"
	"strconv"
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
		"batch_job", "container_orchestrator", "container_runtime", "ci_cd"}
	EntityTechnologies = []string{"user", "admin", "browser", "mobile_app", "third_party_service",
		"partner_system", "iot_device", "external_system"}
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
		Help: "Reachable from the Internet"},

	// Processes
	{Key: "authenticates_callers", Label: "Authenticates callers", Type: Bool, Kinds: processes},
	{Key: "authorizes_requests", Label: "Checks authorization", Type: Bool, Kinds: processes,
		Help: "Decides per request whether the caller may do it"},
	{Key: "sanitizes_input", Label: "Validates input", Type: Bool, Kinds: processes},
	{Key: "encodes_output", Label: "Encodes output", Type: Bool, Kinds: processes},
	{Key: "audit_logging", Label: "Writes an audit log", Type: Bool, Kinds: processes},
	{Key: "tracing", Label: "Distributed tracing", Type: Bool, Kinds: processes},
	{Key: "privilege_level", Label: "Privilege level", Type: Enum, Kinds: processes,
		Options: []string{"unprivileged", "user", "admin", "root"}},
	{Key: "behind_gateway", Label: "Behind a gateway or WAF", Type: Bool, Kinds: processes},
	{Key: "rate_limited", Label: "Rate limited", Type: Bool, Kinds: processes},
	{Key: "circuit_breaker", Label: "Circuit breaker", Type: Bool, Kinds: processes},
	{Key: "secrets_storage", Label: "Where its secrets live", Type: Enum, Kinds: processes,
		Options: []string{"none", "vault", "environment", "config_file", "source_code"}},
	{Key: "fetches_urls", Label: "Fetches URLs it is given", Type: Bool, Kinds: processes},
	{Key: "deserializes_input", Label: "Deserializes objects", Type: Bool, Kinds: processes},
	{Key: "idempotent", Label: "Idempotent", Type: Bool, Kinds: processes},
	{Key: "runs_in_container", Label: "Runs in a container", Type: Bool, Kinds: processes},
	{Key: "privileged_container", Label: "Privileged container", Type: Bool, Kinds: processes},
	{Key: "image_signed", Label: "Signed, scanned image", Type: Bool, Kinds: processes},
	{Key: "memory_safe", Label: "Memory-safe code", Type: Bool, Kinds: processes,
		Help: "Managed or memory-safe language (TMT codeType)"},

	// External entities
	{Key: "authenticates_itself", Label: "Authenticates itself", Type: Bool, Kinds: entities},
	{Key: "third_party", Label: "Third party", Type: Bool, Kinds: entities,
		Help: "Run by another organization"},

	// Data stores
	{Key: "encrypted_at_rest", Label: "Encrypted at rest", Type: Bool, Kinds: stores},
	{Key: "signed", Label: "Integrity protected", Type: Bool, Kinds: stores},
	{Key: "stores_credentials", Label: "Stores credentials", Type: Bool, Kinds: stores},
	{Key: "stores_logs", Label: "Is a log", Type: Bool, Kinds: stores},
	{Key: "backup", Label: "Backed up", Type: Bool, Kinds: stores},
	{Key: "shared", Label: "Shared by services", Type: Bool, Kinds: stores},
	{Key: "parameterized_queries", Label: "Parameterized queries", Type: Bool, Kinds: stores},
	{Key: "access_restricted", Label: "Access restricted", Type: Bool, Kinds: stores},

	// Data flows
	{Key: "protocol", Label: "Protocol", Type: Text, Kinds: flows, Help: "https, grpc, amqp, sql, ..."},
	{Key: "port", Label: "Port", Type: Text, Kinds: flows},
	{Key: "encrypted", Label: "Encrypted in transit", Type: Bool, Kinds: flows},
	{Key: "mutual_tls", Label: "Mutual TLS", Type: Bool, Kinds: flows},
	{Key: "authenticates_source", Label: "Authenticates source", Type: Bool, Kinds: flows},
	{Key: "authenticates_destination", Label: "Authenticates destination", Type: Bool, Kinds: flows},
	{Key: "end_user_context", Label: "Carries end user identity", Type: Bool, Kinds: flows},
	{Key: "integrity_protected", Label: "Messages signed", Type: Bool, Kinds: flows},
	{Key: "replay_protected", Label: "Replay protected", Type: Bool, Kinds: flows},
	{Key: "public_network", Label: "Over a public network", Type: Bool, Kinds: flows},
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
	for i := range Schema {
		if Schema[i].Key == key && Schema[i].AppliesTo(k) {
			return &Schema[i]
		}
	}
	return nil
}
