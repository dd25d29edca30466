package storage

import (
	"context"
	"database/sql"
	"os"

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
	return replaceWith(path, func(tmp string) error {
		os.Remove(tmp) // copyFile makes the file afresh
		if err := copyFile(from, tmp); err != nil {
			return err
		}
		return rewrite(tmp, was, m, trail)
	})
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
	return syncFile(path)
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
