//go:build !windows

package console

// Attach does nothing: other systems give every program the terminal's
// output.
func Attach() {}
