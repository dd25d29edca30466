//go:build !unix

package gvcache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// tempDirVar is the variable os.TempDir reads first. On Windows that is
// TMP (GetTempPath tries TMP, then TEMP, then USERPROFILE). On the other
// systems that are not Unix it is TMPDIR.
func tempDirVar() string {
	if runtime.GOOS == "windows" {
		return "TMP"
	}
	return "TMPDIR"
}

// unusableDir is a temp folder under which graphviz can make no cache.
// On Windows, '<' and '>' may not appear in file names, so os.Stat and
// os.Mkdir fail for any path that contains them.
func unusableDir() string {
	if runtime.GOOS == "windows" {
		return `C:\<no graphviz cache>`
	}
	return "/dev/null"
}

// makePrivate makes dir, and its parent, if they do not exist, and refuses
// a link.
//
// On Windows, os.UserCacheDir is %LocalAppData%, which is private to the
// user by default. Go cannot check ownership there without ACL calls.
// Other systems get no cache.
func makePrivate(dir string) error {
	if runtime.GOOS != "windows" {
		return errors.New("cannot check who owns folders on " + runtime.GOOS)
	}
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0 || !fi.IsDir() {
		return errors.New(dir + " is not a plain folder")
	}
	return nil
}
