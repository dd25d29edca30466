package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/rampart-tm/rampart/model"
)

// palette holds the diagram's colours for the current theme variant. DFD
// shapes keep their hue in light and dark themes; only lightness changes.
type palette struct {
	fill, stroke map[model.Kind]color.Color
	boundary     color.Color
	flow, text   color.Color
	labelBg      color.Color
	selection    color.Color
	outOfScope   color.Color
	ghost        color.Color
	rubber       color.Color
	problem      color.Color
	severity     [4]color.Color
	badgeText    color.Color
	background   color.Color
	grid         color.Color
	// reviewed are the review tints of shapes, by model.ReviewState: not
	// discussed, discussed, needs follow-up.
	reviewed [3]color.Color
}

func rgb(hex uint32) color.NRGBA {
	return color.NRGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 0xff}
}

func withAlpha(c color.Color, a uint8) color.NRGBA {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

func currentPalette() *palette {
	dark := fyne.CurrentApp().Settings().ThemeVariant() == theme.VariantDark
	if t, ok := fyne.CurrentApp().Settings().Theme().(variantTheme); ok {
		dark = t.variant == theme.VariantDark
	}
	p := &palette{
		text:       theme.Color(theme.ColorNameForeground),
		flow:       theme.Color(theme.ColorNameForeground),
		background: theme.Color(theme.ColorNameBackground),
		selection:  theme.Color(theme.ColorNamePrimary),
		severity:   [4]color.Color{rgb(0x3b8b3b), rgb(0xd4a017), rgb(0xe06c1b), rgb(0xc62828)},
		badgeText:  color.White,
		problem:    rgb(0xe65100),
	}
	p.labelBg = withAlpha(p.background, 0xd8)
	p.rubber = withAlpha(p.selection, 0x30)
	if dark {
		p.fill = map[model.Kind]color.Color{model.Process: rgb(0x1f3550), model.ExternalEntity: rgb(0x43361d), model.DataStore: rgb(0x1f3d27)}
		p.stroke = map[model.Kind]color.Color{model.Process: rgb(0x7fb0e0), model.ExternalEntity: rgb(0xd8b36a), model.DataStore: rgb(0x7fc487)}
		p.boundary = rgb(0xef6c5a)
		p.outOfScope = rgb(0x555555)
		p.ghost = rgb(0x888888)
		p.grid = withAlpha(color.White, 0x10)
		p.reviewed = [3]color.Color{rgb(0x3a3a3a), rgb(0x1e5b2a), rgb(0x6b4d00)}
	} else {
		p.fill = map[model.Kind]color.Color{model.Process: rgb(0xdde9f7), model.ExternalEntity: rgb(0xf5ecd9), model.DataStore: rgb(0xe2f1e0)}
		p.stroke = map[model.Kind]color.Color{model.Process: rgb(0x2b5c8a), model.ExternalEntity: rgb(0x8a6a25), model.DataStore: rgb(0x3b7a3a)}
		p.boundary = rgb(0xc0392b)
		p.outOfScope = rgb(0xb0b0b0)
		p.ghost = rgb(0x9a9a9a)
		p.grid = withAlpha(color.Black, 0x0c)
		p.reviewed = [3]color.Color{rgb(0xe0e0e0), rgb(0xa5d6a7), rgb(0xffd54f)}
	}
	return p
}

// highContrast is the palette for a projector, whose washed-out image
// loses pale fills and thin greys: ink at full strength, shapes with
// deeper outlines, opaque label backgrounds.
func (p *palette) highContrast() *palette {
	q := *p
	dark := luminance(p.background) < 0.5
	if dark {
		q.text, q.flow = color.White, color.White
		q.stroke = map[model.Kind]color.Color{model.Process: rgb(0xa8d1ff), model.ExternalEntity: rgb(0xffd27a), model.DataStore: rgb(0x9be8a4)}
		q.boundary = rgb(0xff7b6b)
	} else {
		q.text, q.flow = color.Black, color.Black
		q.stroke = map[model.Kind]color.Color{model.Process: rgb(0x0b3d91), model.ExternalEntity: rgb(0x6b4a00), model.DataStore: rgb(0x1b5e20)}
		q.boundary = rgb(0xb71c1c)
	}
	q.labelBg = p.background
	q.severity = [4]color.Color{rgb(0x1b7a1b), rgb(0xb8860b), rgb(0xd2500a), rgb(0xb00020)}
	return &q
}

// luminance is a colour's relative lightness, 0 (black) to 1 (white).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}
