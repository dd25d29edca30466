package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/model"
)

// The palette finds any menu command by a few of its words and runs it.
func TestPaletteFindsAndRunsMenuCommands(t *testing.T) {
	ran := ""
	menu := fyne.NewMainMenu(
		fyne.NewMenu("View", fyne.NewMenuItem("Zoom In", func() { ran = "zoom" }), fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Present…", func() { ran = "present" })),
		fyne.NewMenu("File", &fyne.MenuItem{Label: "Recent", ChildMenu: fyne.NewMenu("", fyne.NewMenuItem("/tmp/a.rampart", func() { ran = "a" }))}))
	all := commands(menu)
	if len(all) != 3 {
		t.Fatalf("%d commands: %v", len(all), all)
	}
	found := matching(all, "pres")
	if len(found) != 1 || found[0].name != "View › Present" {
		t.Fatalf("\"pres\" finds %v", found)
	}
	found[0].run()
	if ran != "present" {
		t.Errorf("running it ran %q", ran)
	}
	if got := matching(all, "recent a.rampart"); len(got) != 1 {
		t.Errorf("words in any order find %v", got)
	}
}

// The palette opens on the editor's own menus with the search focused.
func TestPaletteOpensOnTheMenus(t *testing.T) {
	w := newTestWindow(t, model.New("palette"))
	w.showPalette()
	if focused, ok := w.win.Canvas().Focused().(*widget.Entry); !ok || focused == nil {
		t.Fatal("the palette does not take the typing")
	}
	if len(commands(w.mainMenu())) < 10 {
		t.Error("the palette lists too few of the menus' commands")
	}
}
