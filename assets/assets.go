// Package assets holds the data built into Rampart: the demo model, the
// application icon, and (with the threat engine) the rule library.
package assets

import (
	_ "embed"
	"runtime/debug"
	"strings"
)

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

// Version is Rampart's version. The build sets it from FyneApp.toml
// (make passes -ldflags "-X github.com/rampart-tm/rampart/assets.Version=...");
// a plain go build says "dev", or the module's version when it was
// installed with go install.
var Version = "dev"

func init() {
	if Version != "dev" {
		return
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		Version = strings.TrimPrefix(bi.Main.Version, "v")
	}
}

// Licence is the licence Rampart is distributed under; LICENSE holds its
// text.
const Licence = "Apache License 2.0"

// Website is Rampart's home page.
const Website = "https://github.com/rampart-tm/rampart"
