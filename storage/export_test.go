package storage

import "fmt"

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
