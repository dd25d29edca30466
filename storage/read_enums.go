package storage

import "github.com/rampart-tm/rampart/model"

// enumCache remembers the values of the enum names a file's rows hold: a
// large model repeats a few names thousands of times, and reading a name
// folds its case and spelling anew each time.
type enumCache struct {
	kinds       map[string]model.Kind
	categories  map[string]model.Category
	levels      map[string]model.Level
	statuses    map[string]model.Status
	confidences map[string]model.Confidence
}

func newEnumCache() *enumCache {
	return &enumCache{kinds: map[string]model.Kind{}, categories: map[string]model.Category{},
		levels: map[string]model.Level{}, statuses: map[string]model.Status{}, confidences: map[string]model.Confidence{}}
}

// unmarshalCached reads a name into dst as its UnmarshalText does, once
// per name. Names that do not read are not remembered.
func unmarshalCached[T any, P interface {
	*T
	UnmarshalText([]byte) error
}](cache map[string]T, dst P, name string) error {
	if v, ok := cache[name]; ok {
		*dst = v
		return nil
	}
	if err := dst.UnmarshalText([]byte(name)); err != nil {
		return err
	}
	cache[name] = *dst
	return nil
}
