package render

import (
	// Its init moves graphviz's code cache out of the shared temp folder
	// (see the package comment).
	"github.com/rampart-tm/rampart/render/gvcache"
)

// Go initializes every package that render imports before render itself,
// go-graphviz included, so graphviz has made its code cache by now. The rest
// of the program gets the usual temp folder back.
func init() { gvcache.Restore() }
