package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/rampart-tm/rampart/model"
)

// The hand-written threat JSON is what encoding/json writes.
func TestThreatJSONMatchesEncodingJSON(t *testing.T) {
	odd := "quote \" backslash \\ tab \t newline \n bell \x07 <&> é \u2028 \u202e bad \xff end"
	for _, j := range []jsonThreat{
		{ID: "a@b", Code: "T-0001", RuleID: "a", Title: odd, Category: model.Tampering, Severity: model.SeverityHigh,
			Confidence: model.Assumed, Assumes: []string{"e:authenticates_callers"}, Likelihood: model.High, Impact: model.VeryHigh,
			Status: model.Mitigated, Justification: odd, Obsolete: true, Suppressed: true, SuppressedBecause: "x",
			Manual: true, ElementID: "e", ElementName: odd, ElementKind: model.DataFlow, Diagram: "d", Description: odd,
			Facts: []string{odd, ""}, Mitigations: json.RawMessage(`[{"do":"x","verify":"y"}]`), MitigationNotes: "n",
			References: []string{}, Dread: &model.Dread{Damage: 3}, RuleOverridden: true, RuleSource: "built in"},
		{ID: "z", Facts: nil, References: nil, Mitigations: json.RawMessage(`[]`)},
	} {
		want, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(j); err != nil {
			t.Fatal(err)
		}
		want = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if got := appendThreat(nil, &j); !bytes.Equal(got, want) {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	}
}
