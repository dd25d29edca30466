package storage

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"unicode/utf8"

	"github.com/rampart-tm/rampart/storage/otm"
	"github.com/rampart-tm/rampart/storage/threagile"
	"github.com/rampart-tm/rampart/storage/threatdragon"
	"github.com/rampart-tm/rampart/storage/tmt"
)

// WriteFile writes a file whole or not at all: write fills a temporary
// file in the same folder, which is synced and renamed over path only when
// write succeeded, and the folder is synced so the rename survives a power
// cut. On any failure (a full disk among them) the file that was at path
// is left as it was. A replaced file keeps its mode; a new one is 0644.
func WriteFile(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPathError(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			if errors.Is(err, syscall.ENOSPC) {
				err = fmt.Errorf("write %s: the disk is full; %s is left as it was", path, filepath.Base(path))
			}
		}
	}()
	buf := bufio.NewWriterSize(tmp, 1<<16)
	if err = write(buf); err != nil {
		return err
	}
	if err = buf.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPathError(err))
	}
	return syncDir(dir)
}

// Format is what a command writes, for CheckOutput.
type Format int

const (
	// FormatOther is a report, a picture or a table: never a model.
	FormatOther Format = iota
	// FormatRampart is a .rampart file.
	FormatRampart
	// FormatRampartJSON is Rampart's canonical JSON.
	FormatRampartJSON
	// FormatThreatDragon is a Threat Dragon model.
	FormatThreatDragon
	// FormatOTM is an Open Threat Model, in JSON or YAML.
	FormatOTM
)

// CheckOutput refuses an output that would destroy a model: one of the
// command's own inputs, or an existing model of another form than the one
// written (a report over a .rampart file, a Threat Dragon export over
// Rampart's JSON). Replacing a model with a model of its own form is what
// import, demo and export exist for, and is allowed.
func CheckOutput(out string, format Format, inputs ...string) error {
	if out == "-" || out == "" {
		return nil
	}
	st, err := os.Stat(out)
	if err != nil {
		return nil // nothing there yet
	}
	for _, in := range inputs {
		if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
			return fmt.Errorf("will not write over %s: it is the command's own input; choose another output", out)
		}
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a folder; name the file to write", out)
	}
	existing := formatOf(out)
	if existing == FormatOther || existing == format {
		return nil
	}
	return fmt.Errorf("will not write over %s: it is %s; choose another output, or remove it first if it is no longer needed",
		out, existing.describe())
}

func (f Format) describe() string {
	switch f {
	case FormatRampart:
		return "a Rampart model"
	case FormatRampartJSON:
		return "a Rampart model in JSON"
	case FormatThreatDragon:
		return "a Threat Dragon model"
	case FormatOTM:
		return "an Open Threat Model"
	}
	return "a model of another tool"
}

// formatOtherModel is a model of a tool Rampart only reads (a .tm7).
const formatOtherModel Format = -1

// formatOf tells which kind of model a file holds, if any.
func formatOf(path string) Format {
	if checkHeader(path) == nil {
		if _, err := identify(path); err == nil || errors.Is(err, ErrNewerVersion) {
			return FormatRampart
		}
		return FormatOther
	}
	if !startsLikeText(path) {
		return FormatOther // a PDF or a picture: not worth reading whole
	}
	data, err := readBounded(path)
	if err != nil {
		return FormatOther
	}
	switch {
	case IsRampartJSON(data):
		return FormatRampartJSON
	case threatdragon.Is(data):
		return FormatThreatDragon
	case tmt.IsModel(data), threagile.Is(data):
		return formatOtherModel
	case otm.Is(data):
		return FormatOTM
	}
	return FormatOther
}

// startsLikeText tells whether a file could be another tool's model: its
// first non-blank byte opens JSON or XML, or it starts as YAML does (text,
// no control characters), the forms those models take.
func startsLikeText(path string) bool {
	fh, err := os.Open(path)
	if err != nil {
		return false
	}
	defer fh.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(fh, head)
	head = bytes.TrimLeft(head[:n], " \t\r\n\xef\xbb\xbf")
	if len(head) == 0 || bytes.HasPrefix(head, []byte("%PDF")) {
		return false
	}
	if head[0] == '{' || head[0] == '<' {
		return true
	}
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
			return false // binary: a picture or an archive
		}
	}
	return utf8.Valid(head[:max(0, len(head)-3)])
}

// FormatOf tells which kind of model a file holds: FormatRampart,
// FormatRampartJSON, FormatThreatDragon, FormatOTM, or FormatOther.
func FormatOf(path string) Format {
	if f := formatOf(path); f != formatOtherModel {
		return f
	}
	return FormatOther
}
