package app

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// Choosing an existing file in a save dialog leaves it intact until
// something is written to it: Rampart may still refuse the target.
func TestChosenFileIsIntactUntilWritten(t *testing.T) {
	test.NewTempApp(t)
	keepChosenFilesIntact()
	path := filepath.Join(t.TempDir(), "shop.rampart")
	if err := os.WriteFile(path, []byte("a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	wc.Close()
	if data, _ := os.ReadFile(path); string(data) != "a model" {
		t.Fatalf("the chosen file became %q", data)
	}
	wc, _ = storage.Writer(storage.NewFileURI(path))
	wc.Write([]byte("new"))
	wc.Close()
	if data, _ := os.ReadFile(path); string(data) != "new" {
		t.Fatalf("a write did not replace the file: %q", data)
	}
	if ok, _ := storage.CanList(storage.NewFileURI(filepath.Dir(path))); !ok {
		t.Error("folders must still list in the dialogs")
	}
}
