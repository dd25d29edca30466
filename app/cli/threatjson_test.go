package cli

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
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
		for _, depth := range []int{0, threatDepth} {
			// The mitigations come indented for where they sit.
			jj := j
			jj.Mitigations = indentJSONAt(nil, j.Mitigations, depth+1)
			prefix := strings.Repeat("  ", depth)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent(prefix, "  ")
			if err := enc.Encode(j); err != nil {
				t.Fatal(err)
			}
			want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
			if got := appendThreat(nil, &jj, depth); !bytes.Equal(got, want) {
				t.Errorf("at depth %d got\n%s\nwant\n%s", depth, got, want)
			}
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
		mj := newMitigationsJSON(stride.NewFitter(lib, m))
		list := []jsonThreat{}
		for _, th := range threats {
			j := toJSON(m, lib, mj, th)
			j.Code = th.Code() // toJSON writes it without fmt
			list = append(list, j)
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

// Strings of every kind of byte, at every offset of the eight-byte scan,
// are quoted as encoding/json quotes them.
func TestJSONStringMatchesEncodingJSON(t *testing.T) {
	pieces := []string{"a", "plain text ", `"`, `\`, "\x00", "\x1f", " ", "\x7f", "é", "\u2028", "\u2029", "\xff", "<&>", "\t\n"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Fatalf("%q: got %s, want %s", s, got, want.Bytes())
		}
	}
}
