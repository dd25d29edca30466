package locale

import (
	"os"
	"testing"
)

func TestNormalize(t *testing.T) {
	cases := []struct {
		lcAll, lang, language string
		want                  string
	}{
		{"", "C.UTF-8", "", "en"},
		{"", "POSIX.utf8", "", "en"},
		{"C.UTF-8", "fr_FR.UTF-8", "", "en"},
		{"de_DE.UTF-8", "C.UTF-8", "", ""}, // LC_ALL decides: German
		{"", "C", "", ""},                  // plain C is already read as English
		{"", "fr_FR.UTF-8", "", ""},
		{"", "C.UTF-8", "nl", "nl"}, // the user's own choice stays
		{"", "", "", ""},
	}
	for _, c := range cases {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		t.Setenv("LANGUAGE", c.language)
		normalize()
		if got := os.Getenv("LANGUAGE"); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q LANGUAGE=%q: LANGUAGE became %q, want %q",
				c.lcAll, c.lang, c.language, got, c.want)
		}
	}
}
