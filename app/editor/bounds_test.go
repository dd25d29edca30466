package editor_test

import (
	"database/sql"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

func inCanvas(t *testing.T, m *model.Model) {
	t.Helper()
	for _, e := range m.Elements {
		for _, v := range []float64{e.X, e.Y, e.X + e.W, e.Y + e.H} {
			if math.IsNaN(v) || math.Abs(v) > model.MaxCoord {
				t.Errorf("%s at %v,%v size %v×%v is off the canvas", e.Label(), e.X, e.Y, e.W, e.H)
			}
		}
		for _, p := range e.Points {
			if math.IsNaN(p.X) || math.IsNaN(p.Y) || math.Abs(p.X) > model.MaxCoord || math.Abs(p.Y) > model.MaxCoord {
				t.Errorf("%s has point %v off the canvas", e.Label(), p)
			}
		}
	}
}

func TestMovesResizesAndPastesStayOnTheCanvas(t *testing.T) {
	ed, _ := titled(t)
	a, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	must(t, err)
	b, err := ed.Place(model.DataStore, model.Point{X: 400, Y: 100})
	must(t, err)
	f, err := ed.Connect(a, b)
	must(t, err)
	must(t, ed.Bend(f, -1, model.Point{X: 250, Y: 300}))
	ed.Select(a, b)
	gap := ed.Model.Elements[b].X - ed.Model.Elements[a].X
	must(t, ed.MoveSelection(1e308, -1e308))
	for range 5 {
		must(t, ed.Nudge(1, -1))
	}
	if got := ed.Model.Elements[b].X - ed.Model.Elements[a].X; got != gap {
		t.Errorf("the selection lost its shape at the edge: gap %v, was %v", got, gap)
	}
	must(t, ed.Resize(a, model.Rect{X: math.Inf(-1), Y: 0, W: 1e308, H: math.NaN()}))
	must(t, ed.Bend(f, 0, model.Point{X: math.NaN(), Y: 1e300}))
	ed.Select(a, b)
	ed.Copy()
	for range 3 {
		must(t, ed.Paste())
	}
	_, err = ed.Place(model.ExternalEntity, model.Point{X: 5e307, Y: -5e307})
	must(t, err)
	inCanvas(t, ed.Model)
	inCanvas(t, saved(t, ed))
}

func TestLongTextsAreRefusedAndTheModelKept(t *testing.T) {
	ed, _ := titled(t)
	p, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	must(t, err)
	long := strings.Repeat("x", 1<<20)
	for name, err := range map[string]error{
		"rename":   ed.Rename(p, long),
		"property": ed.SetProp(p, "protocol", strings.Repeat("v", 50<<20)),
		"describe": ed.Do(model.Describe(ed.Model, p, strings.Repeat("d", model.MaxTextLen+1))),
	} {
		if !errors.Is(err, model.ErrTooLong) {
			t.Errorf("%s: want a too-long error, got %v", name, err)
		}
	}
	m := saved(t, ed)
	if e := m.Elements[p]; e.Name != "Process 1" || e.Props["protocol"] != "" || e.Description != "" {
		t.Errorf("a refused edit reached the file: %q", e.Name[:min(len(e.Name), 20)])
	}
	if ed.History.UndoLabel() != "added process Process 1" {
		t.Errorf("a refused edit is in the history: %q", ed.History.UndoLabel())
	}
}

// A file forged (or written by another program) with texts and positions
// beyond the bounds opens with them cut and a note on each; the next save
// writes the cut values.
func TestForgedFileOpensWithinBoundsWithNotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "forged.rampart")
	m := model.New("forged")
	m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: "context", Name: "Orders", W: 100, H: 50}
	must(t, storage.WriteNew(path, m))
	db, err := sql.Open("sqlite3", path)
	must(t, err)
	_, err = db.Exec("UPDATE elements SET x = 1e308, name = ? WHERE id = 'p'", strings.Repeat("N", 100000))
	must(t, err)
	must(t, db.Close())

	ed, err := editor.Open(path)
	must(t, err)
	defer ed.Close()
	e := ed.Model.Elements["p"]
	if len([]rune(e.Name)) != model.MaxNameLen || e.X+e.W > model.MaxCoord {
		t.Fatalf("opened with a name of %d characters at x %v", len(e.Name), e.X)
	}
	notes := strings.Join(ed.Notes, "\n")
	for _, want := range []string{"(p)", "name cut from 100000 to 500 characters", "position (1e+308, 0)"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q: %s", want, notes)
		}
	}
	must(t, ed.Rename("p", "Orders API"))
	if got := saved(t, ed).Elements["p"]; got.X+got.W > model.MaxCoord {
		t.Errorf("the file still has x %v after a save", got.X)
	}
}
