package editor

import (
	"fmt"

	"github.com/rampart-tm/rampart/model"
)

// Clipboard holds copied elements. Editors of one application share one,
// so elements can be copied between open models.
type Clipboard struct {
	elements []*model.Element
	pastes   int // how many times the content was pasted, for the offset
}

// Empty reports whether there is nothing to paste.
func (c *Clipboard) Empty() bool { return c == nil || len(c.elements) == 0 }

// UseClipboard makes the editor copy to and paste from a shared clipboard.
func (ed *Editor) UseClipboard(c *Clipboard) { ed.clip = c }

func (ed *Editor) clipboard() *Clipboard {
	if ed.clip == nil {
		ed.clip = &Clipboard{}
	}
	return ed.clip
}

// Copy puts the selection on the clipboard: its nodes and boundaries, and
// the flows among them.
func (ed *Editor) Copy() {
	var out []*model.Element
	for _, id := range ed.Selection() {
		e := ed.Model.Elements[id]
		if e.Kind == model.DataFlow && !(ed.selected[e.Source] && ed.selected[e.Target]) {
			continue // a flow comes along only with both its ends
		}
		out = append(out, e.Clone())
	}
	c := ed.clipboard()
	c.elements, c.pastes = out, 0
}

// Cut copies the selection and deletes it.
func (ed *Editor) Cut() error {
	ed.Copy()
	return ed.Delete()
}

// Paste adds copies of the clipboard's elements to the diagram on screen,
// offset from the originals, as one step, and selects them.
func (ed *Editor) Paste() error {
	c := ed.clipboard()
	if c.Empty() {
		return nil
	}
	c.pastes++
	off := float64(c.pastes) * 2 * Grid
	ids := map[string]string{}
	for _, e := range c.elements {
		ids[e.ID] = model.NewID()
	}
	b := &model.Batch{Label: fmt.Sprintf("pasted %d element(s)", len(c.elements))}
	var pasted []string
	for _, src := range c.elements {
		e := src.Clone()
		e.ID, e.Diagram = ids[src.ID], ed.diagram
		e.X, e.Y = e.X+off, e.Y+off
		for i := range e.Points {
			e.Points[i].X += off
			e.Points[i].Y += off
		}
		if e.Kind == model.DataFlow {
			e.Source, e.Target = ids[src.Source], ids[src.Target]
		}
		var keep []string
		for _, a := range e.Assets {
			if ed.Model.Assets[a] != nil {
				keep = append(keep, a) // another model may lack the asset
			}
		}
		e.Assets = keep
		b.Edits = append(b.Edits, model.AddElement(e))
		pasted = append(pasted, e.ID)
	}
	if err := ed.Do(b); err != nil {
		return err
	}
	ed.Select(pasted...)
	return nil
}
