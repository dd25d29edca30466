package storage

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// dbMode is how a database file is opened.
type dbMode int

const (
	// modeWrite is an editor's connection: write-ahead log, full sync.
	modeWrite dbMode = iota
	// modeRead reads a file whose write-ahead log it shares with a writer.
	modeRead
	// modeImmutable reads a file that has no unmerged log: SQLite takes no
	// locks and creates nothing beside it, so read-only folders and file
	// systems work.
	modeImmutable
)

// openDB opens a database with one connection and the pragmas Rampart
// relies on: foreign keys, write-ahead log, full sync (a completed save
// survives a power cut), and an untrusted schema.
func openDB(path string, mode dbMode) (*sql.DB, error) {
	params := "?_foreign_keys=1&_busy_timeout=5000&_txlock=immediate"
	switch mode {
	case modeWrite:
		params += "&_journal_mode=WAL&_synchronous=FULL"
	case modeRead:
		params += "&mode=ro"
	case modeImmutable:
		params += "&mode=ro&immutable=1"
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

// roFile is a model file opened for reading only.
type roFile struct {
	db  *sql.DB
	tmp string // the folder of a private copy, removed on close
	// fixed is the path of a file opened immutable, which more
	// connections may read at once; empty otherwise.
	fixed string
}

func (r *roFile) Close() {
	r.db.Close()
	if r.tmp != "" {
		os.RemoveAll(r.tmp)
	}
}

// openReadOnly opens a model file for reading without writing to it or
// leaving anything beside it (no -wal, no -shm, no lock), so read-only
// commands work on read-only folders and file systems and in folders of
// other users.
func openReadOnly(path string) (*roFile, error) {
	if shm, err := os.OpenFile(path+"-shm", os.O_RDWR, 0); err == nil {
		// An editor has the file open (or left its log and index behind):
		// read through them as another connection would, in a snapshot
		// its saves cannot tear, even while its log is empty.
		shm.Close()
		db, err := openDB(path, modeRead)
		if err != nil {
			return nil, openFailure(path, err)
		}
		return &roFile{db: db}, nil
	}
	wal, err := os.Stat(path + "-wal")
	if err != nil || wal.Size() == 0 {
		// No unmerged log and nobody writing: the file alone holds the
		// whole model.
		db, err := openDB(path, modeImmutable)
		if err != nil {
			return nil, openFailure(path, err)
		}
		return &roFile{db: db, fixed: path}, nil
	}
	// A log left by an editor that did not close, without an index we may
	// share: read a private copy of the file and its log.
	return privateCopy(path)
}

// privateCopy copies a model file and its write-ahead log to a private
// temporary folder and opens the copy.
func privateCopy(path string) (*roFile, error) {
	dir, err := os.MkdirTemp("", "rampart-read-*")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	dst := filepath.Join(dir, "model.rampart")
	err = copyFile(path, dst)
	if err == nil {
		err = copyFile(path+"-wal", dst+"-wal")
	}
	var db *sql.DB
	if err == nil {
		db, err = openDB(dst, modeWrite)
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, openFailure(path, err)
	}
	return &roFile{db: db, tmp: dir}, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// openFailure says why SQLite could not read a file. Only damage is called
// damage: a file another process holds, or one we may not read, is not.
func openFailure(path string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return inUse(path)
		case sqlite3.ErrCantOpen, sqlite3.ErrPerm, sqlite3.ErrReadonly, sqlite3.ErrAuth, sqlite3.ErrIoErr, sqlite3.ErrNomem:
			return fmt.Errorf("%s cannot be read: %v", path, err)
		}
	}
	return fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
}

// checkHeader tells whether a file starts as an SQLite database does,
// reading only its first bytes.
func checkHeader(path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, unwrapPathError(err))
	}
	header := make([]byte, 100)
	n, err := io.ReadFull(fh, header)
	fh.Close()
	if err != nil && n == 0 {
		return fmt.Errorf("%s: %w: the file is empty", path, ErrNotRampartFile)
	}
	if n < 100 || !bytes.HasPrefix(header, []byte("SQLite format 3\x00")) {
		return fmt.Errorf("%s: %w: it is not an SQLite database", path, ErrNotRampartFile)
	}
	return nil
}

// identify tells whether a file is a Rampart model and of which format
// version.
func identify(path string) (int, error) { return withReadOnly(path, identifyDB) }

// withReadOnly runs a look at a database file opened for reading only,
// once its header says it is one.
func withReadOnly(path string, look func(string, *sql.DB) (int, error)) (int, error) {
	if err := checkHeader(path); err != nil {
		return 0, err
	}
	r, err := openReadOnly(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	return look(path, r.db)
}

// identifyDB reads a database's application id and format version.
func identifyDB(path string, db *sql.DB) (int, error) {
	var appID, version int
	if err := db.QueryRow("PRAGMA application_id").Scan(&appID); err != nil {
		return 0, openFailure(path, err)
	}
	if appID != ApplicationID {
		return 0, fmt.Errorf("%s: %w: it is an SQLite database of another application", path, ErrNotRampartFile)
	}
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return 0, openFailure(path, err)
	}
	if version > Version {
		return 0, fmt.Errorf("%s: %w: it needs file format %d, this Rampart reads up to %d", path, ErrNewerVersion, version, Version)
	}
	if version < 1 {
		return 0, fmt.Errorf("%s: %w: it has no format version", path, ErrCorrupt)
	}
	return version, nil
}

// check looks at a file before anything is written to it: it must be an
// SQLite database with Rampart's application id, a format version this
// Rampart reads, no triggers or views, and pass SQLite's integrity check.
// It returns the file's format version.
func check(path string) (int, error) { return withReadOnly(path, checkDB) }

// checkDB is check on an open database.
func checkDB(path string, db *sql.DB) (int, error) {
	version, err := identifyDB(path, db)
	if err != nil {
		return 0, err
	}
	if err := checkShape(path, db); err != nil {
		return 0, err
	}
	return version, checkIntegrity(path, db)
}

// checkIntegrity runs SQLite's integrity check, the part of check that
// reads every page.
func checkIntegrity(path string, db *sql.DB) error {
	var problems []string
	rows, err := db.Query("PRAGMA integrity_check(5)")
	if err != nil {
		return openFailure(path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return openFailure(path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return openFailure(path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %w: %s", path, ErrCorrupt, strings.Join(problems, "; "))
	}
	return nil
}

// checkShape refuses a file that holds more than a model can, or triggers
// or views: the quick part of check, which bounds what reading it costs.
func checkShape(path string, db *sql.DB) error {
	if err := checkSizes(db); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var extra string
	err := db.QueryRow("SELECT type || ' ' || name FROM sqlite_master WHERE type IN ('trigger', 'view') LIMIT 1").Scan(&extra)
	if err == nil {
		return fmt.Errorf("%s: %w: it contains a %s that Rampart does not define", path, ErrNotRampartFile, extra)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return openFailure(path, err)
	}
	return nil
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

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
