package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/rampart-tm/rampart/assets"
)

// variantTheme is the default theme held to one variant, so the user's
// choice of light or dark wins over the system's.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// applyTheme switches between "light" and "dark".
func applyTheme(a fyne.App, name string) {
	v := theme.VariantLight
	if name == "dark" {
		v = theme.VariantDark
	}
	a.Settings().SetTheme(variantTheme{theme.DefaultTheme(), v})
}

func assetsIcon() []byte { return assets.Icon }

// paletteIcon loads a palette icon and recolours it for the theme.
func paletteIcon(name string) fyne.Resource {
	data, err := assets.Icons.ReadFile("icons/" + name + ".svg")
	if err != nil {
		return theme.QuestionIcon()
	}
	return theme.NewThemedResource(fyne.NewStaticResource(name+".svg", data))
}
