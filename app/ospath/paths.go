package ospath

import (
	"strings"
	"unicode/utf8"
)

// ModelExt is the extension of a model file.
const ModelExt = ".rampart"

// Native turns the path of a file URI, as Fyne's dialogs give it, into a
// path of the OS. On Windows the URI path has forward slashes and may
// start with a slash before the drive ("/C:/Users/..." from
// file:///C:/Users/...); Windows wants "C:\Users\...".
func (s System) Native(uriPath string) string {
	if !s.windows() {
		return uriPath
	}
	p := uriPath
	if len(p) >= 3 && p[0] == '/' && isLetter(p[1]) && p[2] == ':' {
		p = p[1:]
	}
	return strings.ReplaceAll(p, "/", `\`)
}

// IsAbs reports whether p is an absolute path of the OS. On Windows that
// is a drive and a separator ("C:\x", "C:/x") or a network share
// ("\\server\share").
func (s System) IsAbs(p string) bool {
	if !s.windows() {
		return strings.HasPrefix(p, "/")
	}
	if len(p) >= 3 && isLetter(p[0]) && p[1] == ':' && s.isSep(p[2]) {
		return true
	}
	return len(p) >= 3 && s.isSep(p[0]) && s.isSep(p[1]) && !s.isSep(p[2])
}

// Typed resolves a name typed in a save dialog's name field, where the
// dialog shows the folder dir (a path of the OS). It reports false for a
// name within dir, which the dialog handles itself. A name that is a path
// of its own is resolved: an absolute path stands as typed, "~/..." is in
// the home folder, and on Windows "\x" is x at the root of dir's drive.
func (s System) Typed(dir, name string) (string, bool) {
	switch {
	case s.IsAbs(name):
		return name, true
	case name == "~" || strings.HasPrefix(name, "~/") || s.windows() && strings.HasPrefix(name, `~\`):
		home, err := s.Home()
		if err != nil {
			return "", false
		}
		return s.Join(home, strings.TrimLeft(name[1:], `/\`)), true
	case s.windows() && name != "" && s.isSep(name[0]):
		return s.volume(dir) + name, true
	}
	return "", false
}

// volume is the drive ("C:") or share ("\\server\share") of a Windows path.
func (s System) volume(p string) string {
	if len(p) >= 2 && isLetter(p[0]) && p[1] == ':' {
		return p[:2]
	}
	if !s.IsAbs(p) {
		return ""
	}
	// \\server\share: up to the separator after the share's name.
	n := 0
	for i := 2; i < len(p); i++ {
		if s.isSep(p[i]) {
			if n++; n == 2 {
				return p[:i]
			}
		}
	}
	return p
}

// Ext is the extension of the last element of p, as filepath.Ext gives
// it, with the OS's separators.
func (s System) Ext(p string) string {
	for i := len(p) - 1; i >= 0 && !s.isSep(p[i]); i-- {
		if p[i] == '.' {
			return p[i:]
		}
	}
	return ""
}

// HasExt reports whether p ends in ext, in any case: "Shop.RAMPART" is a
// model on every OS, as the file systems of Windows and macOS ignore case.
func (s System) HasExt(p, ext string) bool { return strings.EqualFold(s.Ext(p), ext) }

// IsModel reports whether p names a .rampart file.
func (s System) IsModel(p string) bool { return s.HasExt(p, ModelExt) }

// WithExt adds ext to p unless p has it already.
func (s System) WithExt(p, ext string) string {
	if s.HasExt(p, ext) {
		return p
	}
	return p + ext
}

// maxNameBytes leaves room for an extension and a temporary file's suffix
// within the 255 bytes most file systems allow for a name.
const maxNameBytes = 200

// FileName makes a file name (without extension) from a model's or a
// diagram's name that is valid on every OS, as models travel between them:
// no separators or characters Windows forbids, no trailing dots or spaces,
// none of Windows' device names (CON, NUL, COM1...), and not too long.
func FileName(name string) string {
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 32 || r == 0x7f {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	if len(s) > maxNameBytes {
		s = s[:maxNameBytes]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	s = strings.TrimRight(s, ". ")
	if s == "" {
		return "model"
	}
	if reservedOnWindows(s) {
		// Before the first dot, as Windows reads "NUL.txt" as NUL too.
		i := strings.IndexByte(s, '.')
		if i < 0 {
			i = len(s)
		}
		s = s[:i] + "-model" + s[i:]
	}
	return s
}

// reservedOnWindows reports whether Windows keeps a name for a device,
// with or without an extension: "con", "NUL.txt", "com1".
func reservedOnWindows(name string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(name), ".")
	base = strings.TrimRight(base, " ")
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) {
		return base[3] >= '0' && base[3] <= '9'
	}
	return false
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
