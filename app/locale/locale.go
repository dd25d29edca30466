// Package locale makes the C locale with an encoding ("C.UTF-8", the default
// in Debian containers and most CI runners) read as English for the GUI
// toolkit, which otherwise takes "C" for a language tag and logs three lines
// of errors on every start, command-line runs included.
//
// main imports it for its init. Go initializes, in import-path order, each
// package whose imports are ready; this one needs only the standard library,
// so it runs before Fyne's language package (main_test.go checks that).
package locale

import (
	"os"
	"strings"
)

func init() { normalize() }

// normalize sets LANGUAGE to "en" when the locale that decides the language
// of messages is C or POSIX with an encoding. LANGUAGE is read only for the
// language of messages, so nothing else about the locale changes, and an
// explicit LANGUAGE is left as it is.
func normalize() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		base, _, hasEncoding := strings.Cut(v, ".")
		if hasEncoding && (base == "C" || base == "POSIX") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
