package storage_test

import (
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// withinBounds fails for any coordinate, size or text beyond the model's
// bounds.
func withinBounds(t *testing.T, m *model.Model) {
	t.Helper()
	for _, e := range m.Elements {
		for _, v := range []float64{e.X, e.Y, e.X + e.W, e.Y + e.H} {
			if math.IsNaN(v) || math.Abs(v) > model.MaxCoord {
				t.Errorf("%s: %v,%v size %v×%v is off the canvas", e.ID, e.X, e.Y, e.W, e.H)
			}
		}
		for _, p := range e.Points {
			if math.IsNaN(p.X) || math.IsNaN(p.Y) || math.Abs(p.X) > model.MaxCoord || math.Abs(p.Y) > model.MaxCoord {
				t.Errorf("%s: point %v is off the canvas", e.ID, p)
			}
		}
		if n := utf8.RuneCountInString(e.Name); n > model.MaxNameLen {
			t.Errorf("%s: name of %d characters", e.ID, n)
		}
		if n := utf8.RuneCountInString(e.Description); n > model.MaxTextLen {
			t.Errorf("%s: description of %d characters", e.ID, n)
		}
		for k, v := range e.Props {
			if n := utf8.RuneCountInString(v); n > model.MaxValueLen {
				t.Errorf("%s: property %s of %d characters", e.ID, k, n)
			}
		}
	}
	for _, th := range m.Threats {
		if n := utf8.RuneCountInString(th.Description); n > model.MaxTextLen {
			t.Errorf("threat %s: description of %d characters", th.ID, n)
		}
	}
}

func hasNote(t *testing.T, notes []string, want ...string) {
	t.Helper()
	all := strings.Join(notes, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("the import notes lack %q:\n%s", w, all)
		}
	}
}

// Every format Rampart reads brings coordinates and texts beyond the
// model's bounds within them, and says so naming the element.
func TestImportBoundsEveryFormat(t *testing.T) {
	dir := t.TempDir()
	huge := strings.Repeat("A", 1<<20)

	// Threat Dragon: a process far away, with a huge description and threat.
	var td map[string]any
	data, err := os.ReadFile("threatdragon/testdata/v2-threat-model.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &td); err != nil {
		t.Fatal(err)
	}
	cells := td["detail"].(map[string]any)["diagrams"].([]any)[0].(map[string]any)["cells"].([]any)
	var tdName string
	for _, c := range cells {
		cell := c.(map[string]any)
		if cell["shape"] == "process" {
			cell["position"] = map[string]any{"x": 1e308, "y": -1e308}
			cell["size"] = map[string]any{"width": 1e308, "height": 60}
			d := cell["data"].(map[string]any)
			d["description"] = huge
			d["threatFrequency"] = huge
			tdName = strings.Join(strings.Fields(d["name"].(string)), " ")
			break
		}
	}
	tdPath := filepath.Join(dir, "td.json")
	writeJSON(t, tdPath, td)

	// TMT: not-a-number, infinite and huge coordinates (XML allows them).
	tm7, err := os.ReadFile("tmt/testdata/MTMT_nested_tz.tm7")
	if err != nil {
		t.Fatal(err)
	}
	vals := []string{"NaN", "Inf", "1e308", "-1e308"}
	for _, tag := range []string{"Left", "HandleX", "Width"} {
		i := 0
		re := regexp.MustCompile(`(<` + tag + `(?: [^>]*)?>)[^<]*(</` + tag + `>)`)
		tm7 = re.ReplaceAllFunc(tm7, func(b []byte) []byte {
			if i >= len(vals) {
				return b
			}
			i++
			return re.ReplaceAll(b, []byte("${1}"+vals[i-1]+"${2}"))
		})
	}
	tmtPath := filepath.Join(dir, "m.tm7")
	if err := os.WriteFile(tmtPath, tm7, 0o644); err != nil {
		t.Fatal(err)
	}

	// Rampart JSON: 1e308 is a number JSON can hold.
	m := model.New("json")
	m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: "context", Name: "Orders", W: 100, H: 50,
		Points: nil}
	m.Elements["b"] = &model.Element{ID: "b", Kind: model.TrustBoundary, Diagram: "context", Name: "Line",
		Points: []model.Point{{X: 0, Y: 0}, {X: 10, Y: 10}}}
	js, err := storage.MarshalJSON(m)
	if err != nil {
		t.Fatal(err)
	}
	js = []byte(strings.Replace(string(js), `"name": "Orders",`, `"name": "Orders", "description": "`+huge+`",`, 1))
	js = []byte(strings.Replace(string(js), `"x": 10,`, `"x": 1e308,`, 1))
	jsonPath := filepath.Join(dir, "m.json")
	if err := os.WriteFile(jsonPath, js, 0o644); err != nil {
		t.Fatal(err)
	}

	// .rampart: a file another program wrote.
	filePath := filepath.Join(dir, "m.rampart")
	if err := storage.WriteNew(filePath, m); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", filePath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE elements SET y = 9e999, name = ? WHERE id = 'p'", strings.Repeat("é", 3000)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for _, c := range []struct {
		path string
		want []string
	}{
		{tdPath, []string{`process "` + tdName + `"`, "position (1e+308, -1e+308) size 1e+308×60 moved within ±1e+06",
			"description cut from 1048576 to 65536 characters", `property "threatdragon:threatFrequency" cut from 1048576 to 4096 characters`}},
		{tmtPath, []string{"position (NaN,", "+Inf", "(1e+308,", "points, the first at"}},
		{jsonPath, []string{`process "Orders" (p): description cut from 1048576 to 65536`, `trust boundary "Line" (b): 1 of its 2 points, the first at (1e+308, 10)`}},
		{filePath, []string{`process "ééé`, "(p): position (0, +Inf)", "name cut from 3000 to 500 characters"}},
	} {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			m, notes, err := storage.Import(c.path)
			if err != nil {
				t.Fatal(err)
			}
			withinBounds(t, m)
			hasNote(t, notes, c.want...)
			if _, err := storage.Hash(m); err != nil {
				t.Errorf("the imported model has no canonical JSON: %v", err)
			}
		})
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
