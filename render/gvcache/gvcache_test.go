package gvcache

import (
	"os"
	"path/filepath"
	"testing"
)

// tempDirInInit is the temp folder that go-graphviz's init saw.
var tempDirInInit string

func TestMain(m *testing.M) {
	tempDirInInit = os.TempDir()
	Restore()
	os.Exit(m.Run())
}

func TestInitPointsTempDirAtCache(t *testing.T) {
	dir, err := Cache()
	if err != nil {
		if tempDirInInit != unusableDir() {
			t.Errorf("no cache (%v), but the temp folder was %s, want %s", err, tempDirInInit, unusableDir())
		}
		return
	}
	if want := filepath.Join(tempDirInInit, graphvizDir); dir != want {
		t.Errorf("Cache() = %s, but graphviz saw the temp folder %s", dir, tempDirInInit)
	}
	if os.TempDir() == tempDirInInit {
		t.Errorf("after Restore the temp folder is still %s", tempDirInInit)
	}
	if v, ok := os.LookupEnv(envName); v != envOld || ok != envWasSet {
		t.Errorf("after Restore %s = %q (set: %v), want %q (set: %v)", envName, v, ok, envOld, envWasSet)
	}
}
