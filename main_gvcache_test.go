//go:build unix

package main

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// nobody is the second user: the uid and gid that run rampart after root.
const nobody = 65534

// go-graphviz caches its compiled code in os.TempDir()/go-graphviz. When the
// temp folder is shared, the first user to run rampart owns that folder. A
// second user's rampart must still work (it used to panic during
// initialization, even for --help), must not use or add to that folder, and
// must keep its cache in a private folder of its own.
func TestSecondUserIgnoresSharedGraphvizCache(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: runs rampart as a second user (uid 65534) next to root's graphviz cache")
	}
	base, err := os.MkdirTemp("", "rampart-gvcache-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if !reachable(base) {
		t.Skipf("uid %d cannot reach %s: a parent folder is closed to others", nobody, base)
	}

	// The program, where the second user may run it: this test binary.
	bin := filepath.Join(base, "bin", "rampart.test")
	copyExecutable(t, os.Args[0], bin)

	// A shared temp folder, as root's rampart leaves it: go-graphviz's
	// folder 0755, and in it wazero's folder 0700 (wazero's cache.go).
	shared := filepath.Join(base, "tmp")
	mustMkdir(t, shared, 0o777|os.ModeSticky)
	rootCache := filepath.Join(shared, "go-graphviz")
	mustMkdir(t, rootCache, 0o755)
	mustMkdir(t, filepath.Join(rootCache, wazeroCacheName()), 0o700)
	before := listTree(t, rootCache)

	home := filepath.Join(base, "home")
	work := filepath.Join(base, "work")
	for _, dir := range []string{home, work} {
		mustMkdir(t, dir, 0o755)
		if err := os.Chown(dir, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}

	model := filepath.Join(work, "shop.rampart")
	svg := filepath.Join(work, "shop.svg")
	for _, args := range [][]string{
		{"--help"},
		{"demo", "-o", model},
		{"render", model, "--layout", "-o", svg},
	} {
		runAsNobody(t, bin, work, shared, home, args...)
	}

	if fi, err := os.Stat(svg); err != nil || fi.Size() == 0 {
		t.Errorf("no diagram drawn: %v", err)
	}
	if after := listTree(t, rootCache); !slices.Equal(before, after) {
		t.Errorf("the shared graphviz folder changed:\nbefore %q\nafter  %q", before, after)
	}
	private := filepath.Join(home, ".cache", "rampart")
	fi, err := os.Lstat(private)
	if err != nil {
		t.Fatalf("no private cache folder: %v", err)
	}
	if uid := fi.Sys().(*syscall.Stat_t).Uid; fi.Mode().Perm() != 0o700 || uid != nobody {
		t.Errorf("%s has mode %o, owner %d; want 0700, owner %d", private, fi.Mode().Perm(), uid, nobody)
	}
	if entries, _ := os.ReadDir(filepath.Join(private, "go-graphviz", wazeroCacheName())); len(entries) == 0 {
		t.Errorf("graphviz cached nothing in %s", private)
	}

	// Without a private folder (a home the user cannot write to), graphviz
	// runs without a cache rather than in the shared folder.
	closedHome := filepath.Join(base, "closed-home")
	mustMkdir(t, closedHome, 0o755)
	runAsNobody(t, bin, work, shared, closedHome, "render", model, "--layout", "-o", svg)
	if after := listTree(t, rootCache); !slices.Equal(before, after) {
		t.Errorf("without a private folder, the shared graphviz folder changed:\nbefore %q\nafter  %q", before, after)
	}
	if entries, _ := os.ReadDir(closedHome); len(entries) != 0 {
		t.Errorf("something was written to the closed home: %v", entries)
	}
}

// runAsNobody runs the rampart in bin with args as uid and gid 65534, in
// dir, with the given temp and home folders.
func runAsNobody(t *testing.T, bin, dir, tmp, home string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Dir = dir
	cmd.Env = []string{
		"RAMPART_TEST_AS_MAIN=1",
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + tmp,
		"LANG=C.UTF-8",
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: nobody, Gid: nobody, Groups: []uint32{}},
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("rampart %v as uid %d: %v\n%s", args, nobody, err, stderr.String())
	}
	if strings.Contains(stderr.String(), "panic") {
		t.Fatalf("rampart %v as uid %d panicked:\n%s", args, nobody, stderr.String())
	}
}

// wazeroCacheName is the folder that wazero makes in a compilation cache
// folder, named as wazero names it in this binary (wazero's
// internal/version and cache.go).
func wazeroCacheName() string {
	version := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/tetratelabs/wazero" {
				version = dep.Version
			}
		}
	}
	if version == "" || version == "(devel)" {
		version = "dev"
	}
	return "wazero-" + version + "-" + runtime.GOARCH + "-" + runtime.GOOS
}

// reachable reports whether every folder above dir lets others through.
func reachable(dir string) bool {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func copyExecutable(t *testing.T, from, to string) {
	t.Helper()
	mustMkdir(t, filepath.Dir(to), 0o755)
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// mustMkdir makes dir with exactly mode, whatever the umask.
func mustMkdir(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
}

// listTree returns every path under dir, with its mode.
func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		paths = append(paths, path+" "+fi.Mode().String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}
