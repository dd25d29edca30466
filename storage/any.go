package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/threatdragon"
	"github.com/rampart-tm/rampart/storage/tmt"
)

// ReadAny reads a model from any file Rampart understands; see Import.
func ReadAny(path string) (*model.Model, error) {
	m, _, err := Import(path)
	return m, err
}

// Import reads a model from any file Rampart understands: a .rampart file,
// Rampart's JSON form, a Threat Dragon (v1 or v2) model or a Microsoft
// Threat Modeling Tool model (.tm7). It only reads; nothing is written.
// Warnings say what another tool's model had that Rampart left out, and
// what was cut or moved to keep the model within bounds (model.Bound).
func Import(path string) (*model.Model, []string, error) {
	head := make([]byte, 16)
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, unwrapPathError(err))
	}
	n, _ := fh.Read(head)
	fh.Close()
	if bytes.HasPrefix(head[:n], []byte("SQLite format 3")) {
		return loadNoted(path)
	}
	data, err := readBounded(path)
	if err != nil {
		return nil, nil, err
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf")
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")) && IsRampartJSON(data):
		m, notes, err := unmarshalJSON(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		return m, notes, nil
	case bytes.HasPrefix(trimmed, []byte("{")) && threatdragon.Is(data):
		m, warnings, err := threatdragon.Read(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		nameAfterFile(m, path, "Threat Dragon model")
		fromTool(m, "Threat Dragon", path, data, warnings)
		return m, warnings, nil
	case bytes.HasPrefix(trimmed, []byte("<")) && tmt.IsModel(data):
		m, warnings, err := tmt.ReadModel(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		nameAfterFile(m, path, "Threat Modeling Tool model")
		fromTool(m, "Microsoft Threat Modeling Tool", path, data, warnings)
		return m, warnings, nil
	}
	return nil, nil, fmt.Errorf("%s: %w: Rampart reads .rampart files, Rampart JSON, Threat Dragon JSON and Microsoft TMT .tm7 models",
		path, ErrNotRampartFile)
}

// fromTool records where a model read from another tool came from: the
// tool, the file and its SHA-256, and what the importer said. The import
// date is set by whoever keeps the model (the import command), so that
// reading the same file twice gives the same model.
func fromTool(m *model.Model, tool, path string, data []byte, notes []string) {
	sum := sha256.Sum256(data)
	m.Source = model.Source{Tool: tool, File: filepath.Base(path), SHA256: hex.EncodeToString(sum[:]), Notes: notes}
}

// nameAfterFile names a model that its tool left unnamed after its file.
func nameAfterFile(m *model.Model, path, placeholder string) {
	if m.Name == placeholder {
		m.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
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
