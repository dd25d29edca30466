// Package ospath holds every path choice that depends on the operating
// system: where Rampart keeps the user's files, and how a path that a file
// dialog returned or a user typed becomes one the OS opens. Each choice is
// a method of System, which names the OS and reads its environment, so the
// rules for Windows, macOS and Linux are all tested on any of them.
//
// Preferences (theme, the author's name, recent files) are not here: Fyne
// keeps them in its own folder, which it chooses per OS.
package ospath

import (
	"errors"
	"os"
	"runtime"
	"strings"
)

// AppDir is the name of Rampart's folder in the OS's folders for
// configuration and data.
const AppDir = "rampart"

// System is an operating system as the path choices see it.
type System struct {
	GOOS   string              // as runtime.GOOS: "linux", "windows", "darwin"...
	Getenv func(string) string // its environment
}

// Current is the system Rampart runs on.
func Current() System { return System{GOOS: runtime.GOOS, Getenv: os.Getenv} }

func (s System) windows() bool { return s.GOOS == "windows" }
func (s System) apple() bool   { return s.GOOS == "darwin" || s.GOOS == "ios" }

// Sep is the OS's path separator.
func (s System) Sep() string {
	if s.windows() {
		return `\`
	}
	return "/"
}

// Home is the user's home folder: %USERPROFILE% on Windows, $HOME
// elsewhere, as os.UserHomeDir has it.
func (s System) Home() (string, error) {
	v, name := "HOME", "$HOME"
	if s.windows() {
		v, name = "USERPROFILE", "%USERPROFILE%"
	}
	if h := s.Getenv(v); h != "" {
		return h, nil
	}
	return "", errors.New(name + " is not set")
}

// ConfigDir is the folder of the analyst's own settings, such as their
// rules file: %AppData%\rampart on Windows, ~/Library/Application
// Support/rampart on macOS, $XDG_CONFIG_HOME/rampart (or
// ~/.config/rampart) elsewhere. It is os.UserConfigDir's folder, so a Go
// program that asks the standard library finds the same one.
func (s System) ConfigDir() (string, error) {
	switch {
	case s.windows():
		return s.fromEnv("AppData")
	case s.apple():
		return s.underHome("Library", "Application Support", AppDir)
	}
	return s.xdg("XDG_CONFIG_HOME", ".config")
}

// DataDir is where Rampart keeps files that the user did not name, such
// as autosaved untitled models. On Windows it is %LocalAppData%\rampart:
// a roaming profile would copy whole models at every logon. On macOS it is
// ConfigDir, as Apple has both in Application Support; elsewhere
// $XDG_DATA_HOME/rampart (or ~/.local/share/rampart).
func (s System) DataDir() (string, error) {
	switch {
	case s.windows():
		return s.fromEnv("LocalAppData")
	case s.apple():
		return s.ConfigDir()
	}
	return s.xdg("XDG_DATA_HOME", ".local/share")
}

// AutosaveDir keeps the untitled models, against a crash.
func (s System) AutosaveDir() (string, error) { return s.in(s.DataDir, "autosave") }

// RulesFile is the analyst's own rules file.
func (s System) RulesFile() (string, error) { return s.in(s.ConfigDir, "rules.yaml") }

func (s System) in(dir func() (string, error), name string) (string, error) {
	d, err := dir()
	if err != nil {
		return "", err
	}
	return s.Join(d, name), nil
}

// fromEnv is Windows' %name%\rampart.
func (s System) fromEnv(name string) (string, error) {
	v := s.Getenv(name)
	if v == "" {
		return "", errors.New("%" + name + "% is not set")
	}
	return s.Join(v, AppDir), nil
}

// xdg follows the XDG base directory rules: the variable when it holds an
// absolute path, else the default under the home folder. A relative path
// is an error, as os.UserConfigDir has it.
func (s System) xdg(name, underHome string) (string, error) {
	if v := s.Getenv(name); v != "" {
		if !strings.HasPrefix(v, "/") {
			return "", errors.New("the path in $" + name + " is relative")
		}
		return s.Join(v, AppDir), nil
	}
	return s.underHome(append(strings.Split(underHome, "/"), AppDir)...)
}

func (s System) underHome(elem ...string) (string, error) {
	h, err := s.Home()
	if err != nil {
		return "", err
	}
	return s.Join(append([]string{h}, elem...)...), nil
}

// Join joins path elements with the OS's separator, without doubling one
// that an element already ends with.
func (s System) Join(elem ...string) string {
	out := ""
	for _, e := range elem {
		switch {
		case e == "":
		case out == "" || s.isSep(out[len(out)-1]):
			out += e
		default:
			out += s.Sep() + e
		}
	}
	return out
}

func (s System) isSep(c byte) bool { return c == '/' || s.windows() && c == '\\' }
