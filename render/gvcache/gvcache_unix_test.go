//go:build unix

package gvcache

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMakePrivateCreates0700(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache", "rampart")
	if err := makePrivate(dir); err != nil {
		t.Fatal(err)
	}
	assertMode(t, dir, 0o700)
}

// A folder of ours that others could write to is closed, and the graphviz
// cache in it is dropped: someone else could have put code there.
func TestMakePrivateRepairsOpenFolder(t *testing.T) {
	for _, mode := range []os.FileMode{0o777, 0o770, 0o702} {
		dir := filepath.Join(t.TempDir(), "rampart")
		planted := plantCache(t, dir)
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		if err := makePrivate(dir); err != nil {
			t.Fatalf("mode %o: %v", mode, err)
		}
		assertMode(t, dir, 0o700)
		if _, err := os.Lstat(planted); !os.IsNotExist(err) {
			t.Errorf("mode %o: the cache written while the folder was open is still there (%v)", mode, err)
		}
	}
}

// Others could read, but not write: the cache stays.
func TestMakePrivateKeepsCacheOfReadableFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rampart")
	planted := plantCache(t, dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := makePrivate(dir); err != nil {
		t.Fatal(err)
	}
	assertMode(t, dir, 0o700)
	if _, err := os.Lstat(planted); err != nil {
		t.Errorf("the cache is gone: %v", err)
	}
}

func TestMakePrivateRefusesForeignFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rampart")
	planted := plantCache(t, dir)
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := makePrivateFor(dir, os.Geteuid()+1); err == nil {
		t.Error("a folder another user owns was accepted")
	}
	// Not ours to repair: nothing changes.
	assertMode(t, dir, 0o777)
	if _, err := os.Lstat(planted); err != nil {
		t.Errorf("another user's file was removed: %v", err)
	}

	if os.Geteuid() == 0 {
		// Root can give the folder away for real.
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if err := makePrivate(dir); err == nil {
			t.Error("a folder uid 65534 owns was accepted for root")
		}
	}
}

func TestMakePrivateRefusesSymlink(t *testing.T) {
	tmp := t.TempDir()
	target := filepath.Join(tmp, "elsewhere")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "rampart")
	if err := os.Symlink(target, dir); err != nil {
		t.Fatal(err)
	}
	if err := makePrivate(dir); err == nil {
		t.Error("a symbolic link was accepted")
	}
}

// Whoever can write to a folder above ours, without the sticky bit that
// /tmp has, could swap our folder for one of their own.
func TestMakePrivateChecksFoldersAbove(t *testing.T) {
	cases := []struct {
		name   string
		mode   os.FileMode
		owner  int // -1: this user
		accept bool
	}{
		{"closed", 0o755, -1, true},
		{"world-writable", 0o777, -1, false},
		{"group-writable", 0o775, -1, false},
		{"shared like /tmp", 0o777 | os.ModeSticky, -1, true},
		{"another user's", 0o755, 65534, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.owner >= 0 && os.Geteuid() != 0 {
				t.Skip("needs root to give a folder to another user")
			}
			above := filepath.Join(t.TempDir(), "above")
			if err := os.Mkdir(above, 0o700); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(above, "cache", "rampart")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(above, c.mode); err != nil {
				t.Fatal(err)
			}
			if c.owner >= 0 {
				if err := os.Chown(above, c.owner, c.owner); err != nil {
					t.Fatal(err)
				}
			}
			if err := makePrivate(dir); (err == nil) != c.accept {
				t.Errorf("makePrivate: %v, want accepted: %v", err, c.accept)
			}

			// The same folder reached through a link.
			link := filepath.Join(t.TempDir(), "cache")
			if err := os.Symlink(filepath.Join(above, "cache"), link); err != nil {
				t.Fatal(err)
			}
			if err := makePrivate(filepath.Join(link, "rampart")); (err == nil) != c.accept {
				t.Errorf("through a link, makePrivate: %v, want accepted: %v", err, c.accept)
			}
		})
	}
}

// go-graphviz makes its folder 0755 inside ours. A link, or a folder others
// can write to, was not made by it, and is removed.
func TestMakePrivateRemovesStrangeGraphvizFolder(t *testing.T) {
	t.Run("link", func(t *testing.T) {
		tmp := t.TempDir()
		target := filepath.Join(tmp, "elsewhere")
		kept := plantCache(t, target)
		dir := filepath.Join(tmp, "rampart")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(target, graphvizDir), filepath.Join(dir, graphvizDir)); err != nil {
			t.Fatal(err)
		}
		if err := makePrivate(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Lstat(filepath.Join(dir, graphvizDir)); !os.IsNotExist(err) {
			t.Errorf("the link is still there (%v)", err)
		}
		if _, err := os.Lstat(kept); err != nil {
			t.Errorf("the link's target was removed: %v", err)
		}
	})
	t.Run("writable", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "rampart")
		plantCache(t, dir)
		if err := os.Chmod(filepath.Join(dir, graphvizDir), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := makePrivate(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Lstat(filepath.Join(dir, graphvizDir)); !os.IsNotExist(err) {
			t.Errorf("the writable graphviz folder is still there (%v)", err)
		}
	})
}

// plantCache makes dir (0700) holding a graphviz cache with one file, and
// returns the file's path.
func plantCache(t *testing.T, dir string) string {
	t.Helper()
	sub := filepath.Join(dir, graphvizDir, "wazero-test")
	if err := os.MkdirAll(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, graphvizDir), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(sub, "compiled")
	if err := os.WriteFile(file, []byte("code"), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func assertMode(t *testing.T, dir string, want os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", dir, got, want)
	}
}
