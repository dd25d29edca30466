package otm

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// OTM leaves a component's type free: IriusRisk's ids ("postgresql",
// "web-client", "CD-MICROSOFT-AZURE-DB-POSTGRESQL"), Threat Dragon's shape
// names, anything. The kind and the technology are read from its words.
var (
	storeWords = []string{"database", "datastore", "data-store", "storage", "bucket", "postgres", "mysql", "mariadb",
		"oracle", "mssql", "sql", "mongo", "dynamodb", "cosmos", "cassandra", "redis", "memcache", "elasticache", "cache",
		"queue", "sqs", "vault", "kms", "secret", "filesystem", "file-system", "file-server", "efs", "nfs", "blob",
		"s3", "rds", "aurora", "elasticsearch", "search-index", "registry", "ecr", "key-value", "log-store", "db", "store",
		"cloudwatch", "cloudtrail"}
	processWords = []string{"service", "server", "api", "application", "lambda", "function", "gateway",
		"container", "balancer", "backend", "process"}
	entityWords = []string{"client", "user", "browser", "actor", "device", "mobile", "android", "ios", "web-ui",
		"external", "third-party", "partner", "human", "person", "customer", "iot", "admin"}
)

// techWords guess Rampart's technology from the words of a type, per kind.
var techWords = map[model.Kind][][2]string{
	model.Process: {{"gateway", "api_gateway"}, {"load-balancer", "load_balancer"}, {"elb", "load_balancer"},
		{"alb", "load_balancer"}, {"waf", "waf"}, {"lambda", "serverless_function"}, {"function", "serverless_function"},
		{"cognito", "identity_provider"}, {"identity", "identity_provider"}, {"keycloak", "identity_provider"},
		// An ECS service or a Docker container is a workload; the
		// orchestrator and the runtime are what run it.
		{"kubernetes", "container_orchestrator"}, {"eks", "container_orchestrator"}, {"ecs", "service"},
		{"container-service", "service"}, {"docker-container", "service"}, {"docker", "container_runtime"}, {"kafka", "message_broker"},
		{"broker", "message_broker"}, {"sns", "message_broker"}, {"rabbitmq", "message_broker"}, {"jenkins", "ci_cd"},
		{"pipeline", "ci_cd"}, {"batch", "batch_job"}, {"llm", "llm"}, {"web-application", "web_app"},
		{"ec2", "service"}, {"instance", "service"}, {"virtual-machine", "service"}, {"vm", "service"},
		{"web-app", "web_app"}, {"webapp", "web_app"}, {"service", "service"}},
	model.ExternalEntity: {{"browser", "browser"}, {"web-client", "browser"}, {"web-ui", "browser"},
		{"android", "mobile_app"}, {"ios", "mobile_app"}, {"mobile", "mobile_app"}, {"iot", "iot_device"},
		{"admin", "admin"}, {"user", "user"}, {"human", "user"}},
	model.DataStore: {{"nosql", "nosql_database"}, {"mongo", "nosql_database"}, {"dynamodb", "nosql_database"},
		{"cosmos", "nosql_database"}, {"cassandra", "nosql_database"}, {"key-value", "nosql_database"},
		{"postgres", "sql_database"}, {"mysql", "sql_database"}, {"mariadb", "sql_database"}, {"oracle", "sql_database"},
		{"mssql", "sql_database"}, {"sql", "sql_database"}, {"rds", "sql_database"}, {"aurora", "sql_database"},
		{"s3", "object_store"}, {"blob", "object_store"}, {"bucket", "object_store"}, {"queue", "message_queue"},
		{"sqs", "message_queue"}, {"redis", "cache"}, {"cache", "cache"}, {"memcache", "cache"}, {"vault", "secrets_vault"},
		{"kms", "secrets_vault"}, {"secret", "secrets_vault"}, {"file", "file_system"}, {"efs", "file_system"},
		{"nfs", "file_system"}, {"log", "log_store"}, {"cloudwatch", "log_store"}, {"cloudtrail", "log_store"},
		{"azure-storage", "object_store"}, {"storage-account", "object_store"}, {"elasticsearch", "search_index"}, {"search", "search_index"},
		{"registry", "container_registry"}, {"ecr", "container_registry"}},
}

// words splits a type into lower-case words, and their hyphenated pairs
// ("web-client"), so short ids match whole words only.
func words(s string) []string {
	parts := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	out := append([]string{}, parts...)
	for i := 0; i+1 < len(parts); i++ {
		out = append(out, parts[i]+"-"+parts[i+1])
	}
	return out
}

func hasWord(ws []string, want string) bool {
	for _, w := range ws {
		if w == want || len(want) > 3 && !strings.Contains(want, "-") && strings.Contains(w, want) {
			return true
		}
	}
	return false
}

// kindOf guesses what a component is from its type and tags.
func kindOf(typ string, tags []string) model.Kind {
	ws := words(typ + " " + strings.Join(tags, " "))
	for _, w := range storeWords {
		if hasWord(ws, w) {
			return model.DataStore
		}
	}
	for _, w := range processWords {
		if hasWord(ws, w) {
			return model.Process
		}
	}
	for _, w := range entityWords {
		if hasWord(ws, w) {
			return model.ExternalEntity
		}
	}
	return model.Process
}

