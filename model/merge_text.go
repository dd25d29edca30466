package model

import (
	"slices"
	"strings"
)

// mergeLines merges two edits of a text of several lines as git merges a
// file: where one side changed some lines and the other side other lines,
// both changes are taken; where both changed the same lines differently,
// ok is false. A text of one line is one value and is not merged.
func mergeLines(base, ours, theirs string) (string, bool) {
	if !strings.Contains(base, "\n") && !strings.Contains(ours, "\n") && !strings.Contains(theirs, "\n") {
		return "", false
	}
	b, o, t := strings.Split(base, "\n"), strings.Split(ours, "\n"), strings.Split(theirs, "\n")
	if len(b)*max(len(o), len(t)) > maxLinePairs {
		return "", false // a knowledge base of thousands of lines: one value
	}
	mo, mt := matchLines(b, o), matchLines(b, t)
	var out []string
	bi, oi, ti := 0, 0, 0
	for {
		// The next base line both sides kept is where both agree again.
		k := bi
		for k < len(b) && (mo[k] < 0 || mt[k] < 0) {
			k++
		}
		oe, te := len(o), len(t)
		if k < len(b) {
			oe, te = mo[k], mt[k]
		}
		bc, oc, tc := b[bi:k], o[oi:oe], t[ti:te]
		switch {
		case slices.Equal(oc, bc):
			out = append(out, tc...)
		case slices.Equal(tc, bc), slices.Equal(oc, tc):
			out = append(out, oc...)
		default:
			return "", false
		}
		if k == len(b) {
			return strings.Join(out, "\n"), true
		}
		out = append(out, b[k])
		bi, oi, ti = k+1, oe+1, te+1
	}
}

// maxLinePairs bounds the table matchLines fills.
const maxLinePairs = 1 << 22

// matchLines pairs the lines of a with those of b along a longest common
// subsequence: m[i] is the line of b that a[i] stays as, or -1.
func matchLines(a, b []string) []int {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1) // lcs[i][j]: of a[i:] and b[j:]
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	out := make([]int, n)
	for i := range out {
		out[i] = -1
	}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i] == b[j]:
			out[i] = j
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}
