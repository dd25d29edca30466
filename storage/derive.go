package storage

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/rampart-tm/rampart/model"
)

// WriteFrom writes m to path as a changed copy of the .rampart file from,
// whose model is was (as Load read it): only what differs from was is
// written, which for a merge of two versions of a large model is a small
// part of it. trail replaces the copy's audit trail. As with WriteNew,
// path is replaced only once the new file is complete; from may be path.
// A file of an older format, or one with a write-ahead log beside it (open
// in an editor), is written whole instead.
func WriteFrom(path, from string, was, m *model.Model, trail []model.Change) error {
	if err := model.CheckReferences(m); err != nil {
		return err
	}
	if v, err := identify(from); err != nil || v != Version {
		return WriteNew(path, m, trail...)
	}
	if _, err := os.Stat(from + "-wal"); err == nil {
		return WriteNew(path, m, trail...)
	}
	lock, err := acquire(path)
	if err != nil {
		return err
	}
	defer release(lock)
	if err := refuseForeign(path); err != nil {
		return err
	}
	if err := mergeLeftoverLog(path); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".new-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, unwrapPathError(err))
	}
	tmpPath := tmp.Name()
	defer os.Remove(tmpPath)
	err = copyInto(tmp, from)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = rewrite(tmpPath, was, m, trail)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, diskFull(err))
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if err := os.Chmod(tmpPath, mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	os.Remove(path + "-shm")
	return syncDir(filepath.Dir(path))
}

func copyInto(dst *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	_, err = io.Copy(dst, in)
	return err
}

// rewrite saves what differs from was to m in a copy nobody else sees yet,
// replaces its trail, and leaves it synced, without a log beside it.
func rewrite(path string, was, m *model.Model, trail []model.Change) error {
	db, err := openDB(path, modeWrite)
	if err != nil {
		return err
	}
	err = save(db, was, m)
	if err == nil {
		err = replaceTrail(db, trail)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fh, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = fh.Sync()
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	return err
}

// replaceTrail makes trail the file's audit trail, in one transaction.
func replaceTrail(db *sql.DB, trail []model.Change) error {
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := &writer{tx: tx}
	w.exec("DELETE FROM changes")
	w.appendTrail(trail)
	if w.err != nil {
		return w.err
	}
	return tx.Commit()
}
