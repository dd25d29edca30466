package stride

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/rampart-tm/rampart/model"
)

func sortedNames(m map[string]*model.RuleSet) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// RulesFileName is the name of an analyst's rules file, next to a model or
// in the user's configuration folder (rampart/rules.yaml there).
const RulesFileName = "rampart-rules.yaml"

// UserRulesFile is the analyst's own rules file, or "" when the OS has no
// configuration folder.
func UserRulesFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "rampart", "rules.yaml")
}

// ForModel loads the built-in rules, then the rule sets the model carries
// (a TMT knowledge base it was imported with), then the analyst's own (the
// user's rules file, the rules file next to the model, then each extra
// file), a later rule replacing an earlier one with its ID. Files that do
// not exist are skipped, except the extra ones. Rules that do not load are
// returned as errors; the library holds all the others. m may be nil.
func ForModel(modelPath string, m *model.Model, extra ...string) (*Library, []error) {
	lib, err := Builtin()
	if err != nil {
		return nil, []error{err}
	}
	var errs []error
	if m != nil {
		for _, name := range sortedNames(m.RuleSets) {
			rs := m.RuleSets[name]
			origin := "rule set " + rs.Name
			switch rs.Format {
			case model.RuleSetTMT:
				errs = append(errs, lib.AddKB([]byte(rs.Data), origin)...)
			case model.RuleSetYAML:
				errs = append(errs, lib.Add([]byte(rs.Data), origin)...)
			default:
				errs = append(errs, fmt.Errorf("%s: unknown format %q", origin, rs.Format))
			}
		}
	}
	optional := []string{UserRulesFile()}
	if modelPath != "" {
		optional = append(optional, filepath.Join(filepath.Dir(modelPath), RulesFileName))
	}
	for _, p := range optional {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			continue
		}
		errs = append(errs, lib.LoadFile(p)...)
	}
	for _, p := range extra {
		errs = append(errs, lib.LoadFile(p)...)
	}
	return lib, errs
}
