// Package storage keeps a model in one SQLite file (.rampart): schema,
// migrations, loading and saving, and the canonical JSON form. Files are
// untrusted input: they are checked before anything is read, and a file
// that fails a check is never written to.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/mattn/go-sqlite3"
	"github.com/rampart-tm/rampart/model"
)

// Errors a caller can tell apart.
var (
	ErrNotRampartFile = errors.New("not a Rampart model")
	ErrNewerVersion   = errors.New("made by a newer version of Rampart")
	ErrCorrupt        = errors.New("the file is damaged")
	ErrInUse          = errors.New("the file is open in another Rampart window or process")
	ErrDiskFull       = errors.New("the disk is full: the change is not saved and the file keeps its previous state")
	ErrReplaced       = errors.New("another program replaced the file on disk (a git merge, checkout or pull?)")
)

// File is a .rampart file open for writing. It holds a lock so no other
// Rampart writes to it, and remembers what it last saved so a save writes
// only what changed.
type File struct {
	path  string
	db    *sql.DB
	lock  *flock.Flock
	saved *model.Model
	ident os.FileInfo // the file as opened, to notice another program replacing it
}

// Path is the file's path.
func (f *File) Path() string { return f.path }

// Open opens a .rampart file for writing and loads its model. A file from an
// older Rampart is migrated (after a backup copy is kept beside it).
func Open(path string) (*File, *model.Model, error) {
	version, err := check(path)
	if err != nil {
		return nil, nil, err
	}
	lock, err := acquire(path)
	if err != nil {
		return nil, nil, err
	}
	f := &File{path: path, lock: lock}
	if f.db, err = openDB(path, modeWrite); err != nil {
		f.Close()
		return nil, nil, openFailure(path, err)
	}
	if version < Version {
		if err := backup(f.db, path, version); err != nil {
			f.Close()
			return nil, nil, err
		}
		if err := migrate(f.db, version); err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("upgrade %s: %w", path, err)
		}
	}
	m, err := read(f.db)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	f.saved = m.Clone()
	f.ident, _ = os.Stat(path)
	return f, m, nil
}

// Load reads the model of a .rampart file without writing to it, locking
// it or leaving anything beside it: for the command line, which only
// reads, on folders that may be read-only.
func Load(path string) (*model.Model, error) {
	m, _, err := load(path, false)
	return m, err
}

// LoadWithHistory reads the model of a .rampart file and its audit trail,
// oldest first, as Load does: checking the file once for both.
func LoadWithHistory(path string) (*model.Model, []model.Change, error) {
	return load(path, true)
}

