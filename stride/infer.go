package stride

import (
	"regexp"
	"strings"
	"sync"

	"github.com/rampart-tm/rampart/model"
)

// Inference is a property value that follows from something the model
// states: encryption from a protocol, a technology from a name. Analysis
// treats it as stated; the analyst sees where it came from and can set the
// property to override it.
type Inference struct {
	Value   string
	Because string // "protocol HTTPS", "its name “MySQL database”"
}

// Infer lists what follows from an element's stated properties and name,
// for the properties the analyst has not set.
func Infer(e *model.Element) map[string]Inference {
	return infer(e, protocolTraits(e.Prop("protocol")))
}

// infer is Infer with the traits of the element's protocol read already.
func infer(e *model.Element, t protocolInfo) map[string]Inference {
	out := map[string]Inference{}
	put := func(key, value, because string) {
		if _, set := e.Props[key]; !set && value != "" {
			if _, done := out[key]; !done {
				out[key] = Inference{value, because}
			}
		}
	}
	switch e.Kind {
	case model.DataFlow:
		// A well-known port says what a bare "tcp" does not.
		if port := strings.TrimSpace(e.Prop("port")); !t.local && t.encrypted == unknown && port != "" {
			if p, ok := wellKnownPorts[port]; ok {
				put("encrypted", p.encrypted, "port "+port+" ("+p.protocol+" by convention)")
			}
		}
		if p := strings.TrimSpace(e.Prop("protocol")); p != "" {
			because := "protocol " + p
			switch {
			case t.local: // an in-process call: facts say so through "local"
			case t.encrypted == yes:
				put("encrypted", "true", because)
			case t.encrypted == no:
				put("encrypted", "false", because)
			}
			if t.mutual {
				put("mutual_tls", "true", because)
			}
			if t.authenticated {
				put("authenticates_source", "true", because)
				put("authenticates_destination", "true", because)
			}
		}
	case model.TrustBoundary:
		// A zone whose stated trust is medium or high is not the Internet,
		// whatever its name says ("Public services", trust high).
		if zone, why := zoneFromName(e); zone != "" && !(zone == "internet" && trustedZone(e)) {
			put("zone", zone, why)
		}
	default:
		if tech, why := technologyFromName(e); tech != "" {
			put("technology", tech, why)
		}
	}
	return out
}

// wellKnownPorts say, for a bare "tcp", what runs on them and whether it
// is encrypted.
var wellKnownPorts = map[string]struct{ protocol, encrypted string }{
	"443": {"HTTPS", "true"}, "8443": {"HTTPS", "true"}, "22": {"SSH", "true"}, "636": {"LDAPS", "true"},
	"993": {"IMAPS", "true"}, "80": {"plain HTTP", "false"}, "8080": {"plain HTTP", "false"}, "21": {"FTP", "false"},
	"23": {"Telnet", "false"}, "389": {"LDAP", "false"}, "143": {"IMAP", "false"},
}

type tri int

const (
	unknown tri = iota
	yes
	no
)

type protocolInfo struct {
	encrypted     tri
	mutual        bool
	local         bool
	authenticated bool // both ends authenticate each other (SSH keys)
}

