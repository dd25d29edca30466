package app

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/storage/repository"

	"github.com/rampart-tm/rampart/app/ospath"
)

// Fyne's save dialog opens the chosen file for writing, truncating it,
// before its callback runs. Rampart writes every file through a temporary
// one renamed into place (storage.WriteFile, storage.Create), and refuses
// some targets (a model open elsewhere, a model a report must not
// replace): by then the dialog would already have emptied the file. So
// the file scheme's writer is made lazy: it creates or truncates the file
// only when something is written to it.
//
// The dialog also joins whatever is typed in its name field to the folder
// on screen, so "/tmp/shop.rampart" or "D:\models\shop.rampart" became a
// file of that name inside that folder. The file scheme's Child takes a
// name that is a path of its own as that path (see ospath.Typed).

// fileRepository is what Fyne's own file repository implements.
type fileRepository interface {
	repository.AppendableRepository
	repository.HierarchicalRepository
	repository.ListableRepository
	repository.CopyableRepository
	repository.MovableRepository
}

// lazyWriteRepository is the file repository with a lazy Writer.
type lazyWriteRepository struct{ fileRepository }

// Writer returns a writer that touches the file at its first write.
func (r lazyWriteRepository) Writer(u fyne.URI) (fyne.URIWriteCloser, error) {
	return &lazyWriter{uri: u}, nil
}

// Child is the file name within the folder u, or the path name when the
// user typed one.
func (r lazyWriteRepository) Child(u fyne.URI, name string) (fyne.URI, error) {
	sys := ospath.Current()
	if p, ok := sys.Typed(sys.Native(u.Path()), name); ok {
		return storage.NewFileURI(p), nil
	}
	return r.fileRepository.Child(u, name)
}

// keepChosenFilesIntact installs the lazy writer and the Child above for
// file URIs. It runs after the driver registered its repository.
func keepChosenFilesIntact() {
	r, err := repository.ForScheme("file")
	if err != nil {
		return
	}
	switch r := r.(type) {
	case lazyWriteRepository:
	case fileRepository:
		repository.Register("file", lazyWriteRepository{r})
	}
}

type lazyWriter struct {
	uri fyne.URI
	f   *os.File
}

func (w *lazyWriter) URI() fyne.URI { return w.uri }

func (w *lazyWriter) Write(p []byte) (int, error) {
	if w.f == nil {
		f, err := os.Create(ospath.Current().Native(w.uri.Path()))
		if err != nil {
			return 0, err
		}
		w.f = f
	}
	return w.f.Write(p)
}

func (w *lazyWriter) Close() error {
	if w.f == nil {
		return nil
	}
	return w.f.Close()
}
