package tmt

import (
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// KBCategory is a threat category of a knowledge base. TMT's templates
// use the STRIDE letters as ids; custom templates use GUIDs, and then only
// the name says which STRIDE category it is.
type KBCategory struct {
	ID   string `xml:"Id"`
	Name string `xml:"Name"`
}

// Categories finds a knowledge base's categories by id, then by name.
type Categories struct {
	byID, byName map[string]KBCategory
}

// NewCategories indexes a knowledge base's categories.
func NewCategories(list []KBCategory) Categories {
	c := Categories{byID: map[string]KBCategory{}, byName: map[string]KBCategory{}}
	for _, k := range list {
		k.ID, k.Name = strings.TrimSpace(k.ID), strings.TrimSpace(k.Name)
		c.byID[strings.ToLower(k.ID)] = k
		c.byName[strings.ToLower(k.Name)] = k
	}
	return c
}

// STRIDE maps a category as a threat records it (an id or a name) onto
// STRIDE, through the knowledge base's own list: its id when that is a
// STRIDE letter, else its name.
func (c Categories) STRIDE(value string) (model.Category, bool) {
	v := strings.ToLower(strings.TrimSpace(value))
	k, ok := c.byID[v]
	if !ok {
		k, ok = c.byName[v]
	}
	if !ok {
		return model.CategoryNamed(value)
	}
	if cat, ok := model.CategoryNamed(k.ID); ok && len(k.ID) == 1 {
		return cat, true
	}
	if cat, ok := model.CategoryNamed(k.Name); ok {
		return cat, true
	}
	return model.CategoryNamed(value)
}