func load(path string, withTrail bool) (*model.Model, []model.Change, error) {
	if err := checkHeader(path); err != nil {
		return nil, nil, err
	}
	r, err := openReadOnly(path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	version, err := identifyDB(path, r.db)
	if err == nil {
		err = checkShape(path, r.db)
	}
	if err != nil {
		return nil, nil, err
	}
	if version == Version && r.fixed != "" {
		return loadAtOnce(r, withTrail)
	}
	if err := checkIntegrity(path, r.db); err != nil {
		return nil, nil, err
	}
	db := r.db
	if version < Version {
		var dir string
		if db, dir, err = upgradedCopy(r.db, version); err != nil {
			return nil, nil, fmt.Errorf("upgrade %s: %w", path, err)
		}
		defer os.RemoveAll(dir)
		defer db.Close()
	}
	m, err := read(db)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	var trail []model.Change
	if withTrail {
		if trail, err = readHistory(db); err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	return m, trail, nil
}

// loadAtOnce is load for a file of the current format opened immutable:
// SQLite checks its integrity on one connection while the model is read
// on two others. Damage found by the check is reported as such, whatever
// reading the damaged file gave.
func loadAtOnce(r *roFile, withTrail bool) (*model.Model, []model.Change, error) {
	path := r.fixed
	checked := make(chan error, 1)
	go func() { checked <- checkIntegrity(path, r.db) }()
	m, trail, err := readFixed(path, withTrail)
	if cerr := <-checked; cerr != nil {
		return nil, nil, cerr
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return m, trail, nil
}

// readFixed reads the model (and its trail) of a file that cannot change,
// on two connections of its own.
func readFixed(path string, withTrail bool) (*model.Model, []model.Change, error) {
	diagrams, err := openDB(path, modeImmutable)
	if err != nil {
		return nil, nil, openFailure(path, err)
	}
	defer diagrams.Close()
	threats, err := openDB(path, modeImmutable)
	if err != nil {
		return nil, nil, openFailure(path, err)
	}
	defer threats.Close()
	m, err := readAtOnce(diagrams, threats)
	var trail []model.Change
	if err == nil && withTrail {
		trail, err = readHistory(diagrams)
	}
	return m, trail, err
}

// openChecked opens a file for reading after the checks of check.
func openChecked(path string) (*roFile, int, error) {
	if err := checkHeader(path); err != nil {
		return nil, 0, err
	}
	r, err := openReadOnly(path)
	if err != nil {
		return nil, 0, err
	}
	version, err := checkDB(path, r.db)
	if err != nil {
		r.Close()
		return nil, 0, err
	}
	return r, version, nil
}

// Create writes a model to a new file at path, replacing what is there
// only once the new file is complete (a crash leaves the old one intact),
// and returns it open for writing. The file's audit trail starts with
// trail (a merge keeps both sides' trails).
func Create(path string, m *model.Model, trail ...model.Change) (*File, error) {
	if err := model.CheckReferences(m); err != nil {
		return nil, err
	}
	lock, err := acquire(path)
	if err != nil {
		return nil, err
	}
	if err := replaceWith(path, func(tmp string) error { return writeNew(tmp, m, trail...) }); err != nil {
		release(lock)
		return nil, err
	}
	f := &File{path: path, lock: lock, saved: m.Clone()}
	if f.db, err = openDB(path, modeWrite); err != nil {
		f.Close()
		return nil, openFailure(path, err)
	}
	f.ident, _ = os.Stat(path)
	return f, nil
}

// replaceWith has fill write a model into a temporary file beside path,
// and renames it over path, under the writer's lock.
func replaceWith(path string, fill func(tmp string) error) error {
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
	tmp.Close()
	defer os.Remove(tmpPath)
	if err := fill(tmpPath); err != nil {
		return fmt.Errorf("write %s: %w", path, diskFull(err))
	}
	// A new file is readable as documents are; a replaced one keeps its mode.
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
	// The old file's index would describe a database that is gone.
	os.Remove(path + "-shm")
	return syncDir(filepath.Dir(path))
}

// mergeLeftoverLog folds a write-ahead log that an editor left beside a
// file (it crashed, or was killed) into that file before the file is
// replaced: a log left beside the new file would be replayed into it and
// damage it. The caller holds the writer's lock, so no editor has the
// file open. When the log cannot be merged, nothing is replaced and the
// message says how to keep the edits it holds.
func mergeLeftoverLog(path string) error {
	st, err := os.Stat(path + "-wal")
	if err != nil {
		return nil
	}
	if st.Size() > 0 {
		db, err := openDB(path, modeWrite)
		if err == nil {
			var busy, logged, merged int
			err = db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &merged)
			if err == nil && busy != 0 {
				err = errors.New("another connection is using it")
			}
			if cerr := db.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return fmt.Errorf("will not replace %s: it has edits that were never merged into it (in %s-wal, left by a "+
				"Rampart that did not close), and merging them failed: %v. Open it in Rampart to keep them, or remove %s-wal "+
				"to give them up", path, path, err, path)
		}
	}
	if err := os.Remove(path + "-wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("will not replace %s: %w", path, err)
	}
	return nil
}

// syncDir makes a rename in a folder survive a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		// Windows cannot sync a folder; NTFS makes a rename durable itself.
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// diskFull turns SQLite's "disk full" into ErrDiskFull.
func diskFull(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return ErrDiskFull
	}
	return err
}

// WriteNew writes a model to a new file at path (replacing what is there
// once complete), with its audit trail, and closes it.
func WriteNew(path string, m *model.Model, trail ...model.Change) error {
	f, err := Create(path, m, trail...)
	if err != nil {
		return err
	}
	return f.Close()
}

// refuseForeign refuses to replace an existing file that is not a Rampart
// model: writing a model over someone's database or document by mistake
// would destroy it.
func refuseForeign(path string) error {
	if st, err := os.Stat(path); errors.Is(err, os.ErrNotExist) || (err == nil && st.Size() == 0) {
		return nil // nothing there, or an empty file made to receive the model
	}
	if _, err := identify(path); err != nil && !errors.Is(err, ErrNewerVersion) {
		return fmt.Errorf("will not replace %s: %w", path, err)
	}
	return nil
}

// writeNew creates the schema and the model in a fresh temporary file.
// Nobody else sees that file until it is complete and renamed into place,
// so it is written without a journal and synced once at the end.
func writeNew(path string, m *model.Model, trail ...model.Change) error {
	db, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?_foreign_keys=1&_journal_mode=OFF&_synchronous=OFF")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	err = migrate(db, 0)
	if err == nil {
		err = save(db, nil, m, trail...)
	}
	if err == nil {
		_, err = db.Exec("PRAGMA journal_mode = WAL") // the mode editing uses, recorded in the file
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return syncFile(path)
}

// syncFile makes what was written to a file durable.
func syncFile(path string) error {
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

// Save writes the model's changes since the last save, and the entries of
// the audit trail that record them, in one transaction: when it fails, the
// file keeps its previous state.
func (f *File) Save(m *model.Model, log ...model.Change) error {
	if err := model.CheckReferences(m); err != nil {
		return fmt.Errorf("save %s: %w", f.path, err)
	}
	if f.Replaced() {
		return fmt.Errorf("save %s: %w", f.path, ErrReplaced)
	}
	if err := save(f.db, f.saved, m, log...); err != nil {
		return fmt.Errorf("save %s: %w", f.path, diskFull(err))
	}
	f.saved = m.Clone()
	// The file alone holds the model between edits: git can commit it,
	// a copy is whole, and no log is left for a file that replaces it.
	_, _ = f.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	f.ident, _ = os.Stat(f.path) // as this save left it
	return nil
}

// Saved is the model as this file last wrote it (or opened it): the base
// to merge with when another program replaced the file. Not to be changed.
func (f *File) Saved() *model.Model { return f.saved }

// Replaced reports whether another program replaced, removed or
// rewrote the file since this one last wrote it (a git merge or checkout
// renames a new file over it; cp or rsync write over it in place). Saving
// into it would lose the edits, or mix two models in one file.
func (f *File) Replaced() bool { return f.Stamp().Replaced() }

// Stamp is a file as its File last wrote or opened it: what a look for
// another program's replacement compares with. Taking one is cheap; the
// look (Stamp.Replaced) is a stat, which on a network share can take a
// while, so an editor takes it away from its UI.
type Stamp struct {
	path  string
	ident os.FileInfo
}

// Stamp is the file's stamp now.
func (f *File) Stamp() Stamp { return Stamp{f.path, f.ident} }

// Current tells whether s is still the file's own stamp: no save or Save
// As renewed it since it was taken.
func (f *File) Current(s Stamp) bool { return f.path == s.path && f.ident == s.ident }

// Replaced looks whether another program replaced, removed or rewrote
// the file since the stamp was taken (see File.Replaced).
func (s Stamp) Replaced() bool {
	if s.ident == nil {
		return false
	}
	st, err := os.Stat(s.path)
	return err != nil || !os.SameFile(st, s.ident) || st.Size() != s.ident.Size() || !st.ModTime().Equal(s.ident.ModTime())
}

// History returns the file's audit trail, oldest first.
func (f *File) History() ([]model.Change, error) { return readHistory(f.db) }

// History reads the audit trail of a .rampart file without writing to it.
func History(path string) ([]model.Change, error) {
	r, version, err := openChecked(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if version < 4 {
		return nil, nil // files before format 4 kept no trail
	}
	return readHistory(r.db)
}

func readHistory(db *sql.DB) ([]model.Change, error) {
	rows, err := db.Query("SELECT seq, at, author, action, subjects, undone FROM changes ORDER BY seq")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Change
	for rows.Next() {
		var c model.Change
		var at, subjects string
		if err := rows.Scan(&c.Seq, &at, &c.Author, &c.Action, &subjects, &c.Undone); err != nil {
			return nil, err
		}
		if c.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, damaged("change "+strconv.Itoa(c.Seq), err)
		}
		c.Subjects = strings.Fields(subjects)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Close folds the write-ahead log into the file, closes it and releases
// the lock.
func (f *File) Close() error {
	var err error
	if f.db != nil {
		_, _ = f.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		err = f.db.Close()
		f.db = nil
	}
	release(f.lock)
	f.lock = nil
	return err
}

// migrate brings a database from version `from` to the current version in
// one transaction.
func migrate(db *sql.DB, from int) error {
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if from == 0 {
		if _, err := tx.Exec("PRAGMA application_id = " + strconv.Itoa(ApplicationID)); err != nil {
			return err
		}
	}
	for v := from; v < Version; v++ {
		if _, err := tx.Exec(migrations[v]); err != nil {
			return fmt.Errorf("migration to format %d: %w", v+1, err)
		}
	}
	if _, err := tx.Exec("PRAGMA user_version = " + strconv.Itoa(Version)); err != nil {
		return err
	}
	return tx.Commit()
}

// backup copies a file about to be upgraded to FILE.formatN.bak, with
// what its write-ahead log holds: the log is merged into the file first
// (the caller holds the writer's lock and the only connection).
func backup(db *sql.DB, path string, version int) error {
	var busy, logged, merged int
	err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &merged)
	if err == nil && busy != 0 {
		err = errors.New("its write-ahead log is in use")
	}
	if err == nil {
		err = WriteFile(fmt.Sprintf("%s.format%d.bak", path, version), func(w io.Writer) error {
			src, err := os.Open(path)
			if err != nil {
				return err
			}
			defer src.Close()
			_, err = io.Copy(w, src)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("back up %s: %w", path, diskFull(err))
	}
	return nil
}

// upgradedCopy copies an older database to a temporary folder and upgrades
// the copy, so reading an old file never writes to it. The caller closes
// db and removes dir.
func upgradedCopy(src *sql.DB, version int) (db *sql.DB, dir string, err error) {
	dir, err = os.MkdirTemp("", "rampart-upgrade-*")
	if err != nil {
		return nil, "", err
	}
	dst := filepath.Join(dir, "model.rampart")
	_, err = src.Exec("VACUUM INTO ?", dst)
	if err == nil {
		db, err = openDB(dst, modeWrite)
	}
	if err == nil {
		if err = migrate(db, version); err != nil {
			db.Close()
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", err
	}
	return db, dir, nil
}
