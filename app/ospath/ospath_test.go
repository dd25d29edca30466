package ospath_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/rampart-tm/rampart/app/ospath"
	"github.com/rampart-tm/rampart/stride"
)

// sys is an OS with the given environment and nothing else.
func sys(goos string, env map[string]string) ospath.System {
	return ospath.System{GOOS: goos, Getenv: func(k string) string { return env[k] }}
}

var windows = sys("windows", map[string]string{
	"USERPROFILE":  `C:\Users\Ann`,
	"AppData":      `C:\Users\Ann\AppData\Roaming`,
	"LocalAppData": `C:\Users\Ann\AppData\Local`,
})

func TestUserFoldersPerOS(t *testing.T) {
	mac := sys("darwin", map[string]string{"HOME": "/Users/ann"})
	linux := sys("linux", map[string]string{"HOME": "/home/ann"})
	xdg := sys("linux", map[string]string{"HOME": "/home/ann", "XDG_CONFIG_HOME": "/cfg", "XDG_DATA_HOME": "/data/"})
	for _, c := range []struct {
		name           string
		s              ospath.System
		rules, autosav string
	}{
		{"windows", windows, `C:\Users\Ann\AppData\Roaming\rampart\rules.yaml`, `C:\Users\Ann\AppData\Local\rampart\autosave`},
		{"macOS", mac, "/Users/ann/Library/Application Support/rampart/rules.yaml", "/Users/ann/Library/Application Support/rampart/autosave"},
		{"linux", linux, "/home/ann/.config/rampart/rules.yaml", "/home/ann/.local/share/rampart/autosave"},
		{"linux with XDG", xdg, "/cfg/rampart/rules.yaml", "/data/rampart/autosave"},
	} {
		if got, err := c.s.RulesFile(); err != nil || got != c.rules {
			t.Errorf("%s: rules file %q, %v; want %q", c.name, got, err, c.rules)
		}
		if got, err := c.s.AutosaveDir(); err != nil || got != c.autosav {
			t.Errorf("%s: autosave folder %q, %v; want %q", c.name, got, err, c.autosav)
		}
	}
}

func TestNoFolderWithoutItsVariable(t *testing.T) {
	for _, s := range []ospath.System{
		sys("windows", map[string]string{"USERPROFILE": `C:\Users\Ann`}),
		sys("darwin", nil),
		sys("linux", nil),
		sys("linux", map[string]string{"HOME": "/home/ann", "XDG_DATA_HOME": "data", "XDG_CONFIG_HOME": "cfg"}),
	} {
		if p, err := s.AutosaveDir(); err == nil {
			t.Errorf("%s: autosave folder %q from an incomplete environment", s.GOOS, p)
		}
		if p, err := s.RulesFile(); err == nil {
			t.Errorf("%s: rules file %q from an incomplete environment", s.GOOS, p)
		}
	}
}

// The threat engine looks for the analyst's rules where the standard
// library says: the same file as here, on whatever OS the tests run.
func TestRulesFileIsTheEnginesOnThisOS(t *testing.T) {
	got, err := ospath.Current().RulesFile()
	if err != nil {
		t.Skip("no configuration folder here:", err)
	}
	if want := stride.UserRulesFile(); got != want {
		t.Errorf("rules file %q, the engine reads %q", got, want)
	}
	dir, _ := os.UserConfigDir()
	if want := filepath.Join(dir, "rampart", "rules.yaml"); got != want {
		t.Errorf("rules file %q, want %q", got, want)
	}
}

func TestCurrentIsThisOS(t *testing.T) {
	s := ospath.Current()
	if s.GOOS != runtime.GOOS || s.Sep() != string(filepath.Separator) {
		t.Errorf("current system %s with separator %q", s.GOOS, s.Sep())
	}
	home, _ := os.UserHomeDir()
	if got, err := s.Home(); home != "" && (err != nil || got != home) {
		t.Errorf("home %q, %v; want %q", got, err, home)
	}
}
