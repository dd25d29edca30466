// Package gvcache keeps graphviz's compiled code out of the shared temp
// folder.
//
// github.com/goccy/go-graphviz (v0.2.10) compiles its WebAssembly module to
// native code when its internal/wasm package is initialized, and caches the
// result in os.TempDir()/go-graphviz, made 0755. In a temp folder that all
// users share, such as /tmp, the first user to start a graphviz program owns
// that folder. Every other user's Rampart then panics during initialization,
// before any command runs (even --help). And whoever made the folder decides
// which native code the other users load.
//
// This package's init points the temp folder at a private per-user folder,
// os.UserCacheDir()/rampart, so graphviz caches its code in
// os.UserCacheDir()/rampart/go-graphviz. If no such folder can be had, the
// temp folder points at a path under which no folder can be made, and
// graphviz runs without a cache. It then compiles at every start. The shared
// temp folder is never used. Package render calls Restore from its own init,
// which runs after graphviz's, so the rest of the program gets the usual
// temp folder back.
//
// The order comes from Go. Since Go 1.21 packages are initialized in
// import-path order, each as soon as all its imports are initialized. This
// package imports only standard packages that wazero also needs, so it is
// ready whenever wazero is, and "github.com/rampart-tm/..." sorts before
// "github.com/tetratelabs/wazero". So this init runs before wazero's, and
// therefore before that of graphviz's wasm package, which imports wazero.
// An import here that wazero does not need could break that order. Check
// with GODEBUG=inittrace=1.
package gvcache

import (
	"os"
	"path/filepath"
	"sync"
)

// graphvizDir is the folder that go-graphviz makes in the temp folder.
const graphvizDir = "go-graphviz"

var (
	cacheDir string // where graphviz keeps its compiled code; "" if nowhere
	cacheErr error  // why graphviz runs without a cache

	envName    string // the variable os.TempDir reads first
	envOld     string
	envWasSet  bool
	restoreOne sync.Once
)

func init() {
	envName = tempDirVar()
	envOld, envWasSet = os.LookupEnv(envName)

	tmp, err := privateDir()
	if err != nil {
		cacheErr = err
		tmp = unusableDir()
	} else {
		cacheDir = filepath.Join(tmp, graphvizDir)
	}
	if err := os.Setenv(envName, tmp); err != nil {
		cacheDir, cacheErr = "", err
		if err := os.Setenv(envName, unusableDir()); err != nil {
			// The temp folder would stay the shared one. Stopping is
			// better than loading native code that others can write.
			panic("rampart: cannot keep graphviz out of the shared temp folder: " + err.Error())
		}
	}
}

// privateDir returns os.UserCacheDir()/rampart, made if needed, once it is
// checked that only this user can write to it.
func privateDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	// Absolute, so that every folder above it can be checked.
	dir, err := filepath.Abs(filepath.Join(base, "rampart"))
	if err != nil {
		return "", err
	}
	if err := makePrivate(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// Restore gives the temp folder back its value from before this package's
// init. A program must call it once graphviz is initialized. Package render
// does so from its init. Calls after the first do nothing.
func Restore() {
	restoreOne.Do(func() {
		if envWasSet {
			os.Setenv(envName, envOld)
		} else {
			os.Unsetenv(envName)
		}
	})
}

// Cache returns the folder where graphviz keeps its compiled code. If there
// is none, it returns the reason instead: graphviz then runs without a
// cache and compiles its code again at every start.
func Cache() (dir string, err error) {
	return cacheDir, cacheErr
}
