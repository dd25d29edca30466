package model

import "strings"

// CategoryNamed reads a STRIDE category however threat-modeling tools
// write it: a letter (A, the SDL template's Abuse, counts as elevation of
// privilege), or a name in any template's spelling ("Denial Of Service",
// "Elevation of Privileges", "Spoofing identity").
func CategoryNamed(s string) (Category, bool) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "A") {
		return ElevationOfPrivilege, true
	}
	if c, err := ParseCategory(s); err == nil {
		return c, true
	}
	folded := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, strings.ToLower(s))
	for _, w := range []struct {
		word string
		cat  Category
	}{
		{"spoof", Spoofing}, {"tamper", Tampering}, {"repudiat", Repudiation},
		{"disclos", InformationDisclosure}, {"denialofservice", DenialOfService},
		{"elevationofprivilege", ElevationOfPrivilege}, {"abuse", ElevationOfPrivilege},
	} {
		if strings.Contains(folded, w.word) {
			return w.cat, true
		}
	}
	return 0, false
}
