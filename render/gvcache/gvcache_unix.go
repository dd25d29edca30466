//go:build unix

package gvcache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// tempDirVar is the variable os.TempDir reads on Unix.
func tempDirVar() string { return "TMPDIR" }

// unusableDir is a temp folder under which graphviz can make no cache.
// /dev/null is not a folder, so os.Stat and os.Mkdir of
// /dev/null/go-graphviz both fail, and only root could change that.
func unusableDir() string { return "/dev/null" }

// makePrivate makes dir, and its parent, with mode 0700 if they do not
// exist. Then it checks that only this user can write to dir.
func makePrivate(dir string) error {
	return makePrivateFor(dir, os.Geteuid())
}

// makePrivateFor is makePrivate for the user euid. It refuses a symbolic
// link, a folder that another user owns, and a folder that another user
// could swap for one of their own (see checkAncestors). It repairs a folder of euid's
// that others could write to: the folder becomes 0700, and the graphviz
// cache in it is removed, because someone else could have written that
// cache.
func makePrivateFor(dir string, euid int) error {
	// The user's cache folder may not exist yet, but a missing home
	// folder is not ours to make.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	fi, err := owned(dir, euid)
	if err != nil {
		return err
	}
	if err := checkAncestors(dir, euid); err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return err
		}
		if perm&0o022 != 0 {
			if err := os.RemoveAll(filepath.Join(dir, graphvizDir)); err != nil {
				return err
			}
		}
	}

	// go-graphviz makes its folder inside ours with mode 0755. Anything
	// else there was not made by go-graphviz running as this user.
	sub := filepath.Join(dir, graphvizDir)
	fi, err = owned(sub, euid)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil || fi.Mode().Perm()&0o022 != 0:
		return os.RemoveAll(sub)
	}
	return nil
}

// owned returns path's file info if path is a folder, not a symbolic link,
// and euid owns it. Otherwise it returns an error.
func owned(path string, euid int) (fs.FileInfo, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, errors.New(path + " is a symbolic link")
	}
	if !fi.IsDir() {
		return nil, errors.New(path + " is not a folder")
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, errors.New("cannot tell who owns " + path)
	}
	if int(st.Uid) != euid {
		return nil, errors.New(path + " belongs to another user")
	}
	return fi, nil
}

// checkAncestors returns an error if a user other than euid and root could
// rename dir or a folder above it, and so swap in a folder of their own
// after the checks here. Every folder above dir, both as written and with
// symbolic links resolved, must belong to euid or root, and must be closed
// to writing by others or have the sticky bit (as /tmp has).
func checkAncestors(dir string, euid int) error {
	resolved, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	for _, p := range []string{dir, resolved} {
		for d := filepath.Dir(p); ; d = filepath.Dir(d) {
			fi, err := os.Stat(d)
			if err != nil {
				return err
			}
			st, ok := fi.Sys().(*syscall.Stat_t)
			if !ok {
				return errors.New("cannot tell who owns " + d)
			}
			if int(st.Uid) != euid && st.Uid != 0 {
				return errors.New(d + " belongs to another user")
			}
			if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
				return errors.New("others can write to " + d)
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	return nil
}
