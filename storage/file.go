// Package storage keeps a model in one SQLite file (.rampart): schema,
// migrations, loading and saving, and the canonical JSON form. Files are
// untrusted input: they are checked before anything is read, and a file
// that fails a check is never written to.
package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
)

// File is a .rampart file open for writing. It holds a lock so no other
// Rampart writes to it, and remembers what it last saved so a save writes
// only what changed.
type File struct {
	path  string
	db    *sql.DB
	lock  *flock.Flock
	saved *model.Model
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
	if f.db, err = openDB(path, false); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	if version < Version {
		if err := backup(path, version); err != nil {
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
	return f, m, nil
}

// Load reads the model of a .rampart file without writing to it or locking
// it: for the command line, which only reads.
func Load(path string) (*model.Model, error) {
	version, err := check(path)
	if err != nil {
		return nil, err
	}
	var db *sql.DB
	if version < Version {
		var dir string
		if db, dir, err = upgradedCopy(path, version); err != nil {
			return nil, fmt.Errorf("upgrade %s: %w", path, err)
		}
		defer os.RemoveAll(dir)
	} else if db, err = openDB(path, true); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	m, err := read(db)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return m, nil
}

// Create writes a model to a new file at path, replacing what is there
// only once the new file is complete (a crash leaves the old one intact),
// and returns it open for writing.
func Create(path string, m *model.Model) (*File, error) {
	if err := model.CheckReferences(m); err != nil {
		return nil, err
	}
	lock, err := acquire(path)
	if err != nil {
		return nil, err
	}
	if err := refuseForeign(path); err != nil {
		lock.Unlock()
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".new-*")
	if err != nil {
		lock.Unlock()
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpPath)
	if err := writeNew(tmpPath, m); err != nil {
		lock.Unlock()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	// A new file is readable as documents are; a replaced one keeps its mode.
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if err := os.Chmod(tmpPath, mode); err != nil {
		lock.Unlock()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmpPath, path); err != nil {
		lock.Unlock()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	f := &File{path: path, lock: lock, saved: m.Clone()}
	if f.db, err = openDB(path, false); err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return f, nil
}

// WriteNew writes a model to a new file at path (replacing what is there
// once complete) and closes it.
func WriteNew(path string, m *model.Model) error {
	f, err := Create(path, m)
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
func writeNew(path string, m *model.Model) error {
	db, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?_foreign_keys=1&_journal_mode=OFF&_synchronous=OFF")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	err = migrate(db, 0)
	if err == nil {
		err = save(db, nil, m)
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
	if err := save(f.db, f.saved, m, log...); err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
			err = ErrDiskFull
		}
		return fmt.Errorf("save %s: %w", f.path, err)
	}
	f.saved = m.Clone()
	return nil
}

// History returns the file's audit trail, oldest first.
func (f *File) History() ([]model.Change, error) { return readHistory(f.db) }

// History reads the audit trail of a .rampart file without writing to it.
func History(path string) ([]model.Change, error) {
	version, err := check(path)
	if err != nil {
		return nil, err
	}
	if version < 4 {
		return nil, nil // files before format 4 kept no trail
	}
	db, err := openDB(path, true)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return readHistory(db)
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
	if f.lock != nil {
		_ = f.lock.Unlock()
		_ = os.Remove(f.lock.Path())
		f.lock = nil
	}
	return err
}

// acquire takes the writer's lock beside the file. The lock is an OS lock
// on FILE.lock: it vanishes with the process that held it, so a crash
// leaves no stale lock, only a file the next writer locks again.
func acquire(path string) (*flock.Flock, error) {
	l := flock.New(path + ".lock")
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", path, ErrInUse)
	}
	return l, nil
}

// check looks at a file before SQLite writes anything to it: it must be an
// SQLite database with Rampart's application id, a format version this
// Rampart reads, no triggers or views, and pass SQLite's integrity check.
// It returns the file's format version.
func check(path string) (int, error) {
	version, err := identify(path)
	if err != nil {
		return 0, err
	}
	db, err := openDB(path, true)
	if err != nil {
		return 0, fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	defer db.Close()
	var problems []string
	rows, err := db.Query("PRAGMA integrity_check(5)")
	if err != nil {
		return 0, fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return 0, fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	rows.Close()
	if len(problems) > 0 {
		return 0, fmt.Errorf("%s: %w: %s", path, ErrCorrupt, strings.Join(problems, "; "))
	}
	if err := checkSizes(db); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	var extra string
	err = db.QueryRow("SELECT type || ' ' || name FROM sqlite_master WHERE type IN ('trigger', 'view') LIMIT 1").Scan(&extra)
	if err == nil {
		return 0, fmt.Errorf("%s: %w: it contains a %s that Rampart does not define", path, ErrNotRampartFile, extra)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	return version, nil
}

// Bounds on what a file may hold: far above any real model, low enough
// that a forged file cannot make Rampart read gigabytes.
const (
	maxFileSize = 1 << 30
	maxText     = 4 << 20 // one name, description or note
	maxRows     = 2_000_000
)

// checkSizes refuses files larger than any real model.
func checkSizes(db *sql.DB) error {
	var pages, size int64
	if err := db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if err := db.QueryRow("PRAGMA page_size").Scan(&size); err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if pages*size > maxFileSize {
		return fmt.Errorf("%w: it is larger than %d MiB", ErrNotRampartFile, maxFileSize>>20)
	}
	for _, q := range []string{
		"SELECT count(*) FROM elements", "SELECT count(*) FROM threats", "SELECT count(*) FROM element_props",
		"SELECT coalesce(max(max(length(name), length(description))), 0) FROM elements",
		"SELECT coalesce(max(max(length(description), length(justification), length(mitigation))), 0) FROM threats",
	} {
		var n int64
		if err := db.QueryRow(q).Scan(&n); err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		limit := int64(maxRows)
		if strings.Contains(q, "length") {
			limit = maxText
		}
		if n > limit {
			return fmt.Errorf("%w: it holds more than a model can (%d where at most %d)", ErrNotRampartFile, n, limit)
		}
	}
	return nil
}

// identify tells whether a file is a Rampart model and of which format
// version, reading only its header.
func identify(path string) (int, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, unwrapPathError(err))
	}
	header := make([]byte, 100)
	n, err := io.ReadFull(fh, header)
	fh.Close()
	if err != nil && n == 0 {
		return 0, fmt.Errorf("%s: %w: the file is empty", path, ErrNotRampartFile)
	}
	if n < 100 || !bytes.HasPrefix(header, []byte("SQLite format 3\x00")) {
		return 0, fmt.Errorf("%s: %w: it is not an SQLite database", path, ErrNotRampartFile)
	}
	db, err := openDB(path, true)
	if err != nil {
		return 0, fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	defer db.Close()
	var appID, version int
	if err := db.QueryRow("PRAGMA application_id").Scan(&appID); err != nil {
		return 0, fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	if appID != ApplicationID {
		return 0, fmt.Errorf("%s: %w: it is an SQLite database of another application", path, ErrNotRampartFile)
	}
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return 0, fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	if version > Version {
		return 0, fmt.Errorf("%s: %w: it needs file format %d, this Rampart reads up to %d", path, ErrNewerVersion, version, Version)
	}
	if version < 1 {
		return 0, fmt.Errorf("%s: %w: it has no format version", path, ErrCorrupt)
	}
	return version, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// openDB opens a database with one connection and the pragmas Rampart
// relies on: foreign keys, write-ahead log, full sync (a completed save
// survives a power cut), and an untrusted schema.
func openDB(path string, readOnly bool) (*sql.DB, error) {
	params := "?_foreign_keys=1&_busy_timeout=5000&_txlock=immediate"
	if readOnly {
		params += "&mode=ro"
	} else {
		params += "&_journal_mode=WAL&_synchronous=FULL"
	}
	db, err := sql.Open("sqlite3", "file:"+escapePath(path)+params)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	for _, pragma := range []string{"PRAGMA trusted_schema = OFF", "PRAGMA cell_size_check = ON"} {
		if _, err := db.Exec(pragma); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// escapePath makes a path safe inside an SQLite URI.
func escapePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
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

// backup copies a file about to be upgraded to FILE.formatN.bak.
func backup(path string, version int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("back up %s: %w", path, err)
	}
	dst := fmt.Sprintf("%s.format%d.bak", path, version)
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return fmt.Errorf("back up %s: %w", path, err)
	}
	return nil
}

// upgradedCopy copies an older file to a temporary folder and upgrades the
// copy, so reading an old file never writes to it. The caller removes dir.
func upgradedCopy(path string, version int) (db *sql.DB, dir string, err error) {
	dir, err = os.MkdirTemp("", "rampart-upgrade-*")
	if err != nil {
		return nil, "", err
	}
	data, err := os.ReadFile(path)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "model.rampart"), data, 0o600)
	}
	if err == nil {
		db, err = openDB(filepath.Join(dir, "model.rampart"), false)
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
