package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// command is one thing the palette can run: a menu item by its path.
type command struct {
	name string // "View › Present"
	run  func()
}

// commands lists every enabled menu item of a menu tree, submenus
// included, by the path a user would click.
func commands(menu *fyne.MainMenu) []command {
	var out []command
	var walk func(prefix string, items []*fyne.MenuItem)
	walk = func(prefix string, items []*fyne.MenuItem) {
		for _, it := range items {
			if it.IsSeparator || it.Disabled || it.Label == "" {
				continue
			}
			name := prefix + " › " + strings.TrimSuffix(it.Label, "…")
			if it.ChildMenu != nil {
				walk(name, it.ChildMenu.Items)
				continue
			}
			if it.Action != nil {
				out = append(out, command{name: name, run: it.Action})
			}
		}
	}
	if menu != nil {
		for _, m := range menu.Items {
			walk(m.Label, m.Items)
		}
	}
	return out
}

// matching keeps the commands whose name holds every word of the query,
// in any order and case.
func matching(all []command, query string) []command {
	words := strings.Fields(strings.ToLower(query))
	var out []command
	for _, c := range all {
		name := strings.ToLower(c.name)
		ok := true
		for _, w := range words {
			if !strings.Contains(name, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, c)
		}
	}
	return out
}

// showPalette opens the command palette (Ctrl+K): type a few letters of
// any menu command and press Enter to run the first match, or click one.
func (w *window) showPalette() {
	all := commands(w.mainMenu())
	shown := all
	var d dialog.Dialog
	run := func(c command) {
		d.Hide()
		c.run()
	}
	list := widget.NewList(func() int { return len(shown) },
		func() fyne.CanvasObject { return widget.NewLabel("Model › Compare With") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(shown[i].name) })
	list.OnSelected = func(i widget.ListItemID) {
		if i < len(shown) {
			run(shown[i])
		}
	}
	query := widget.NewEntry()
	query.SetPlaceHolder("Type a command: present, report, layout…")
	query.OnChanged = func(s string) {
		shown = matching(all, s)
		list.UnselectAll()
		list.Refresh()
	}
	query.OnSubmitted = func(string) {
		if len(shown) > 0 {
			run(shown[0])
		}
	}
	content := container.NewBorder(query, nil, nil, nil, list)
	d = dialog.NewCustom("Run a command", "Close", content, w.win)
	d.Resize(fyne.NewSize(520, 420))
	d.Show()
	w.win.Canvas().Focus(query)
}
