package app

import (
	"fmt"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/assets"
)

// aboutLines are what Help → About says: the version the build set, the
// version of the threat rules this window analyses with, and the licence.
func (w *window) aboutLines() []string {
	rules := "not loaded"
	if lib := w.analysis.lib; lib != nil {
		rules = fmt.Sprintf("library %s, %d rules", lib.Version, len(lib.Rules))
	}
	return []string{
		"Version " + assets.Version,
		"Threat rules: " + rules,
		"Licence: " + assets.Licence,
	}
}

// showAbout shows Help → About.
func (w *window) showAbout() {
	icon := canvas.NewImageFromResource(iconResource())
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(96, 96))
	text := container.NewVBox(widget.NewLabelWithStyle("Rampart", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel("Threat modeling with data-flow diagrams and STRIDE"))
	for _, l := range w.aboutLines() {
		text.Add(widget.NewLabel(l))
	}
	if u, err := url.Parse(assets.Website); err == nil {
		text.Add(widget.NewHyperlink(assets.Website, u))
	}
	dialog.NewCustom("About Rampart", "Close", container.NewHBox(container.NewVBox(icon), text), w.win).Show()
}
