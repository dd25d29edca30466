package threagile

import (
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// technologies maps Threagile's technologies onto Rampart's, per kind;
// what has no counterpart stays in threagile:technology, and Rampart may
// still infer one from the name. Threagile's "gateway" is any gateway (a
// vehicle's, a protocol's), not an API gateway, so it stays unmapped.
var technologies = map[model.Kind]map[string]string{
	model.Process: {
		"web-server": "web_app", "web-application": "web_app", "cms": "web_app", "application-server": "service",
		"erp": "service", "web-service-rest": "service", "web-service-soap": "service", "ejb": "service",
		"search-engine": "service", "service-registry": "service", "reverse-proxy": "load_balancer",
		"load-balancer": "load_balancer", "build-pipeline": "ci_cd", "sourcecode-repository": "ci_cd",
		"artifact-registry": "ci_cd", "code-inspection-platform": "ci_cd", "monitoring": "service",
		"container-platform": "container_orchestrator", "batch-processing": "batch_job", "scheduler": "batch_job",
		"task": "batch_job", "event-listener": "service", "identity-provider": "identity_provider",
		"ldap-server": "identity_provider", "function": "serverless_function",
		"message-queue": "message_broker", "stream-processing": "message_broker", "service-mesh": "service_mesh_sidecar",
		"big-data-platform": "service", "report-engine": "service", "ai": "llm", "mail-server": "service", "waf": "waf",
		"ids": "service", "ips": "service", "mainframe": "service", "browser": "browser", "desktop": "desktop_app",
		"mobile-app": "mobile_app", "client-system": "desktop_app", "devops-client": "desktop_app", "tool": "desktop_app",
		"cli": "desktop_app", "database": "database_server",
	},
	model.ExternalEntity: {
		"browser": "browser", "mobile-app": "mobile_app", "iot-device": "iot_device", "ai": "llm_service",
		"client-system": "external_system", "web-service-rest": "third_party_service", "web-service-soap": "third_party_service",
		"web-application": "third_party_service", "identity-provider": "third_party_service", "file-server": "external_system",
		"gateway": "external_system", "desktop": "external_system", "devops-client": "external_system",
	},
	model.DataStore: {
		"database": "sql_database", "identity-store-database": "sql_database", "file-server": "file_system",
		"local-file-system": "file_system", "block-storage": "file_system", "search-index": "search_index",
		"vault": "secrets_vault", "hsm": "secrets_vault", "data-lake": "object_store", "message-queue": "message_queue",
		"artifact-registry": "container_registry", "monitoring": "log_store",
	},
}

// humanClient is what an asset people use as their client runs as
// (Threagile's used_as_client_by_human), by its technology; "" when it is
// not one, or its technology is a server's (a reverse proxy flagged so is
// still a proxy).
func humanClient(a *technicalAsset) string {
	if !bool(a.Human) {
		return ""
	}
	switch norm(string(a.Technology)) {
	case "mobile-app":
		return "mobile_app"
	case "browser", "web-application":
		return "browser"
	case "", "unknown-technology", "desktop", "client-system", "devops-client", "tool", "cli", "iot-device":
		return "desktop_app"
	}
	return ""
}

// encryptedProtocols are the protocols Threagile counts as encrypted.
var encryptedProtocols = map[string]bool{"https": true, "wss": true, "jdbc-encrypted": true, "odbc-encrypted": true,
	"nosql-access-protocol-encrypted": true, "sql-access-protocol-encrypted": true, "binary-encrypted": true,
	"text-encrypted": true, "ssh": true, "ssh-tunnel": true, "ftps": true, "sftp": true, "scp": true, "ldaps": true,
	"reverse-proxy-web-protocol-encrypted": true, "iiop-encrypted": true, "jrmp-encrypted": true, "smb-encrypted": true,
	"smtp-encrypted": true, "pop3-encrypted": true, "imap-encrypted": true}

// localProtocols never leave the machine: Threagile's process-local ones.
var localProtocols = map[string]bool{"in-process-library-call": true, "inter-process-communication": true,
	"local-file-access": true, "container-spawning": true}

// classification reads Threagile's confidentiality (public, internal,
// restricted, confidential, strictly-confidential) as Rampart's four.
func classification(c string) model.Classification {
	switch norm(c) {
	case "internal":
		return model.Internal
	case "restricted", "confidential":
		return model.Confidential
	case "strictly-confidential":
		return model.Restricted
	}
	return model.Public
}

// confidentiality rates the need for secrecy of a confidentiality class.
func confidentiality(c string) model.Level {
	switch norm(c) {
	case "internal":
		return model.Medium
	case "restricted", "confidential":
		return model.High
	case "strictly-confidential":
		return model.VeryHigh
	}
	return model.Low
}

// criticality rates Threagile's integrity and availability (archive,
// operational, important, critical, mission-critical).
func criticality(c string) model.Level {
	switch norm(c) {
	case "important":
		return model.Medium
	case "critical":
		return model.High
	case "mission-critical":
		return model.VeryHigh
	}
	return model.Low
}

// severity reads Threagile's severities; elevated, between medium and
// high, counts as high.
func severity(s string) (model.Severity, bool) {
	switch norm(s) {
	case "low":
		return model.SeverityLow, true
	case "medium":
		return model.SeverityMedium, true
	case "elevated", "high":
		return model.SeverityHigh, true
	case "critical":
		return model.SeverityCritical, true
	}
	return model.SeverityMedium, false
}

// status reads a risk tracking status.
func status(s string) (model.Status, bool) {
	switch norm(s) {
	case "unchecked", "in-discussion", "in-progress", "":
		return model.Open, true
	case "accepted":
		return model.Accepted, true
	case "mitigated":
		return model.Mitigated, true
	case "false-positive":
		return model.NotApplicable, true
	}
	return model.Open, false
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
