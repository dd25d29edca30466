package storage

import (
	"bytes"
	"fmt"
	"os"

	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/model"
)

// ReadAny reads a model from any file Rampart understands: a .rampart file
// or Rampart's JSON form. It only reads; nothing is written.
func ReadAny(path string) (*model.Model, error) {
	head := make([]byte, 16)
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, unwrapPathError(err))
	}
	n, _ := fh.Read(head)
	fh.Close()
	if bytes.HasPrefix(head[:n], []byte("SQLite format 3")) {
		return Load(path)
	}
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		m, err := UnmarshalJSON(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("%s: %w: Rampart reads .rampart files and Rampart JSON", path, ErrNotRampartFile)
}

// readBounded reads a whole file, refusing one larger than maxJSONSize.
func readBounded(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, unwrapPathError(err))
	}
	if st.Size() > maxJSONSize {
		return nil, fmt.Errorf("%s: too large to be a model (%d MiB)", path, st.Size()>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, unwrapPathError(err))
	}
	return data, nil
}

// Demo returns a fresh copy of the bundled demo model.
func Demo() (*model.Model, error) {
	m, err := UnmarshalJSON(assets.DemoJSON)
	if err != nil {
		return nil, fmt.Errorf("the bundled demo model: %w", err)
	}
	return m, nil
}
