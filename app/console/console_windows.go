//go:build windows

package console

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachParentProcess is ATTACH_PARENT_PROCESS: the console of the
// process that started this one.
const attachParentProcess = ^uintptr(0)

var attachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// Attach points standard output and error that go nowhere at the console
// of the terminal Rampart was started from. Without such a terminal (a
// double-click) it does nothing.
func Attach() {
	if usable(windows.STD_OUTPUT_HANDLE) && usable(windows.STD_ERROR_HANDLE) {
		return
	}
	if r, _, _ := attachConsole.Call(attachParentProcess); r == 0 {
		return
	}
	if !usable(windows.STD_OUTPUT_HANDLE) {
		reopen(&os.Stdout, windows.STD_OUTPUT_HANDLE)
	}
	if !usable(windows.STD_ERROR_HANDLE) {
		reopen(&os.Stderr, windows.STD_ERROR_HANDLE)
	}
}

// usable reports whether a standard handle leads somewhere.
func usable(std uint32) bool {
	h, err := windows.GetStdHandle(std)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

// reopen makes *f write to the console.
func reopen(f **os.File, std uint32) {
	out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	windows.SetStdHandle(std, windows.Handle(out.Fd()))
	*f = out
}
