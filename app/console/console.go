// Package console gives the command line a console on Windows.
//
// The Windows build is a GUI program (linked with -H=windowsgui), so a
// double-click opens no console window next to the editor. Windows then
// gives it no standard output either, and `rampart analyze` typed in a
// terminal would print nothing. Attach connects the program to the
// console of the terminal it was started from, if any. Output that is
// redirected to a file or a pipe works without it and is kept.
package console
