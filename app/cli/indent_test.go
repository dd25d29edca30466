package cli

import (
	"bytes"
	"encoding/json"
	"testing"
)

// indentJSON writes exactly what encoding/json's Indent writes.
func TestIndentJSONMatchesEncodingJSON(t *testing.T) {
	for _, v := range []any{
		map[string]any{"a": []any{}, "b": map[string]any{}, "c": "x\"y\\z:{,}[]", "d": []any{1, 2.5, true, nil, "é\u2028"}},
		[]any{map[string]any{"nested": []any{[]any{}, map[string]any{"k": "v"}}}},
		"just a string", 42, nil,
	} {
		src, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, src, "", "  "); err != nil {
			t.Fatal(err)
		}
		if got := indentJSON(nil, src); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("indentJSON(%s) =\n%s\nwant\n%s", src, got, want.Bytes())
		}
	}
}
