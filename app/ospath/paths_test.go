package ospath_test

import (
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/app/ospath"
)

var linux = sys("linux", map[string]string{"HOME": "/home/ann"})

func TestNativeFromDialogURIs(t *testing.T) {
	for _, c := range []struct {
		s        ospath.System
		uri, out string
	}{
		{windows, "C:/Users/Ann/shop.rampart", `C:\Users\Ann\shop.rampart`},
		{windows, "/C:/Users/Ann/shop.rampart", `C:\Users\Ann\shop.rampart`},
		{windows, "//server/share/shop.rampart", `\\server\share\shop.rampart`},
		{linux, "/home/ann/shop.rampart", "/home/ann/shop.rampart"},
		{linux, "/C:/odd but valid", "/C:/odd but valid"},
	} {
		if got := c.s.Native(c.uri); got != c.out {
			t.Errorf("%s: Native(%q) = %q, want %q", c.s.GOOS, c.uri, got, c.out)
		}
	}
}

// What a user types in a save dialog's name field: a plain name goes in
// the folder on screen, a path goes where it says.
func TestTypedNames(t *testing.T) {
	for _, c := range []struct {
		s         ospath.System
		dir, name string
		want      string // "" when the name is within dir
	}{
		{linux, "/home/ann", "shop.rampart", ""},
		{linux, "/home/ann", "models/shop.rampart", ""},
		{linux, "/home/ann", "/tmp/shop.rampart", "/tmp/shop.rampart"},
		{linux, "/srv", "~/shop.rampart", "/home/ann/shop.rampart"},
		{linux, "/srv", "~", "/home/ann"},
		{linux, "/srv", `C:\shop.rampart`, ""},
		{windows, `C:\Users\Ann`, "shop.rampart", ""},
		{windows, `C:\Users\Ann`, `D:\models\shop.rampart`, `D:\models\shop.rampart`},
		{windows, `C:\Users\Ann`, `d:/models/shop.rampart`, `d:/models/shop.rampart`},
		{windows, `C:\Users\Ann`, `\\nas\team\shop.rampart`, `\\nas\team\shop.rampart`},
		{windows, `D:\work\x`, `\models\shop.rampart`, `D:\models\shop.rampart`},
		{windows, `\\nas\team\x`, `\shop.rampart`, `\\nas\team\shop.rampart`},
		{windows, `D:\work`, `~\shop.rampart`, `C:\Users\Ann\shop.rampart`},
		{windows, `C:\Users\Ann`, "/tmp/shop.rampart", `C:/tmp/shop.rampart`},
	} {
		got, ok := c.s.Typed(c.dir, c.name)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("%s: Typed(%q, %q) = %q, %v; want %q", c.s.GOOS, c.dir, c.name, got, ok, c.want)
		}
	}
}

func TestModelExtensionInAnyCase(t *testing.T) {
	for _, c := range []struct {
		s     ospath.System
		path  string
		model bool
	}{
		{windows, `C:\Models\Shop.RAMPART`, true},
		{windows, `C:\models.rampart\shop`, false},
		{windows, `C:\Models\shop.json`, false},
		{linux, "/m/shop.Rampart", true},
		{linux, `/m/a\b.rampart`, true},
		{linux, "/m.rampart/shop", false},
	} {
		if got := c.s.IsModel(c.path); got != c.model {
			t.Errorf("%s: IsModel(%q) = %v", c.s.GOOS, c.path, got)
		}
	}
	if got := windows.WithExt(`C:\m\Shop.RAMPART`, ".rampart"); got != `C:\m\Shop.RAMPART` {
		t.Errorf("an extension in capitals was added again: %q", got)
	}
	if got := linux.WithExt("/m/shop", ".rampart"); got != "/m/shop.rampart" {
		t.Errorf("WithExt = %q", got)
	}
}

func TestFileNamesValidEverywhere(t *testing.T) {
	for in, want := range map[string]string{
		"Web shop":             "Web shop",
		"  a/b\\c:d*e?\"<>|  ": "a-b-c-d-e-----",
		"Payments v2.":         "Payments v2",
		"Trailing. . ":         "Trailing",
		"":                     "model",
		"...":                  "model",
		"con":                  "con-model",
		"NUL.backup":           "NUL-model.backup",
		"COM1":                 "COM1-model",
		"COMX":                 "COMX",
		"Console":              "Console",
		"tab\there":            "tab-here",
	} {
		if got := ospath.FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
	long := ospath.FileName(strings.Repeat("é", 300))
	if len(long) > 200 || !strings.HasPrefix(long, "éé") || strings.ContainsRune(long, '\uFFFD') {
		t.Errorf("a long name became %d bytes: %q…", len(long), long[:10])
	}
}
