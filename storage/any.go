package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/otm"
	"github.com/rampart-tm/rampart/storage/threagile"
	"github.com/rampart-tm/rampart/storage/threatdragon"
	"github.com/rampart-tm/rampart/storage/tmt"
)

// ReadAny reads a model from any file Rampart understands; see Import.
func ReadAny(path string) (*model.Model, error) {
	m, _, err := Import(path)
	return m, err
}

// Import reads a model from any file Rampart understands; see ImportFile.
func Import(path string) (*model.Model, []string, error) {
	in, err := ImportFile(path)
	if err != nil {
		return nil, nil, err
	}
	return in.Model, in.Notes, nil
}

// Imported is a model read from a file, with what the reading noted.
type Imported struct {
	Model *model.Model
	// Notes say what another tool's model had that Rampart left out, and
	// what was cut or moved to keep the model within bounds (model.Bound).
	Notes []string
	// Unplaced lists the diagrams the file gave no drawing of: Rampart
	// drew each trust boundary around what it holds, and a layout program
	// may draw them better.
	Unplaced []string
}

// ImportFile reads a model from any file Rampart understands: a .rampart
// file, Rampart's JSON form, a Threat Dragon (v1 or v2) model, a Microsoft
// Threat Modeling Tool model (.tm7), an Open Threat Model (JSON or YAML)
// or a Threagile model (YAML). It only reads; nothing is written.
func ImportFile(path string) (*Imported, error) {
	if st, err := os.Stat(path); err == nil && st.Mode()&(os.ModeNamedPipe|os.ModeCharDevice) != 0 {
		return importStream(path)
	}
	head := make([]byte, 16)
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, unwrapPathError(err))
	}
	n, _ := fh.Read(head)
	fh.Close()
	if bytes.HasPrefix(head[:n], []byte("SQLite format 3")) {
		m, notes, err := loadNoted(path)
		if err != nil {
			return nil, err
		}
		return &Imported{Model: m, Notes: notes}, nil
	}
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf")
	in := &Imported{}
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")) && IsRampartJSON(data):
		in.Model, in.Notes, err = unmarshalJSON(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return in, nil
	case bytes.HasPrefix(trimmed, []byte("{")) && threatdragon.Is(data):
		in.Model, in.Notes, err = threatdragon.Read(data)
		if err == nil {
			nameAfterFile(in.Model, path, "Threat Dragon model")
			fromTool(in.Model, "Threat Dragon", path, data, in.Notes)
		}
	case bytes.HasPrefix(trimmed, []byte("<")) && tmt.IsModel(data):
		in.Model, in.Notes, err = tmt.ReadModel(data)
		if err == nil {
			nameAfterFile(in.Model, path, "Threat Modeling Tool model")
			fromTool(in.Model, "Microsoft Threat Modeling Tool", path, data, in.Notes)
		}
	case otm.Is(data):
		in.Model, in.Notes, in.Unplaced, err = otm.Read(data)
		if err == nil {
			nameAfterFile(in.Model, path, "Open Threat Model")
			fromTool(in.Model, otm.Tool, path, data, in.Notes)
		}
	case threagile.Is(data):
		in.Model, in.Notes, in.Unplaced, err = threagile.Read(data)
		if err == nil {
			nameAfterFile(in.Model, path, "Threagile model")
			fromTool(in.Model, threagile.Tool, path, data, in.Notes)
		}
	default:
		return nil, fmt.Errorf("%s: %w: Rampart reads .rampart files, Rampart JSON, Threat Dragon JSON, Microsoft TMT .tm7, "+
			"Open Threat Model (JSON or YAML) and Threagile YAML models", path, ErrNotRampartFile)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
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

// importStream reads a model from a pipe (`rampart diff <(git show
// HEAD~1:shop.rampart) shop.rampart`): SQLite and the importers read
// files, so it goes through a temporary copy first.
func importStream(path string) (*Imported, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, unwrapPathError(err))
	}
	defer fh.Close()
	dir, err := os.MkdirTemp("", "rampart-stream-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "model")
	out, err := os.Create(tmp)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(out, io.LimitReader(fh, maxJSONSize+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", path, err)
	case n > maxJSONSize:
		return nil, fmt.Errorf("%s: too large to be a model", path)
	}
	in, err := ImportFile(tmp)
	if err != nil {
		return nil, errors.New(strings.ReplaceAll(err.Error(), tmp, path))
	}
	return in, nil
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
