package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"runtime"
	"strconv"
	"sync/atomic"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// The threats of `analyze --format json` are written by hand, indented,
// byte for byte as encoding/json writes them: a large model has tens of
// thousands of threats, and reflection, then validating and indenting its
// output, cost more than the analysis. TestThreatJSONMatchesEncodingJSON
// and TestAnalyzeDocumentMatchesEncodingJSON keep the two equal.

// jsonThreat is a threat as `analyze --format json` writes it.
type jsonThreat struct {
	ID                string           `json:"id"`
	Code              string           `json:"code"`
	RuleID            string           `json:"rule_id"`
	Title             string           `json:"title"`
	Category          model.Category   `json:"category"`
	Severity          model.Severity   `json:"severity"`
	Confidence        model.Confidence `json:"confidence"`
	Assumes           []string         `json:"assumes,omitempty"`
	Likelihood        model.Level      `json:"likelihood"`
	Impact            model.Level      `json:"impact"`
	Status            model.Status     `json:"status"`
	Justification     string           `json:"justification,omitempty"`
	Obsolete          bool             `json:"obsolete"`
	Suppressed        bool             `json:"suppressed"`
	SuppressedBecause string           `json:"suppression_justification,omitempty"`
	Manual            bool             `json:"manual"`
	ElementID         string           `json:"element_id"`
	ElementName       string           `json:"element_name"`
	ElementKind       model.Kind       `json:"element_kind"`
	Diagram           string           `json:"diagram"`
	Description       string           `json:"description"`
	Facts             []string         `json:"facts"`
	Mitigations       json.RawMessage  `json:"mitigations"`
	MitigationNotes   string           `json:"mitigation_notes,omitempty"`
	References        []string         `json:"references"`
	Dread             *model.Dread     `json:"dread,omitempty"`
	RuleOverridden    bool             `json:"rule_overridden,omitempty"`
	RuleSource        string           `json:"rule_source,omitempty"`
}

// threatDepth is how deep a threat sits in the document: in the list
// that is the value of "threats".
const threatDepth = 2

// mitigationsJSON encodes fitted mitigation lists once each, indented for
// where a threat's "mitigations" sits: thousands of threats share a few
// dozen lists.
type mitigationsJSON struct {
	fit  *stride.Fitter
	done map[*stride.Mitigation][]byte
}

func newMitigationsJSON(fit *stride.Fitter) *mitigationsJSON {
	return &mitigationsJSON{fit: fit, done: map[*stride.Mitigation][]byte{}}
}

