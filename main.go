// Rampart is a desktop threat-modeling editor. Without arguments it opens
// the editor; with a command it runs the same engine headless.
package main

import (
	"os"

	// Settles the locale before Fyne reads it (see the package comment).
	_ "github.com/rampart-tm/rampart/app/locale"

	"github.com/rampart-tm/rampart/app"
	"github.com/rampart-tm/rampart/app/cli"
	"github.com/rampart-tm/rampart/app/console"
)

func main() {
	console.Attach()
	os.Exit(cli.Run(os.Args[1:], app.Run, os.Stdout, os.Stderr))
}
