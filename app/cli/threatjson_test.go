package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
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

// The whole analyze document is what encoding/json writes, for a model
// with threats and one without.
func TestAnalyzeDocumentMatchesEncodingJSON(t *testing.T) {
	demo, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := stride.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	stride.Run(lib, demo)
	large := modelgen.Large(1000) // enough threats to be written in pieces
	stride.Run(lib, large)
	for _, m := range []*model.Model{demo, large, model.New("empty & <odd>")} {
		threats := reportable(m)
		var got bytes.Buffer
		if err := writeJSON(&got, m, lib, threats); err != nil {
			t.Fatal(err)
		}
		mj := &mitigationsJSON{fit: stride.NewFitter(lib, m), done: map[*stride.Mitigation][]byte{}}
		list := []jsonThreat{}
		for _, th := range threats {
			list = append(list, toJSON(m, lib, mj, th))
		}
		doc := ruleSetsJSON(lib)
		doc["model"], doc["rules_version"], doc["threats"] = m.Name, lib.Version, list
		doc["review"] = reviewJSON(m)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: the document differs from encoding/json's (%d bytes, want %d)", m.Name, got.Len(), want.Len())
		}
	}
}
