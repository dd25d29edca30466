package render

import (
	"html"
	"regexp"
	"strings"
)

var (
	anchor = regexp.MustCompile(`(?is)<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a\s*>`)
	tag    = regexp.MustCompile(`(?s)<[^>]{1,200}>`)
)

// fromMarkup is a text another tool recorded with HTML in it (the Threat
// Modeling Tool writes links as <a href>) as a page prints it: a link as
// its words, with the address when it differs, other tags dropped and
// entities read. Text without markup is returned as it is.
func fromMarkup(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	s = anchor.ReplaceAllStringFunc(s, func(a string) string {
		m := anchor.FindStringSubmatch(a)
		href, text := m[1], strings.TrimSpace(tag.ReplaceAllString(m[2], ""))
		if text == "" || text == href {
			return href
		}
		return text + " (" + href + ")"
	})
	return html.UnescapeString(tag.ReplaceAllString(s, ""))
}
