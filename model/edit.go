package model

import (
	"errors"
	"fmt"
)

// Edit is one change to a model, reversible. Apply either changes the model
// and returns nil, or returns an error and changes nothing. Revert undoes a
// successful Apply exactly.
type Edit interface {
	Apply(m *Model) error
	Revert(m *Model)
	// String says what the edit does, in words, for the history
	// ("moved Orders API").
	String() string
}

// ErrConflict is returned when an edit no longer fits the model (it adds
// something that exists, or changes something that is gone).
var ErrConflict = errors.New("edit does not fit the model")

// change replaces one record of a collection. before == nil adds it,
// after == nil removes it. The stored values are private copies, so later
// edits of the model never alter the history.
type change[T any] struct {
	table         func(*Model) map[string]*T
	clone         func(*T) *T
	id            string
	before, after *T
	label         string
}

func (c *change[T]) Apply(m *Model) error {
	t := c.table(m)
	_, exists := t[c.id]
	switch {
	case c.before == nil && exists:
		return fmt.Errorf("%s: %w: %s already exists", c.label, ErrConflict, c.id)
	case c.before != nil && !exists:
		return fmt.Errorf("%s: %w: %s no longer exists", c.label, ErrConflict, c.id)
	}
	c.set(t, c.after)
	return nil
}

func (c *change[T]) Revert(m *Model) { c.set(c.table(m), c.before) }

func (c *change[T]) set(t map[string]*T, v *T) {
	if v == nil {
		delete(t, c.id)
		return
	}
	t[c.id] = c.clone(v)
}

func (c *change[T]) String() string { return c.label }

// Batch applies several edits as one step of the history.
type Batch struct {
	Label string
	Edits []Edit
}

// Apply applies every edit in order; when one fails, those already applied
// are reverted and the model is as before.
func (b *Batch) Apply(m *Model) error {
	for i, e := range b.Edits {
		if err := e.Apply(m); err != nil {
			for j := i - 1; j >= 0; j-- {
				b.Edits[j].Revert(m)
			}
			return err
		}
	}
	return nil
}

// Revert undoes the edits in reverse order.
func (b *Batch) Revert(m *Model) {
	for i := len(b.Edits) - 1; i >= 0; i-- {
		b.Edits[i].Revert(m)
	}
}

func (b *Batch) String() string { return b.Label }

// Merging is implemented by edits that belong to a burst (typing a name,
// nudging with the arrow keys): consecutive edits with the same non-empty
// MergeKey become one step of the history.
type Merging interface {
	Edit
	MergeKey() string
}

type merging struct {
	Edit
	key string
}

func (m merging) MergeKey() string { return m.key }

// Mergeable marks an edit as part of a burst with the given key.
func Mergeable(e Edit, key string) Edit { return merging{e, key} }

// History is the undo/redo stack of a model. Every change made by the user
// goes through Do, so undo, saving and the change log see the same edits.
type History struct {
	done   []Edit
	undone []Edit
	sealed bool // the next edit starts a new step even if it could merge
}

// Do applies an edit and records it. Redo is no longer possible after it.
// Nothing is recorded when the edit fails.
func (h *History) Do(m *Model, e Edit) error {
	if err := e.Apply(m); err != nil {
		return err
	}
	h.undone = nil
	if n := len(h.done); n > 0 && !h.sealed {
		if key := mergeKey(e); key != "" && key == mergeKey(h.done[n-1]) {
			h.done[n-1] = merging{&Batch{Label: e.String(), Edits: []Edit{h.done[n-1], e}}, key}
			return nil
		}
	}
	h.sealed = false
	h.done = append(h.done, e)
	return nil
}

func mergeKey(e Edit) string {
	if m, ok := e.(Merging); ok {
		return m.MergeKey()
	}
	return ""
}

// Seal ends a burst: the next edit starts a new step.
func (h *History) Seal() { h.sealed = true }

// Undo reverts the last step and returns it, or nil when there is none.
func (h *History) Undo(m *Model) Edit {
	n := len(h.done)
	if n == 0 {
		return nil
	}
	e := h.done[n-1]
	e.Revert(m)
	h.done = h.done[:n-1]
	h.undone = append(h.undone, e)
	h.sealed = true
	return e
}

// Redo applies the last undone step again and returns it, or nil when there
// is none.
func (h *History) Redo(m *Model) (Edit, error) {
	n := len(h.undone)
	if n == 0 {
		return nil, nil
	}
	e := h.undone[n-1]
	if err := e.Apply(m); err != nil {
		return nil, err
	}
	h.undone = h.undone[:n-1]
	h.done = append(h.done, e)
	h.sealed = true
	return e, nil
}

// CanUndo reports whether there is a step to undo.
func (h *History) CanUndo() bool { return len(h.done) > 0 }

// CanRedo reports whether there is a step to redo.
func (h *History) CanRedo() bool { return len(h.undone) > 0 }

// UndoLabel describes the step Undo would revert, or "".
func (h *History) UndoLabel() string {
	if len(h.done) == 0 {
		return ""
	}
	return h.done[len(h.done)-1].String()
}

// RedoLabel describes the step Redo would apply, or "".
func (h *History) RedoLabel() string {
	if len(h.undone) == 0 {
		return ""
	}
	return h.undone[len(h.undone)-1].String()
}

// Clear forgets every step (after loading another model).
func (h *History) Clear() { *h = History{} }
