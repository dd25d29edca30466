package model

import "testing"

func TestMergeLines(t *testing.T) {
	base := "Para one.\n\nPara two.\n\nPara three."
	cases := []struct {
		name, ours, theirs, want string
		ok                       bool
	}{
		{"different paragraphs", "Para ONE.\n\nPara two.\n\nPara three.", "Para one.\n\nPara two.\n\nPara THREE.", "Para ONE.\n\nPara two.\n\nPara THREE.", true},
		{"one side adds, the other edits", "Para one.\n\nPara two.\n\nPara three.\n\nPara four.", "Para one.\n\nPara 2.\n\nPara three.", "Para one.\n\nPara 2.\n\nPara three.\n\nPara four.", true},
		{"the same paragraph differently", "Para 1.\n\nPara two.\n\nPara three.", "Para I.\n\nPara two.\n\nPara three.", "", false},
		{"the same change", "X\n\nPara two.\n\nPara three.", "X\n\nPara two.\n\nPara three.", "X\n\nPara two.\n\nPara three.", true},
	}
	for _, c := range cases {
		got, ok := mergeLines(base, c.ours, c.theirs)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%s: got %q, %v", c.name, got, ok)
		}
	}
	if _, ok := mergeLines("one", "two", "three"); ok {
		t.Error("a one-line text merged")
	}
}
