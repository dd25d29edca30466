package storage

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// The writer's lock is an OS lock on FILE.lock: it vanishes with the
// process that held it, so a crash leaves no stale lock, only a file the
// next writer locks again. The file says who holds it, so the next one to
// try can say who has the model open.

// acquire takes the writer's lock of a model file.
func acquire(path string) (*flock.Flock, error) {
	lockPath := path + ".lock"
	for range 20 {
		l := flock.New(lockPath)
		ok, err := l.TryLock()
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, unwrapPathError(err))
		}
		if !ok {
			return nil, inUse(path)
		}
		// The holder before us removes the lock file while it still holds
		// it; if that happened after we opened the file, our lock is on a
		// file nobody else sees, and a third process could lock a new one.
		// Only a lock on the file the path names counts.
		held, err1 := l.Stat()
		named, err2 := os.Stat(lockPath)
		if err1 == nil && err2 == nil && os.SameFile(held, named) {
			_ = os.WriteFile(lockPath, []byte(holder()), 0o600) // only informative
			return l, nil
		}
		_ = l.Close()
	}
	return nil, inUse(path)
}

// release gives the lock up and removes its file. The file goes first,
// while the lock is still held, so no other process can take a lock that
// is about to lose its file (see acquire).
func release(l *flock.Flock) {
	if l == nil {
		return
	}
	_ = os.Remove(l.Path())
	_ = l.Close()
}

// holder describes this process for the lock file.
func holder() string {
	name := "someone"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("pid %d\nuser %s\nhost %s\nsince %s\n", os.Getpid(), name, host, time.Now().Format(time.RFC3339))
}

// inUse is ErrInUse, saying who holds the file when its lock file tells.
func inUse(path string) error {
	data, err := os.ReadFile(path + ".lock")
	if err != nil {
		return fmt.Errorf("%s: %w", path, ErrInUse)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok {
			fields[k] = v
		}
	}
	pid, err := strconv.Atoi(fields["pid"])
	if err != nil {
		return fmt.Errorf("%s: %w", path, ErrInUse)
	}
	who := fmt.Sprintf("process %d", pid)
	if u := fields["user"]; u != "" {
		who += " of " + u
	}
	if h := fields["host"]; h != "" {
		who += " on " + h
	}
	if at, err := time.Parse(time.RFC3339, fields["since"]); err == nil {
		who += ", since " + at.Format("2 Jan 2006 15:04")
	}
	return &InUseError{Path: path, Holder: who}
}

// InUseError is ErrInUse with who holds the file.
type InUseError struct {
	Path   string
	Holder string // "process 1234 of alice on build-7, since 2 Jan 2026 15:04"
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("%s: %v (%s)", e.Path, ErrInUse, e.Holder)
}

// Is makes errors.Is(err, ErrInUse) hold.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }
