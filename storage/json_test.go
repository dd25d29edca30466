package storage_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/storage"
)

func TestJSONRoundTripsAndIsStable(t *testing.T) {
	for seed := range uint64(100) {
		m := modelgen.Random(rand.New(rand.NewPCG(seed, 3)))
		b1, err := storage.MarshalJSON(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := storage.UnmarshalJSON(b1)
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, b1)
		}
		if !reflect.DeepEqual(m, got) {
			t.Fatalf("seed %d: JSON round trip changed the model", seed)
		}
		b2, _ := storage.MarshalJSON(got.Clone())
		if !bytes.Equal(b1, b2) {
			t.Fatalf("seed %d: the same model gave different JSON", seed)
		}
	}
}

func TestJSONOrderFollowsIDsNotNames(t *testing.T) {
	m := model.New("order")
	m.Elements["b"] = &model.Element{ID: "b", Kind: model.Process, Diagram: "context", Name: "Alpha"}
	m.Elements["a"] = &model.Element{ID: "a", Kind: model.Process, Diagram: "context", Name: "Zulu"}
	before, _ := storage.MarshalJSON(m)
	m.Elements["b"].Name = "Omega" // a rename changes one line, moves none
	after, _ := storage.MarshalJSON(m)
	if strings.Index(string(before), `"id": "a"`) > strings.Index(string(before), `"id": "b"`) {
		t.Fatal("elements are not sorted by ID")
	}
	diff := 0
	bl, al := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	for i := range bl {
		if bl[i] != al[i] {
			diff++
		}
	}
	if diff != 1 {
		t.Fatalf("a rename changed %d lines", diff)
	}
}

func TestBadJSONIsRefusedWithWhere(t *testing.T) {
	good, _ := storage.MarshalJSON(modelgen.Random(rand.New(rand.NewPCG(5, 5))))
	cases := map[string]struct {
		doc  string
		want string
	}{
		"not json":      {"hello", "not a Rampart JSON model"},
		"other format":  {`{"format": "threagile"}`, `"format" is "threagile"`},
		"newer":         {`{"format": "rampart", "format_version": 7}`, "needs JSON format 7"},
		"syntax":        {"{\"format\": \"rampart\",\n \"name\": }", "line 2"},
		"unknown kind":  {`{"format":"rampart","format_version":1,"name":"x","created":"2020-01-01T00:00:00Z","modified":"2020-01-01T00:00:00Z","diagrams":[{"id":"c","name":"C"}],"elements":[{"id":"e","kind":"robot","diagram":"c","x":0,"y":0}]}`, `unknown element kind "robot"`},
		"broken ref":    {`{"format":"rampart","format_version":1,"name":"x","created":"2020-01-01T00:00:00Z","modified":"2020-01-01T00:00:00Z","diagrams":[{"id":"c","name":"C"}],"elements":[{"id":"f","kind":"data_flow","diagram":"c","x":0,"y":0,"source":"nowhere"}]}`, `ends at missing element "nowhere"`},
		"duplicate id":  {`{"format":"rampart","format_version":1,"name":"x","created":"2020-01-01T00:00:00Z","modified":"2020-01-01T00:00:00Z","diagrams":[{"id":"c","name":"C"},{"id":"c","name":"D"}],"elements":[]}`, `repeated IDs: [diagram "c"]`},
		"unknown field": {strings.Replace(string(good), `"name"`, `"nmae"`, 1), `unknown field "nmae"`},
		"trailing":      {string(good) + "{}", "after top-level value"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := storage.UnmarshalJSON([]byte(c.doc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	if _, err := storage.UnmarshalJSON([]byte(`{"format": "rampart", "format_version": 7}`)); !errors.Is(err, storage.ErrNewerVersion) {
		t.Errorf("newer JSON: %v", err)
	}
}

func TestDemoIsCanonicalAndValid(t *testing.T) {
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := storage.MarshalJSON(m)
	if !bytes.Equal(b, assets.DemoJSON) {
		t.Error("assets/demo.json is not in canonical form: rampart export it over itself")
	}
	for _, f := range model.Validate(m) {
		t.Errorf("demo: %s", f)
	}
	if len(m.Diagrams) != 3 || len(m.Assets) < 5 {
		t.Errorf("the demo has %d diagrams and %d data assets", len(m.Diagrams), len(m.Assets))
	}
}
