package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMain lets the test binary act as rampart itself, so the tests below
// run the real program, package initialization included.
func TestMain(m *testing.M) {
	if os.Getenv("RAMPART_TEST_AS_MAIN") == "1" {
		os.Args = append(os.Args[:1], flagArgs()...)
		main()
	}
	os.Exit(m.Run())
}

// flagArgs returns what follows "--" on the command line.
func flagArgs() []string {
	for i, a := range os.Args {
		if a == "--" {
			return os.Args[i+1:]
		}
	}
	return nil
}

// Under LANG=C.UTF-8, the default in containers and CI, a command prints
// its result and nothing else: no toolkit noise on stderr.
func TestCLanguageLocaleIsQuiet(t *testing.T) {
	shop := filepath.Join(t.TempDir(), "shop.rampart")
	for _, args := range [][]string{{"demo", "-o", shop}, {"validate", shop}} {
		cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
		cmd.Env = append(os.Environ(), "RAMPART_TEST_AS_MAIN=1",
			"LC_ALL=", "LC_MESSAGES=", "LANGUAGE=", "LANG=C.UTF-8")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("rampart %v: %v\n%s", args, err, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("rampart %v wrote to stderr:\n%s", args, stderr.String())
		}
	}
}
