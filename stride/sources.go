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
// (a TMT knowledge base it was imported with, rules stored in it), then
// the analyst's own rules file, the rules file next to the model, then
// each extra file, a later rule replacing an earlier one with its ID.
// Files that do not exist are skipped, except the extra ones. Each set is
// recorded in the library's Sources with its hash, and whether the
// analyst chose it (see SourceKind.Trusted). Rules that do not load are
// returned as errors; the library holds all the others. m may be nil.
func ForModel(modelPath string, m *model.Model, extra ...string) (*Library, []error) {
	return ForModelFrom(Builtin, modelPath, m, extra...)
}

// ForModelFrom is ForModel with the built-in rules given by builtin (see
// BuiltinLater).
func ForModelFrom(builtin func() (*Library, error), modelPath string, m *model.Model, extra ...string) (*Library, []error) {
	lib, err := builtin()
	if err != nil {
		return nil, []error{err}
	}
	var errs []error
	if m != nil {
		for _, name := range sortedNames(m.RuleSets) {
			rs := m.RuleSets[name]
			origin := "rule set " + rs.Name
			data := []byte(rs.Data)
			switch rs.Format {
			case model.RuleSetTMT:
				errs = append(errs, lib.addSource("knowledge base embedded in the model: "+rs.Name, SourceKB, data,
					func() []error { return lib.AddKB(data, origin) })...)
			case model.RuleSetYAML:
				errs = append(errs, lib.addSource("rule set embedded in the model: "+rs.Name, SourceModel, data,
					func() []error { return lib.Add(data, origin) })...)
			default:
				errs = append(errs, fmt.Errorf("%s: unknown format %q", origin, rs.Format))
			}
		}
	}
	if p := UserRulesFile(); p != "" {
		errs = append(errs, lib.loadOptional(p, "your rules file "+p, SourceUser)...)
	}
	if modelPath != "" {
		p := filepath.Join(filepath.Dir(modelPath), RulesFileName)
		errs = append(errs, lib.loadOptional(p, RulesFileName+" beside the model", SourceModelFolder)...)
	}
	for _, p := range extra {
		errs = append(errs, lib.loadSource(p, p, SourceCommandLine)...)
	}
	return lib, errs
}

// BuiltinLater starts loading the built-in rules on another goroutine
// and returns what waits for them: the command line reads the model
// meanwhile, as parsing and compiling the rules takes about as long.
func BuiltinLater() func() (*Library, error) { return later(Builtin) }

// loadOptional is loadSource for a file that may not exist.
func (l *Library) loadOptional(path, name string, kind SourceKind) []error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return l.loadSource(path, name, kind)
}

// loadSource adds the rules of a file (YAML rules or a TMT knowledge
// base) as one source.
func (l *Library) loadSource(path, name string, kind SourceKind) []error {
	data, err := os.ReadFile(path)
	if err != nil {
		return []error{fmt.Errorf("rules %s: %w", path, err)}
	}
	return l.addSource(name, kind, data, func() []error {
		if IsKB(data) {
			return l.AddKB(data, path)
		}
		return l.Add(data, path)
	})
}
