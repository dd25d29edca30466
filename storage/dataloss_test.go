package storage_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/storage"
)

// leaveUnmergedLog changes a model's name the way an editor that was then
// killed would: the change sits in FILE-wal, never merged into FILE.
func leaveUnmergedLog(t *testing.T, path, name string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("PRAGMA wal_autocheckpoint = 0"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE model_info SET name = ?", name); err != nil {
		t.Fatal(err)
	}
	// What the disk holds at the moment of the kill.
	main, err1 := os.ReadFile(path)
	wal, err2 := os.ReadFile(path + "-wal")
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := errors.Join(os.WriteFile(path, main, 0o644), os.WriteFile(path+"-wal", wal, 0o644)); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + "-shm")
	if len(wal) == 0 {
		t.Fatal("the log is empty: the test proves nothing")
	}
}

// Replacing a model that has a leftover log must not let the old log be
// replayed into the new file.
func TestReplacingAFileWithALeftoverLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "A.rampart")
	if err := storage.WriteNew(path, modelgen.Random(rand.New(rand.NewPCG(7, 7)))); err != nil {
		t.Fatal(err)
	}
	leaveUnmergedLog(t, path, "edited before the crash")
	if m, err := storage.Load(path); err != nil || m.Name != "edited before the crash" {
		t.Fatalf("a reader sees the logged edit: name %q, err %v", m.Name, err)
	}
	replacement := modelgen.Random(rand.New(rand.NewPCG(8, 8)))
	if err := storage.WriteNew(path, replacement); err != nil {
		t.Fatal(err)
	}
	for _, leftover := range []string{"-wal", "-shm", ".lock"} {
		if _, err := os.Stat(path + leftover); err == nil {
			t.Errorf("%s is still beside the new file", leftover)
		}
	}
	for range 2 { // the second open is the one that replayed the old log
		f, got, err := storage.Open(path)
		if err != nil {
			t.Fatalf("the replaced file does not open: %v", err)
		}
		f.Close()
		if !reflect.DeepEqual(got, replacement) {
			t.Fatal("the replaced file does not hold the new model")
		}
	}
}

// An upgrade's backup holds what the log held, not only the file.
func TestUpgradeBackupIncludesTheLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.rampart")
	m := modelgen.Random(rand.New(rand.NewPCG(3, 3)))
	m.RuleSets = map[string]*model.RuleSet{}
	m.Trees = map[string]*model.AttackTree{}
	for _, th := range m.Threats {
		th.Confidence, th.Assumes, th.Origin = model.Confirmed, nil, ""
	}
	m.Owner, m.Reviewer, m.Source = "", "", model.Source{}
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	if err := storage.Downgrade(path, 1); err != nil {
		t.Fatal(err)
	}
	leaveUnmergedLog(t, path, "only in the log")
	f, got, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got.Name != "only in the log" {
		t.Fatalf("the upgraded model lost the logged edit: %q", got.Name)
	}
	bak, err := storage.Load(path + ".format1.bak")
	if err != nil {
		t.Fatalf("the backup does not read: %v", err)
	}
	if bak.Name != "only in the log" {
		t.Errorf("the backup holds %q: it left the log out", bak.Name)
	}
}

