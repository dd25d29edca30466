package assets

import "embed"

// Icons holds the editor's palette icons as monochrome SVG, drawn in
// black so the GUI can recolour them for the theme.
//
//go:embed icons/*.svg
var Icons embed.FS
