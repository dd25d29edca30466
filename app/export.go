package app

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/app/ospath"
	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage"
)

// saveFile asks where to write a file with an extension and calls write
// with the chosen path, unless writing there would destroy a model (see
// storage.CheckOutput): the model being edited, or a model of another
// form than format.
func (w *window) saveFile(ext string, format storage.Format, write func(path string)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			w.showError(err)
			return
		}
		path := ospath.Current().WithExt(nativePath(wc.URI()), ext)
		wc.Close() // nothing was written: see keepChosenFilesIntact
		if err := storage.CheckOutput(path, format, w.ed.Source()); err != nil {
			w.showError(err)
			return
		}
		write(path)
	}, w.win)
	name := ospath.FileName(w.ed.Model.Name)
	if ext != ".pdf" && ext != ".json" {
		if d := w.ed.Diagram(); d != nil {
			name += " - " + ospath.FileName(d.Name)
		}
	}
	d.SetFileName(name + ext)
	w.startIn(d)
	d.Show()
}

// exportPDF writes the audit report in the background, with a progress
// bar, from a copy of the model taken when the user asked.
func (w *window) exportPDF() {
	w.saveFile(".pdf", storage.FormatOther, func(path string) {
		m := w.ed.Model.Clone()
		lib := w.analysis.lib
		hash, err := storage.Hash(m)
		if err != nil {
			w.showError(err)
			return
		}
		bar := widget.NewProgressBar()
		prog := dialog.NewCustomWithoutButtons("Writing the report", container.NewVBox(widget.NewLabel(filepath.Base(path)), bar), w.win)
		prog.Show()
		go func() {
			var buf bytes.Buffer
			err := render.Report(&buf, m, render.ReportOptions{RampartVersion: assets.Version, Hash: hash, Rules: lib,
				Progress: func(f float64) { fyne.Do(func() { bar.SetValue(f) }) }})
			if err == nil {
				err = writeAtomic(path, buf.Bytes())
			}
			fyne.Do(func() {
				prog.Hide()
				if err != nil {
					w.showError(fmt.Errorf("the report was not written: %w", err))
					return
				}
				w.status.SetText("Report written to " + path)
			})
		}()
	})
}

// exportDiagram writes the diagram on screen as PNG or SVG.
func (w *window) exportDiagram(ext string) {
	d := w.ed.Diagram()
	if d == nil {
		return
	}
	w.saveFile(ext, storage.FormatOther, func(path string) {
		var buf bytes.Buffer
		badges := render.Badges(w.ed.Model, model.Validate(w.ed.Model))
		var err error
		if ext == ".png" {
			err = render.PNG(&buf, w.ed.Model, d.ID, badges)
		} else {
			err = render.SVG(&buf, w.ed.Model, d.ID, badges)
		}
		if err == nil {
			err = writeAtomic(path, buf.Bytes())
		}
		if err != nil {
			w.showError(err)
			return
		}
		w.status.SetText("Diagram written to " + path)
	})
}

// writeAtomic writes a file whole or not at all.
func writeAtomic(path string, data []byte) error {
	return storage.WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// autoLayout lays the diagram on screen out with graphviz, off the UI
// thread, and applies the positions as one undoable edit.
func (w *window) autoLayout() {
	d := w.ed.Diagram()
	if d == nil {
		return
	}
	m := w.ed.Model.Clone()
	w.status.SetText("Laying out " + d.Name + "…")
	go func() {
		l, err := render.AutoLayout(m, d.ID)
		fyne.Do(func() {
			if err != nil {
				w.showError(err)
				return
			}
			if cur := w.ed.Diagram(); cur == nil || cur.ID != d.ID {
				return
			}
			edit, err := render.LayoutEdit(w.ed.Model, d.ID, l)
			if err != nil {
				w.showError(err)
				return
			}
			w.do(w.ed.Do(edit))
			w.canvas.FitToContent()
			w.refreshTitle()
		})
	}()
}