// WriteFile keeps the file it replaces when writing fails, a full disk
// among the failures, and leaves no temporary file behind.
func TestWriteFileKeepsThePreviousFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "prev.pdf")
	if err := os.WriteFile(path, []byte("the earlier report"), 0o640); err != nil {
		t.Fatal(err)
	}
	err := storage.WriteFile(path, func(w io.Writer) error {
		w.Write(bytes.Repeat([]byte("x"), 1<<20))
		return &os.PathError{Op: "write", Path: path, Err: syscall.ENOSPC}
	})
	if err == nil || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("err = %v, want a full-disk message", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "the earlier report" {
		t.Fatalf("the earlier file became %q", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a temporary file was left behind: %v", entries)
	}
	if err := storage.WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if data, _ := os.ReadFile(path); string(data) != "new" || st.Mode().Perm() != 0o640 {
		t.Errorf("after a good write: %q, mode %v (want the old mode kept)", data, st.Mode().Perm())
	}
}

// A real full disk: a small tmpfs. Needs the right to mount (root in a
// container); skipped elsewhere.
func TestWriteFileOnAFullDisk(t *testing.T) {
	dir := mountTmpfs(t, "256k")
	path := filepath.Join(dir, "prev.pdf")
	if err := os.WriteFile(path, []byte("the earlier report"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := storage.WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(bytes.Repeat([]byte("x"), 1<<20))
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("err = %v, want a full-disk message", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "the earlier report" {
		t.Fatalf("the earlier file became %q", data)
	}
}

func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// A failed write under the lock leaves no lock file; a closed file leaves
// none either; a held file says who holds it.
func TestLockFilesNeverOutliveTheirWriter(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "notes.rampart")
	if err := os.WriteFile(foreign, []byte("somebody's notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := storage.WriteNew(foreign, model.New("x")); err == nil {
		t.Fatal("a foreign file was replaced")
	}
	if _, err := os.Stat(foreign + ".lock"); err == nil {
		t.Error("a refused write left its lock file behind")
	}
	path := filepath.Join(dir, "shop.rampart")
	if err := storage.WriteNew(path, model.New("shop")); err != nil {
		t.Fatal(err)
	}
	f, _, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = storage.Open(path)
	if !errors.Is(err, storage.ErrInUse) || !strings.Contains(err.Error(), "process "+strconv.Itoa(os.Getpid())) {
		t.Errorf("second writer: %v; want ErrInUse naming this process", err)
	}
	f.Close()
	if _, err := os.Stat(path + ".lock"); err == nil {
		t.Error("the lock file outlived its writer")
	}
}

// A reader never writes beside the file it reads, and works where it may
// not write.
func TestReadersLeaveNothingBehind(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.rampart")
	m := modelgen.Random(rand.New(rand.NewPCG(5, 5)))
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Load(path); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.History(path); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("reading left files behind: %v", entries)
	}
}

// A database another connection holds exclusively is "in use", not
// "damaged".
func TestLockedIsNotDamaged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.rampart")
	if err := storage.WriteNew(path, model.New("shop")); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("PRAGMA locking_mode = EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE model_info SET name = 'held'"); err != nil {
		t.Fatal(err)
	}
	_, err = storage.Load(path)
	if err == nil {
		t.Skip("the held file could still be read")
	}
	t.Log(err)
	if errors.Is(err, storage.ErrCorrupt) || strings.Contains(err.Error(), "damaged") {
		t.Errorf("a held file was called damaged: %v", err)
	}
}

// A reader of a model an editor has open, and keeps saving, always gets
// one whole saved state: never a mix of two, never a file called damaged.
func TestReadingWhileTheEditorSaves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.rampart")
	m := modelgen.Large(200)
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	f, open, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	done := make(chan error, 1)
	var stop atomic.Bool
	go func() {
		// Each save adds an element and a threat on it, in one transaction.
		for i := 0; i < 40 && !stop.Load(); i++ {
			id := fmt.Sprintf("extra%02d", i)
			e := &model.Element{ID: id, Kind: model.Process, Diagram: model.RootDiagramID, Name: id, W: 100, H: 50,
				Props: map[string]string{"technology": "service"}}
			open.Elements[id] = e
			open.Threats["t-"+id] = &model.Threat{ID: "t-" + id, Number: 10000 + i, Manual: true, ElementID: id,
				Title: "added with " + id, Category: model.Tampering}
			if err := f.Save(open); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	var saved error
	finished := false
	for !finished {
		select {
		case saved = <-done:
			finished = true
		default:
		}
		got, err := storage.Load(path)
		if err != nil {
			t.Errorf("read while the editor saves: %v", err)
			break
		}
		for id, th := range got.Threats {
			if got.Elements[th.ElementID] == nil {
				t.Errorf("threat %s read without its element: a mix of two saves", id)
			}
		}
	}
	if stop.Store(true); !finished {
		saved = <-done // a failed read ended the loop first
	}
	if saved != nil {
		t.Fatal(saved)
	}
}
