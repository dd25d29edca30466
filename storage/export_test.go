package storage

import (
	"fmt"
	"regexp"
)

// LimitPages caps the file's size at its current size plus extra pages,
// so a test can make a save run out of space as on a full disk.
func LimitPages(f *File, extra int) error {
	var n int
	if err := f.db.QueryRow("PRAGMA page_count").Scan(&n); err != nil {
		return err
	}
	_, err := f.db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", n+extra))
	return err
}

// Downgrade turns a current file into one of an older format, by dropping
// the tables later migrations created, so tests can open old files.
func Downgrade(path string, version int) error {
	db, err := openDB(path, modeWrite)
	if err != nil {
		return err
	}
	defer db.Close()
	for v := len(migrations) - 1; v >= version; v-- {
		for _, name := range createdTables.FindAllStringSubmatch(migrations[v], -1) {
			if _, err := db.Exec("DROP TABLE " + name[1]); err != nil {
				return err
			}
		}
		for _, col := range addedColumns.FindAllStringSubmatch(migrations[v], -1) {
			if _, err := db.Exec("ALTER TABLE " + col[1] + " DROP COLUMN " + col[2]); err != nil {
				return err
			}
		}
	}
	_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", version))
	return err
}

var (
	createdTables = regexp.MustCompile(`CREATE TABLE (\w+)`)
	addedColumns  = regexp.MustCompile(`ALTER TABLE (\w+) ADD COLUMN (\w+)`)
)
