// Package threagile reads Threagile models (the YAML its users write):
// technical assets become processes, data stores and external entities,
// trust boundaries nested boundaries, communication links flows, data
// assets Rampart's data assets, and Threagile's properties the properties
// Rampart's rules read. The hand-written individual risks are the threats
// Threagile recorded, with the status its risk tracking gives them.
package threagile

import (
	"bytes"
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/rampart-tm/rampart/storage/internal/lenient"
)

// ErrNotThreagile is returned for a file that is not a Threagile model.
var ErrNotThreagile = errors.New("not a Threagile model")

// Tool names Threagile in a model's provenance and on its threats.
const Tool = "Threagile"

// Is reports whether data looks like a Threagile model: YAML with
// Threagile's version key or its technical assets at the top.
func Is(data []byte) bool {
	if !bytes.Contains(data, []byte("threagile_version")) && !bytes.Contains(data, []byte("technical_assets")) {
		return false
	}
	var probe struct {
		Version any `yaml:"threagile_version"`
		Assets  any `yaml:"technical_assets"`
	}
	return yaml.Unmarshal(data, &probe) == nil && (probe.Version != nil || probe.Assets != nil)
}

type (
	text = lenient.Text
	flag = lenient.Flag
)

// document is the part of a Threagile model Rampart reads; maps are keyed
// by title, as Threagile's are.
type document struct {
	Version     text `json:"threagile_version"`
	Title       text `json:"title"`
	Date        text `json:"date"`
	Author      struct{ Name, Homepage text }
	Summary     text `json:"management_summary_comment"`
	Criticality text `json:"business_criticality"`
	Business    struct {
		Description text `json:"description"`
	} `json:"business_overview"`
	Technical struct {
		Description text `json:"description"`
	} `json:"technical_overview"`
	Questions      map[string]text           `json:"questions"`
	AbuseCases     map[string]text           `json:"abuse_cases"`
	Requirements   map[string]text           `json:"security_requirements"`
	DataAssets     map[string]dataAsset      `json:"data_assets"`
	Assets         map[string]technicalAsset `json:"technical_assets"`
	Boundaries     map[string]trustBoundary  `json:"trust_boundaries"`
	Runtimes       map[string]sharedRuntime  `json:"shared_runtimes"`
	RiskCategories map[string]riskCategory   `json:"individual_risk_categories"`
	Tracking       map[string]tracking       `json:"risk_tracking"`
}

type dataAsset struct {
	ID              text   `json:"id"`
	Description     text   `json:"description"`
	Usage           text   `json:"usage"`
	Origin          text   `json:"origin"`
	Owner           text   `json:"owner"`
	Quantity        text   `json:"quantity"`
	Confidentiality text   `json:"confidentiality"`
	Integrity       text   `json:"integrity"`
	Availability    text   `json:"availability"`
	Justification   text   `json:"justification_cia_rating"`
	Tags            []text `json:"tags"`
}

type technicalAsset struct {
	ID              text                `json:"id"`
	Description     text                `json:"description"`
	Type            text                `json:"type"`
	Usage           text                `json:"usage"`
	Human           flag                `json:"used_as_client_by_human"`
	OutOfScope      flag                `json:"out_of_scope"`
	OutOfScopeWhy   text                `json:"justification_out_of_scope"`
	Size            text                `json:"size"`
	Technology      text                `json:"technology"`
	Tags            []text              `json:"tags"`
	Internet        *flag               `json:"internet"`
	Machine         text                `json:"machine"`
	Encryption      text                `json:"encryption"`
	Owner           text                `json:"owner"`
	Confidentiality text                `json:"confidentiality"`
	Integrity       text                `json:"integrity"`
	Availability    text                `json:"availability"`
	Justification   text                `json:"justification_cia_rating"`
	MultiTenant     *flag               `json:"multi_tenant"`
	Redundant       *flag               `json:"redundant"`
	CustomDeveloped *flag               `json:"custom_developed_parts"`
	Processed       []text              `json:"data_assets_processed"`
	Stored          []text              `json:"data_assets_stored"`
	Formats         []text              `json:"data_formats_accepted"`
	Links           map[string]commLink `json:"communication_links"`
}

type commLink struct {
	Target         text   `json:"target"`
	Description    text   `json:"description"`
	Protocol       text   `json:"protocol"`
	Authentication text   `json:"authentication"`
	Authorization  text   `json:"authorization"`
	Tags           []text `json:"tags"`
	VPN            flag   `json:"vpn"`
	IPFiltered     flag   `json:"ip_filtered"`
	Readonly       flag   `json:"readonly"`
	Usage          text   `json:"usage"`
	Sent           []text `json:"data_assets_sent"`
	Received       []text `json:"data_assets_received"`
}

type trustBoundary struct {
	ID          text   `json:"id"`
	Description text   `json:"description"`
	Type        text   `json:"type"`
	Tags        []text `json:"tags"`
	Inside      []text `json:"technical_assets_inside"`
	Nested      []text `json:"trust_boundaries_nested"`
}

type sharedRuntime struct {
	ID          text   `json:"id"`
	Description text   `json:"description"`
	Tags        []text `json:"tags"`
	Running     []text `json:"technical_assets_running"`
}

type riskCategory struct {
	ID             text            `json:"id"`
	Description    text            `json:"description"`
	Impact         text            `json:"impact"`
	ASVS           text            `json:"asvs"`
	CheatSheet     text            `json:"cheat_sheet"`
	Action         text            `json:"action"`
	Mitigation     text            `json:"mitigation"`
	Check          text            `json:"check"`
	Function       text            `json:"function"`
	STRIDE         text            `json:"stride"`
	DetectionLogic text            `json:"detection_logic"`
	RiskAssessment text            `json:"risk_assessment"`
	FalsePositives text            `json:"false_positives"`
	CWE            text            `json:"cwe"`
	Risks          map[string]risk `json:"risks_identified"`
}

type risk struct {
	Severity          text   `json:"severity"`
	Likelihood        text   `json:"exploitation_likelihood"`
	Impact            text   `json:"exploitation_impact"`
	BreachProbability text   `json:"data_breach_probability"`
	BreachAssets      []text `json:"data_breach_technical_assets"`
	DataAsset         text   `json:"most_relevant_data_asset"`
	TechnicalAsset    text   `json:"most_relevant_technical_asset"`
	CommunicationLink text   `json:"most_relevant_communication_link"`
	TrustBoundary     text   `json:"most_relevant_trust_boundary"`
	SharedRuntime     text   `json:"most_relevant_shared_runtime"`
}

type tracking struct {
	Status        text `json:"status"`
	Justification text `json:"justification"`
	Ticket        text `json:"ticket"`
	Date          text `json:"date"`
	CheckedBy     text `json:"checked_by"`
}

func decode(data []byte) (*document, error) {
	var doc document
	if err := lenient.Decode(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotThreagile, err)
	}
	if doc.Version == "" && len(doc.Assets) == 0 {
		return nil, fmt.Errorf("%w: it has neither a threagile_version nor technical assets", ErrNotThreagile)
	}
	return &doc, nil
}