// Protocol words, as they are written on flows ("HTTPS", "gRPC over TLS",
// "AMQPS", "jdbc (TLS 1.3)", "in-process").
var (
	protocolWord   = regexp.MustCompile(`[a-z0-9+]+`)
	encryptedWords = set("https", "tls", "ssl", "mtls", "ssh", "sftp", "scp", "wss", "grpcs", "amqps", "mqtts", "ldaps", "ftps", "smtps", "imaps", "pop3s", "ipsec", "vpn", "wireguard", "dtls", "quic", "h3", "rediss", "tls1", "tls12", "tls13", "sasl_ssl", "kafka+ssl", "postgresql+ssl", "stunnel", "hsts")
	plainWords     = set("http", "ws", "ftp", "telnet", "ldap", "smtp", "amqp", "mqtt", "snmp", "tftp", "rsh", "rlogin", "plaintext", "unencrypted", "cleartext", "nntp", "pop3", "imap", "vnc", "syslog")
	localWords     = set("ipc", "in-process", "inprocess", "local", "loopback", "pipe", "localhost", "unix", "function", "call", "stdio", "stdin", "stdout")
	sshWords       = set("ssh", "sftp", "scp")
	localPhrases   = []string{"in-process", "in process", "unix socket", "named pipe", "function call", "method call", "shared memory", "local call", "localhost",
		"local file", "local-file", "inter-process", "interprocess"}
	mutualTLSPhrases  = []string{"mtls", "mutual tls", "mutual-tls", "two-way tls", "client certificate"}
	encryptedPhrases  = []string{"over tls", "with tls", "tls 1.", "ssl/tls", "over ssh", "encrypted"}
	notEncryptedPhras = []string{"not encrypted", "unencrypted", "plain text", "plaintext", "clear text", "cleartext"}
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// webProtocol matches the protocols a web or API edge handles (HTTP and
// what runs over it, RPC, and bare TCP or TLS, which may carry either).
var webProtocol = regexp.MustCompile(`(?i)http|rest|graphql|grpc|soap|websocket|\bwss?\b|json|xml|\bapi\b|\btcp\b|\btls\b|\bssl\b|quic`)

// protocolTraits reads what a protocol's name says about the channel.
func protocolTraits(protocol string) protocolInfo {
	p := strings.ToLower(protocol)
	var info protocolInfo
	if strings.TrimSpace(p) == "" {
		return info
	}
	for _, ph := range localPhrases {
		if strings.Contains(p, ph) {
			info.local = true
			return info
		}
	}
	for _, ph := range notEncryptedPhras {
		if strings.Contains(p, ph) {
			info.encrypted = no
			return info
		}
	}
	for _, ph := range mutualTLSPhrases {
		if strings.Contains(p, ph) {
			info.mutual, info.encrypted = true, yes
		}
	}
	for _, ph := range encryptedPhrases {
		if strings.Contains(p, ph) {
			info.encrypted = yes
		}
	}
	words := protocolWord.FindAllString(strings.ReplaceAll(p, ".", ""), -1)
	if len(words) == 1 && localWords[words[0]] {
		info.local = true
		return info
	}
	plain := false
	for _, w := range words {
		if sshWords[w] {
			info.authenticated = true
		}
		switch {
		case encryptedWords[w]:
			info.encrypted = yes
		case plainWords[w]:
			plain = true
		}
	}
	if info.encrypted == unknown && plain {
		info.encrypted = no
	}
	return info
}

// A nameRule gives a technology to elements of a kind whose name (or the
// stencil another tool drew them with) matches.
type nameRule struct {
	kind model.Kind
	tech string
	re   *regexp.Regexp
}

func words(kind model.Kind, tech, pattern string) nameRule {
	return nameRule{kind, tech, regexp.MustCompile(`(?i)(^|[^a-z0-9])(` + pattern + `)($|[^a-z0-9])`)}
}

// nameRules are tried in order; the first match wins. More specific
// patterns come first ("message queue" before "queue" before "database").
var nameRules = []nameRule{
	words(model.DataStore, "secrets_vault", `vault|key ?vault|kms|hsm|secrets? (manager|store)|key store|keystore`),
	words(model.DataStore, "message_queue", `queues?|kafka|rabbit ?mq|sqs|sns|pub ?/? ?sub|event ?bus|event ?hub|service ?bus|kinesis|nats|activemq|zeromq|mq|topic|stream`),
	words(model.DataStore, "cache", `cache|redis|memcached?|valkey`),
	words(model.DataStore, "search_index", `elastic ?search|opensearch|solr|search index|lucene`),
	words(model.DataStore, "log_store", `logs?|audit (log|trail)|siem|splunk|log store|journal`),
	words(model.DataStore, "object_store", `s3|buckets?|blob( storage)?|object ?stor(e|age)|gcs|minio|cloud storage|azure storage`),
	words(model.DataStore, "container_registry", `(container|image|docker) registry|ecr|acr|gcr|harbor`),
	words(model.DataStore, "nosql_database", `no ?sql|mongo ?db|mongo|dynamo ?db|cassandra|couch ?db|couchbase|cosmos ?db|firestore|hbase|neo4j|riak|document (store|database)|graph database|key-value store`),
	words(model.DataStore, "sql_database", `sql|my ?sql|postgres\w*|maria ?db|oracle|sql ?server|mssql|sqlite|rds|aurora|database|db|rdbms|data ?warehouse|snowflake|redshift|bigquery`),
	words(model.DataStore, "file_system", `files?|file ?system|file share|disk|nfs|smb share|local storage|html5 local storage|cookies?`),

	words(model.Process, "browser", `(web )?browser|browser client|chrome|firefox|safari|edge browser|single[- ]page app|spa`),
	words(model.Process, "mobile_app", `mobile( app(lication)?| client)?|android( app)?|ios( app)?|iphone|smartphone|phone app`),
	words(model.Process, "desktop_app", `desktop( app(lication)?| client)?|thick client|gui|electron( app)?|native app|client application|game client`),
	words(model.Process, "ai_agent", `(ai|llm) agent|agentic|assistant agent|copilot|mcp (client|host)`),
	words(model.Process, "llm", `llm|large language model|language model|gpt(-?[0-9.]+)?|chat ?bot|openai|claude|gemini|llama|ai model|genai|rag pipeline`),
	// A bare "gateway" is an API gateway only as a name of its own or
	// with a web word: a vehicle's central gateway or an IoT gateway is not.
	words(model.Process, "api_gateway", `api ?gateway|(web|http|edge|public|graphql|rest|backend|service|app(lication)?|ingress) gateway|^gateway( api| service)?$|apigee|kong|api management|apim|edge proxy|ingress`),
	words(model.Process, "waf", `waf|web application firewall`),
	words(model.Process, "load_balancer", `load ?balancer|elb|alb|nlb|haproxy|reverse proxy|traefik|envoy`),
	words(model.Process, "identity_provider", `identity provider|idp|auth0|keycloak|okta|auth(entication|orization)? (server|service|provider)|oauth2?( server)?|openid|oidc|sso|single sign[- ]on|cognito|azure ad|entra( id)?|login service|sts`),
	words(model.Process, "message_broker", `(message )?broker|kafka|rabbit ?mq|event bus|message bus|queue`),
	words(model.Process, "serverless_function", `lambda|azure function|cloud function|serverless( function)?|faas`),
	words(model.Process, "container_orchestrator", `kubernetes|k8s|control plane|kube-apiserver|openshift|nomad|ecs|eks|aks|gke`),
	words(model.Process, "ci_cd", `ci ?/? ?cd|jenkins|pipeline|github actions|gitlab( ci)?|build server|circleci|argo ?cd|azure devops`),
	words(model.Process, "database_server", `database( server)?|db( server)?|sql( server)?|my ?sql|postgres\w*|dynamo ?db|mongo ?db|redis|data ?store`),
	words(model.Process, "batch_job", `cron|batch( job)?|scheduler|scheduled job|etl`),
	words(model.Process, "web_app", `web ?app(lication)?|website|web ?site|web server|web portal|portal|front ?end|web ui|web frontend|cms`),

	words(model.ExternalEntity, "browser", `(web )?browser|chrome|firefox|safari`),
	words(model.ExternalEntity, "mobile_app", `mobile( app(lication)?| client| device)?|android|ios|iphone|smartphone`),
	words(model.ExternalEntity, "iot_device", `iot|sensor|device|thermostat|camera|smart (meter|lock|home)|wearable|vehicle|car`),
	words(model.ExternalEntity, "llm_service", `llm( api| service)?|openai|anthropic|claude|gpt|gemini|hugging ?face|model api|ai service`),
	words(model.ExternalEntity, "admin", `admin(istrator)?s?|operators?|sre|devops|support (staff|agent)|root|(service|maintenance|support) personnel|technicians?|maintainers?|(service|field|maintenance) engineers?`),
	words(model.ExternalEntity, "third_party_service", `third[- ]party|3rd[- ]party|partner|payment (provider|gateway|processor|service)|stripe|paypal|adyen|braintree|twilio|sendgrid|mailgun|external (api|service|web service|web application|system)|saas|bank|credit bureau|google|facebook|github|slack|salesforce|aws|azure|gcp`),
	words(model.ExternalEntity, "user", `users?|customers?|clients?|persons?|people|employees?|staff|players?|members?|visitors?|patients?|students?|buyers?|sellers?|shoppers?|citizens?|end[- ]users?|human|actor|guest|consumer|subscriber|account holder`),
}

// technologyFromName infers a technology from an element's name or the
// stencil another tool drew it with.
func technologyFromName(e *model.Element) (tech, because string) {
	if e.Prop("technology") != "" {
		return "", ""
	}
	key := e.Kind.String() + "\x00" + e.Name + "\x00" + e.Prop("tmt:stencil")
	if v, ok := nameCache.get(key); ok {
		return v[0], v[1]
	}
	tech, because = matchName(e)
	nameCache.put(key, [2]string{tech, because})
	return tech, because
}

// nameCache remembers what names say: the editor analyses the same model
// after every edit, and matching every name against every pattern was the
// larger part of building the facts.
var nameCache = &boundedCache{m: map[string][2]string{}}

type boundedCache struct {
	mu sync.Mutex
	m  map[string][2]string
}

func (c *boundedCache) get(k string) ([2]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *boundedCache) put(k string, v [2]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= 100_000 {
		clear(c.m) // a bound, not a policy: models have far fewer names
	}
	c.m[k] = v
}

// matchName is technologyFromName without the cache.
func matchName(e *model.Element) (tech, because string) {
	texts := []struct{ text, what string }{{e.Name, "its name"}, {e.Prop("tmt:stencil"), "its TMT stencil"}}
	for _, nr := range nameRules {
		if nr.kind != e.Kind {
			continue
		}
		for _, t := range texts {
			if t.text != "" && nr.re.MatchString(t.text) {
				return nr.tech, t.what + " “" + t.text + "”"
			}
		}
	}
	return "", ""
}

// clientTechnologies run on a user's own device: they are attacked by
// whoever holds the device, and do not defend a server's perimeter.
var clientTechnologies = set("browser", "mobile_app", "desktop_app", "iot_device")

// anonymousName names people nobody signs in (a guest browsing the shop):
// there is no one to impersonate.
var anonymousName = regexp.MustCompile(`(?i)\b(guests?|anonymous|unauthenticated|unregistered|visitors?|public users?|passers-?by)\b`)

// peopleTechnologies are people, not programs.
var peopleTechnologies = set("user", "admin")

// inferredData is the classification the model implies for an element
// without a data asset saying so: a process that handles card payments
// holds restricted data, one that sells goods or services confidential
// data (orders, addresses).
func inferredData(e *model.Element) (level int, name, because string) {
	switch {
	case e.Bool("threatdragon:handlesCardPayment"):
		return int(model.Restricted), "payment card data", "it handles card payments"
	case e.Bool("threatdragon:handlesGoodsOrServices"):
		return int(model.Confidential), "order and customer data", "it handles goods or services"
	}
	return -1, "", ""
}

// zoneRules name the zone of a trust boundary from its name, first match
// first.
var zoneRules = []struct {
	zone string
	re   *regexp.Regexp
}{
	{"dmz", regexp.MustCompile(`(?i)\b(dmz|demilitari[sz]ed|perimeter|edge)\b`)},
	// "Public Cloud" is a provider's data centre, not the Internet.
	{"cluster", regexp.MustCompile(`(?i)\b(public|private|hybrid|multi)[- ]?cloud\b`)},
	{"third_party", regexp.MustCompile(`(?i)\b(third[- ]party|3rd[- ]party|partners?|vendors?|supplier|saas|external services?)\b`)},
	{"internet", regexp.MustCompile(`(?i)\b(internet|public|external|untrusted|www|web|users?|clients?|browsers?|devices?|local machine|customer|mobile|home)\b`)},
	{"management", regexp.MustCompile(`(?i)\b(management|admin(istration)?|ops|control plane|bastion)\b`)},
	{"data", regexp.MustCompile(`(?i)\b(data( tier| zone| layer)?|database|storage|persistence)\b`)},
	{"cluster", regexp.MustCompile(`(?i)\b(cluster|kubernetes|k8s|pods?|namespace|mesh|vpc|cloud|aws|azure|gcp)\b`)},
	{"internal", regexp.MustCompile(`(?i)\b(internal|intranet|corp(orate)?( network)?|private|lan|office|on[- ]prem(ises)?|backend|back[- ]end|server|application|app tier|trusted)\b`)},
}

// trustedZone tells whether a boundary states a medium or high trust.
func trustedZone(b *model.Element) bool {
	t := b.Prop("trust")
	return t == "medium" || t == "high"
}

// zoneFromName infers a boundary's zone from its name ("Internet",
// "Corp network", "Player's local machine").
func zoneFromName(b *model.Element) (zone, because string) {
	for _, z := range zoneRules {
		if z.re.MatchString(b.Name) {
			return z.zone, "its name “" + b.Name + "”"
		}
	}
	return "", ""
}

// managedName recognises services a cloud provider runs: their code, their
// authentication and their TLS are the provider's, so threats about
// custom service code do not apply to them, and their APIs are reached
// over TLS only.
var managedName = regexp.MustCompile(`(?i)\b(cognito|amazon ses|aws ses|ses|simple email service|sns|sqs|dynamo ?db|kinesis|eventbridge|step functions|appsync|cloudfront|route ?53|secrets manager|kms|cloudwatch|athena|glue|s3|azure (functions|storage|service bus|event hubs?|key vault|cosmos db|monitor)|entra( id)?|firebase|firestore|cloud (storage|pub/?sub|functions|run)|bigquery|auth0|okta|sendgrid|twilio|stripe|paypal)\b`)

// isManaged tells whether an element is a provider's managed service,
// by its name or the resource type an Open Threat Model gave it
// ("cloudwatch", whatever the component is called).
func isManaged(e *model.Element) bool {
	return e.Kind != model.DataFlow && e.Kind != model.TrustBoundary &&
		(managedName.MatchString(e.Name) || managedName.MatchString(e.Prop("otm:type")))
}

// sourceTypeKeys are where importers keep the type another tool gave an
// element, when Rampart has no technology of its own for it.
var sourceTypeKeys = []string{"threagile:technology", "otm:type", "tmt:stencil"}

// sourceType is the type the tool a model came from gave an element, or "".
func sourceType(e *model.Element) string {
	for _, key := range sourceTypeKeys {
		if v := e.Prop(key); v != "" {
			return v
		}
	}
	return ""
}