func (mj *mitigationsJSON) of(t *model.Threat) json.RawMessage {
	ms := mj.fit.Mitigations(t)
	if len(ms) == 0 {
		return json.RawMessage("[]")
	}
	if b, ok := mj.done[&ms[0]]; ok {
		return b
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(ms) // plain strings: cannot fail
	b := indentJSONAt(nil, bytes.TrimSuffix(buf.Bytes(), []byte("\n")), threatDepth+1)
	mj.done[&ms[0]] = b
	return b
}

// threatCode is model.Threat.Code without fmt, called once per threat.
func threatCode(t *model.Threat) string {
	n := t.Number
	if n < 0 {
		return t.Code()
	}
	b := make([]byte, 0, 8)
	b = append(b, 'T', '-')
	for d := 1000; d > 1 && n < d; d /= 10 {
		b = append(b, '0')
	}
	return string(strconv.AppendInt(b, int64(n), 10))
}

// toJSON is a threat as written, its mitigations already indented.
func toJSON(m *model.Model, lib *stride.Library, mj *mitigationsJSON, t *model.Threat) jsonThreat {
	j := jsonThreat{ID: t.ID, Code: threatCode(t), RuleID: t.RuleID, Title: t.Title, Category: t.Category,
		Severity: t.Severity(), Confidence: t.Confidence, Assumes: t.Assumes, Likelihood: t.Likelihood, Impact: t.Impact, Status: t.Status,
		Justification: t.Justification, Obsolete: t.Obsolete, Manual: t.Manual, ElementID: t.ElementID, ElementName: t.ElementID,
		Description: t.Description, Facts: t.Facts, MitigationNotes: t.Mitigation, References: t.References,
		Mitigations: mj.of(t), Dread: t.Dread}
	if e := m.Elements[t.ElementID]; e != nil {
		j.ElementName, j.ElementKind = m.NameOf(e), e.Kind
		if d := m.Diagrams[e.Diagram]; d != nil {
			j.Diagram = d.Name
		}
	}
	if len(m.Suppressions) > 0 {
		if s := m.Suppressed(t.RuleID, t.ElementID); s != nil {
			j.Suppressed, j.SuppressedBecause = true, s.Justification
		}
	}
	if r := lib.Rule(t.RuleID); r != nil {
		j.RuleOverridden = r.Overridden()
		if r.Set != nil {
			j.RuleSource = r.Set.Name
		}
	}
	if j.Facts == nil {
		j.Facts = []string{}
	}
	if j.References == nil {
		j.References = []string{}
	}
	return j
}

// jsonPrep is what the document needs besides the threats, worked out
// while the model is analysed (it reads only elements and rules): the
// document's head, and a fitter with every element's settings worked
// out, for the goroutines that write threats to fork.
type jsonPrep struct {
	head     []byte
	fit      *stride.Fitter
	err      error
	panicked any // raised again where the document is written
}

func prepareJSON(lib *stride.Library, m *model.Model) (prep jsonPrep) {
	defer func() { prep.panicked = recover() }()
	fit := stride.NewFitter(lib, m)
	fit.Settle()
	head, err := jsonHead(m, lib)
	return jsonPrep{head: head, fit: fit, err: err}
}

func writeJSON(w io.Writer, m *model.Model, lib *stride.Library, threats []*model.Threat) error {
	return writeJSONPrepared(w, m, lib, prepareJSON(lib, m), threats)
}

// writeJSONPrepared is writeJSON with what prepareJSON worked out.
func writeJSONPrepared(w io.Writer, m *model.Model, lib *stride.Library, prep jsonPrep, threats []*model.Threat) error {
	if prep.panicked != nil {
		panic(prep.panicked) // the command line reports it as an internal error
	}
	if prep.err != nil {
		return prep.err
	}
	if len(threats) == 0 {
		_, err := w.Write(append(prep.head, "[]\n}\n"...))
		return err
	}
	s := startThreats(m, lib, prep.fit, threats)
	_, err := w.Write(append(prep.head, "[\n    "...))
	if err2 := s.writeTo(w); err == nil {
		err = err2
	}
	if err == nil {
		_, err = io.WriteString(w, "\n  ]\n}\n")
	}
	return err
}

// jsonHead is the document without its threats, in encoding/json's key
// order for a map (sorted: "threats" comes last), up to the threats'
// value.
func jsonHead(m *model.Model, lib *stride.Library) ([]byte, error) {
	doc := ruleSetsJSON(lib)
	doc["model"], doc["rules_version"], doc["threats"] = m.Name, lib.Version, []int{}
	doc["review"] = reviewJSON(m)
	var head bytes.Buffer
	if err := printJSON(&head, doc); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(head.Bytes(), []byte("[]\n}\n")), nil
}

// Threats are written in batches, each by whichever goroutine is free,
// and handed to the writer in order as they are done: the writer starts
// at once, and a few blocks serve in turn (a large model writes tens of
// megabytes, and fresh memory costs as much as filling it).
const batchSize = 128

// threatStream writes the threats on every processor.
type threatStream struct {
	batches []chan batch // each batch, once written
	// blocks holds the blocks not in use. A goroutine takes one before
	// it takes the next batch, so the goroutines run at most a few
	// batches ahead of the writer, which hands each block back.
	blocks chan []byte
}

func startThreats(m *model.Model, lib *stride.Library, fit *stride.Fitter, threats []*model.Threat) *threatStream {
	n := (len(threats) + batchSize - 1) / batchSize
	workers := max(1, min(runtime.GOMAXPROCS(0), n))
	s := &threatStream{batches: make([]chan batch, n), blocks: make(chan []byte, 2*workers+2)}
	for i := range s.batches {
		s.batches[i] = make(chan batch, 1)
	}
	for range cap(s.blocks) {
		s.blocks <- nil // made when first used
	}
	var next atomic.Int64
	for range workers {
		go func() {
			mj := newMitigationsJSON(fit.Fork()) // caches per goroutine
			for {
				b := <-s.blocks
				i := int(next.Add(1)) - 1
				if i >= n {
					s.blocks <- b
					return
				}
				if b == nil {
					b = make([]byte, 0, batchSize*4096) // room for long threats: growing copies
				}
				s.batches[i] <- writeBatch(m, lib, mj, threats, i, b[:0])
			}
		}()
	}
	return s
}

// batch is a batch of threats written, or the panic that stopped it.
type batch struct {
	b        []byte
	panicked any
}

// writeBatch writes the threats of batch i in b.
func writeBatch(m *model.Model, lib *stride.Library, mj *mitigationsJSON, threats []*model.Threat, i int, b []byte) (out batch) {
	defer func() {
		if p := recover(); p != nil {
			out = batch{b, p}
		}
	}()
	for k, t := range threats[i*batchSize : min((i+1)*batchSize, len(threats))] {
		if i > 0 || k > 0 {
			b = append(b, ",\n    "...)
		}
		j := toJSON(m, lib, mj, t)
		b = appendThreat(b, &j, threatDepth)
	}
	return batch{b: b}
}

// writeTo writes the batches in order as they are done, and after an
// error or a panic still takes them, so every goroutine ends.
func (s *threatStream) writeTo(w io.Writer) error {
	var err error
	var panicked any
	for _, c := range s.batches {
		bt := <-c
		if bt.panicked != nil && panicked == nil {
			panicked = bt.panicked
		}
		if err == nil && panicked == nil {
			_, err = w.Write(bt.b)
		}
		s.blocks <- bt.b
	}
	if panicked != nil {
		panic(panicked) // the command line reports it as an internal error
	}
	return err
}

// appendThreat appends a threat as indented JSON at a depth of the
// document (its opening brace already indented).
func appendThreat(b []byte, j *jsonThreat, depth int) []byte {
	in := indents(depth + 1)
	b = append(b, '{')
	b = appendJSONString(append(append(b, in...), `"id": `...), j.ID)
	b = appendField(b, in, "code", j.Code)
	b = appendField(b, in, "rule_id", j.RuleID)
	b = appendField(b, in, "title", j.Title)
	b = appendField(b, in, "category", j.Category.String())
	b = appendField(b, in, "severity", j.Severity.String())
	b = appendField(b, in, "confidence", j.Confidence.String())
	if len(j.Assumes) > 0 {
		b = appendStrings(b, in, "assumes", j.Assumes)
	}
	b = appendField(b, in, "likelihood", j.Likelihood.String())
	b = appendField(b, in, "impact", j.Impact.String())
	b = appendField(b, in, "status", j.Status.String())
	if j.Justification != "" {
		b = appendField(b, in, "justification", j.Justification)
	}
	b = appendBool(b, in, "obsolete", j.Obsolete)
	b = appendBool(b, in, "suppressed", j.Suppressed)
	if j.SuppressedBecause != "" {
		b = appendField(b, in, "suppression_justification", j.SuppressedBecause)
	}
	b = appendBool(b, in, "manual", j.Manual)
	b = appendField(b, in, "element_id", j.ElementID)
	b = appendField(b, in, "element_name", j.ElementName)
	b = appendField(b, in, "element_kind", j.ElementKind.String())
	b = appendField(b, in, "diagram", j.Diagram)
	b = appendField(b, in, "description", j.Description)
	b = appendStrings(b, in, "facts", j.Facts)
	b = appendKey(b, in, "mitigations")
	if j.Mitigations == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, j.Mitigations...)
	}
	if j.MitigationNotes != "" {
		b = appendField(b, in, "mitigation_notes", j.MitigationNotes)
	}
	b = appendStrings(b, in, "references", j.References)
	if j.Dread != nil {
		d, _ := json.Marshal(j.Dread) // five integers: cannot fail
		b = indentJSONAt(appendKey(b, in, "dread"), d, depth+1)
	}
	if j.RuleOverridden {
		b = appendBool(b, in, "rule_overridden", true)
	}
	if j.RuleSource != "" {
		b = appendField(b, in, "rule_source", j.RuleSource)
	}
	b = append(b, in[:len(in)-2]...)
	return append(b, '}')
}