// networkResource names what a component is when its type or tags say it
// is a cloud network's resource (a VPC, subnet or security group, as
// StartLeft writes them from infrastructure code), or "".
func networkResource(typ string, tags []string) string {
	for _, w := range append([]string{typ}, tags...) {
		key := strings.NewReplacer("-", "", "_", "", " ", "", "::", "").Replace(strings.ToLower(strings.TrimSpace(w)))
		for _, r := range []struct{ suffix, what string }{
			{"vpc", "VPC"}, {"subnet", "subnet"}, {"securitygroup", "security group"}, {"networkacl", "network ACL"},
			{"routetable", "route table"}, {"internetgateway", "internet gateway"}, {"natgateway", "NAT gateway"},
		} {
			if strings.HasSuffix(key, r.suffix) {
				return r.what
			}
		}
	}
	return ""
}

// technologyOf guesses Rampart's technology from a component's type.
func technologyOf(k model.Kind, typ string) string {
	ws := words(typ)
	for _, tw := range techWords[k] {
		if hasWord(ws, tw[0]) {
			return tw[1]
		}
	}
	return ""
}

// typeOf is the component type Rampart writes for an element: IriusRisk's
// id where there is one, the technology's name otherwise.
func typeOf(e *model.Element) string {
	tech := e.Prop("technology")
	switch e.Kind {
	case model.ExternalEntity:
		switch tech {
		case "browser":
			return "web-client"
		case "mobile_app":
			return "mobile-client"
		case "":
			return "generic-client"
		}
	case model.DataStore:
		switch tech {
		case "sql_database":
			return "sql-database"
		case "":
			return "other-database"
		}
	case model.Process:
		switch tech {
		case "web_app":
			return "web-application-server-side"
		case "service":
			return "web-service"
		case "":
			return "generic-service"
		}
	}
	return strings.ReplaceAll(tech, "_", "-")
}

// tmtAttributes are the attributes StartLeft writes for a TMT model, by
// their display names, with the Rampart property each says.
var tmtAttributes = map[string]string{
	"Provides Confidentiality": "encrypted", "Provides Integrity": "integrity_protected",
	"Source Authenticated": "authenticates_source", "Destination Authenticated": "authenticates_destination",
	"Encrypted": "encrypted_at_rest", "Signed": "signed", "Stores Credentials": "stores_credentials",
	"Stores Log Data": "stores_logs", "Backup": "backup", "Shared": "shared", "Sanitizes Input": "sanitizes_input",
	"Sanitizes Output": "encodes_output", "Implements or Uses an Authentication Mechanism": "authenticates_callers",
	"Implements or Uses an Authorization Mechanism": "authorizes_requests", "Authenticates Itself": "authenticates_itself",
}

// propValue checks a value for one of Rampart's properties, reading yes
// and no as truth values and enum values in any case.
func propValue(d *model.PropDef, v string) (string, bool) {
	v = strings.TrimSpace(v)
	switch d.Type {
	case model.Bool:
		switch strings.ToLower(v) {
		case "true", "yes":
			return "true", true
		case "false", "no":
			return "false", true
		}
		return "", false
	case model.Enum:
		v = strings.ReplaceAll(strings.ReplaceAll(strings.ToLower(v), "-", "_"), " ", "_")
	}
	return v, d.Check(v) == nil && v != ""
}

// foreignProps reads a foreign element's attributes: Rampart's own
// properties and the TMT attributes StartLeft writes become properties,
// anything else is kept as otm:<name>. Empty values (TMT's headers) are
// nothing to keep. It reports out of scope and the reason apart.
func foreignProps(e *model.Element, attrs ...attributes) {
	for _, a := range attrs {
		for _, k := range slices.Sorted(maps.Keys(a)) {
			v := a[k]
			key := strings.TrimSpace(k)
			s := strings.TrimSpace(scalar(v))
			if obj, ok := v.(map[string]any); ok && len(obj) == 0 || s == "" || key == "" {
				continue
			}
			switch key {
			case "Out Of Scope":
				e.OutOfScope = strings.EqualFold(s, "true") || strings.EqualFold(s, "yes")
				continue
			case "Reason For Out Of Scope":
				e.OutOfScopeReason = s
				continue
			case "Name":
				if s == e.Name {
					continue
				}
			}
			if d := model.PropFor(e.Kind, key); d != nil {
				if pv, ok := propValue(d, s); ok {
					e.Props[key] = pv
					continue
				}
			}
			if rk := tmtAttributes[key]; rk != "" {
				if d := model.PropFor(e.Kind, rk); d != nil {
					if pv, ok := propValue(d, s); ok {
						e.Props[rk] = pv
						continue
					}
				}
			}
			if strings.HasPrefix(key, "rampart:") {
				continue // Rampart's own fields, in a file not marked as Rampart's
			}
			e.Props["otm:"+key] = s
		}
	}
	if !e.OutOfScope {
		e.OutOfScopeReason = ""
	}
}

// attr reads one attribute as text.
func (a attributes) text(key string) string { return strings.TrimSpace(scalar(a[key])) }

// list reads an attribute holding a JSON list of texts.
func (a attributes) list(key string) []string {
	var out []string
	if s := a.text(key); s != "" {
		_ = json.Unmarshal([]byte(s), &out)
	}
	return out
}

// jsonText writes a value as JSON text, for an attribute.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// jsonUnmarshal reads JSON held in an attribute's text.
func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
