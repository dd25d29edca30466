// Package assets holds the data built into Rampart: the demo model, the
// application icon, and (with the threat engine) the rule library.
package assets

import _ "embed"

// DemoJSON is the bundled demo model, a microservices web shop over three
// diagram levels, in Rampart's canonical JSON form.
//
//go:embed demo.json
var DemoJSON []byte

// Icon is the application icon, a 512×512 PNG.
//
//go:embed icon.png
var Icon []byte

// RulesYAML is the built-in threat rule library.
//
//go:embed rules.yaml
var RulesYAML []byte

// Version is Rampart's version, as FyneApp.toml gives it.
const Version = "0.1.0"
