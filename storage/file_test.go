package storage_test

import (
	"bytes"
	"database/sql"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/storage"
)

func TestLoadOfSaveIsTheSameModel(t *testing.T) {
	dir := t.TempDir()
	for seed := range uint64(100) {
		m := modelgen.Random(rand.New(rand.NewPCG(seed, 1)))
		path := filepath.Join(dir, "m.rampart")
		if err := storage.WriteNew(path, m); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		got, err := storage.Load(path)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !reflect.DeepEqual(m, got) {
			t.Fatalf("seed %d: loaded model differs from saved one\nsaved  %+v\nloaded %+v", seed, m, got)
		}
	}
}

// Properties are read joined by SQLite and split again: any text, with
// spaces, digits, other scripts, control characters or great length, comes
// back as it was, through both the reader and the editor's connection.
func TestPropertiesOfAnyTextComeBackAsWritten(t *testing.T) {
	m := modelgen.Random(rand.New(rand.NewPCG(7, 1)))
	var e *model.Element
	for _, el := range m.ElementList() {
		if el.Kind == model.Process {
			e = el
			break
		}
	}
	e.Props = map[string]string{
		"":          "empty key",
		"empty":     "",
		"12 34":     "5 6 78",
		"日本語":       "値 \u00e9 é",
		"nul":       "a\x00b",
		"lines":     "one\ntwo\r\n",
		"long":      strings.Repeat("ab 1", 50_000),
		"tmt:x y z": " leading and trailing ",
	}
	path := filepath.Join(t.TempDir(), "props.rampart")
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	got, err := storage.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Elements[e.ID].Props, e.Props) {
		t.Fatalf("read %q, want %q", got.Elements[e.ID].Props, e.Props)
	}
	f, opened, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !reflect.DeepEqual(opened.Elements[e.ID].Props, e.Props) {
		t.Fatalf("opened %q, want %q", opened.Elements[e.ID].Props, e.Props)
	}
}

func TestIncrementalSavesKeepTheFileEqualToTheModel(t *testing.T) {
	dir := t.TempDir()
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 2))
		m := modelgen.Random(r)
		path := filepath.Join(dir, "m.rampart")
		f, err := storage.Create(path, m)
		if err != nil {
			t.Fatal(err)
		}
		var h model.History
		for step := range 25 {
			if r.IntN(4) == 0 && h.CanUndo() {
				h.Undo(m)
			} else if err := h.Do(m, randomEdit(r, m)); err != nil {
				continue
			}
			if err := f.Save(m); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := storage.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(m, got) {
			t.Fatalf("seed %d: file differs from the model after incremental saves", seed)
		}
	}
}

// randomEdit is a small mix of edits that touch every table.
func randomEdit(r *rand.Rand, m *model.Model) model.Edit {
	els := m.ElementList()
	if len(els) == 0 || r.IntN(5) == 0 {
		return model.AddElement(modelgen.RandomElement(r, m))
	}
	e := els[r.IntN(len(els))]
	switch r.IntN(7) {
	case 0:
		return model.Rename(m, e.ID, modelgen.Text(r))
	case 1:
		return model.SetProp(m, e.ID, "custom", modelgen.Text(r))
	case 2:
		return model.DeleteElements(m, []string{e.ID})
	case 3:
		return model.SetPoints(m, e.ID, []model.Point{{X: r.Float64(), Y: 3}})
	case 4:
		t := modelgen.RandomThreat(r, e.ID, m.NextThreatNumber())
		return model.PutThreat(m, t, "threat")
	case 5:
		a := modelgen.RandomAsset(r)
		return &model.Batch{Edits: []model.Edit{model.AddAsset(a), model.SetAssets(m, e.ID, append(e.Assets, a.ID))}}
	}
	info := m.Info.Clone()
	info.Authors = append(info.Authors, modelgen.Text(r))
	return model.SetInfo(m, info)
}

func TestOpenForWritingRoundTripsAndLocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.rampart")
	m := modelgen.Random(rand.New(rand.NewPCG(1, 1)))
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	f, got, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, got) {
		t.Fatal("opened model differs")
	}
	if _, _, err := storage.Open(path); !errors.Is(err, storage.ErrInUse) {
		t.Fatalf("second writer: err = %v, want ErrInUse", err)
	}
	if _, err := storage.Load(path); err != nil {
		t.Fatalf("a reader must still be able to read: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f2, _, err := storage.Open(path)
	if err != nil {
		t.Fatalf("after close the file opens again: %v", err)
	}
	f2.Close()
	if _, err := os.Stat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Error("the lock file should be gone after close")
	}
}

func TestStaleLockFileIsTakenOver(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.rampart")
	if err := storage.WriteNew(path, model.New("x")); err != nil {
		t.Fatal(err)
	}
	// A crashed Rampart leaves its lock file behind, but not its OS lock.
	if err := os.WriteFile(path+".lock", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, err := storage.Open(path)
	if err != nil {
		t.Fatalf("stale lock: %v", err)
	}
	f.Close()
}

// refused checks that opening a file fails with the wanted error and a
// readable message, and leaves the file byte-identical. Writing a new model
// over it is refused too, unless the file is Rampart's own (newer, damaged
// or tampered with), which a new model may replace.
func refused(t *testing.T, path string, want error, wantText string, replaceable bool) {
	t.Helper()
	before, _ := os.ReadFile(path)
	_, err1 := storage.Load(path)
	_, _, err2 := storage.Open(path)
	for _, err := range []error{err1, err2} {
		if !errors.Is(err, want) {
			t.Fatalf("err = %v, want %v", err, want)
		}
		if !strings.Contains(err.Error(), wantText) {
			t.Errorf("message %q lacks %q", err, wantText)
		}
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("the refused file was modified")
	}
	if replaceable {
		return
	}
	if err := storage.WriteNew(path, model.New("x")); err == nil {
		t.Fatal("writing a model over a foreign file must be refused")
	}
	after, _ = os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("the foreign file was replaced")
	}
}

func TestForeignCorruptAndNewerFilesAreRefusedUntouched(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.rampart")
	if err := storage.WriteNew(good, modelgen.Large(100)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good)

	t.Run("text file", func(t *testing.T) {
		p := filepath.Join(dir, "notes.rampart")
		os.WriteFile(p, []byte("just some notes, not a database\n"+strings.Repeat("x", 200)), 0o644)
		refused(t, p, storage.ErrNotRampartFile, "not an SQLite database", false)
	})
	t.Run("empty file", func(t *testing.T) {
		p := filepath.Join(dir, "empty.rampart")
		os.WriteFile(p, nil, 0o644)
		refused(t, p, storage.ErrNotRampartFile, "empty", true)
	})
	t.Run("another application's database", func(t *testing.T) {
		p := filepath.Join(dir, "other.db")
		db, _ := sql.Open("sqlite3", p)
		if _, err := db.Exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		refused(t, p, storage.ErrNotRampartFile, "another application", false)
	})
	t.Run("newer format", func(t *testing.T) {
		p := filepath.Join(dir, "newer.rampart")
		os.WriteFile(p, data, 0o644)
		db, _ := sql.Open("sqlite3", p)
		db.Exec("PRAGMA user_version = 99")
		db.Close()
		refused(t, p, storage.ErrNewerVersion, "needs file format 99", true)
	})
	t.Run("truncated", func(t *testing.T) {
		p := filepath.Join(dir, "truncated.rampart")
		os.WriteFile(p, data[:len(data)/2], 0o644)
		refused(t, p, storage.ErrCorrupt, "damaged", true)
	})
	t.Run("flipped bytes", func(t *testing.T) {
		p := filepath.Join(dir, "flipped.rampart")
		bad := bytes.Clone(data)
		for i := 4096 + 100; i < len(bad); i += 97 {
			bad[i] ^= 0x5a
		}
		os.WriteFile(p, bad, 0o644)
		refused(t, p, storage.ErrCorrupt, "damaged", true)
	})
	t.Run("trigger", func(t *testing.T) {
		p := filepath.Join(dir, "trigger.rampart")
		os.WriteFile(p, data, 0o644)
		db, _ := sql.Open("sqlite3", p)
		if _, err := db.Exec("CREATE TRIGGER evil AFTER INSERT ON elements BEGIN DELETE FROM threats; END"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		refused(t, p, storage.ErrNotRampartFile, "trigger evil", true)
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := storage.Load(filepath.Join(dir, "nope.rampart"))
		if err == nil || !strings.Contains(err.Error(), "no such file") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestOlderFileIsUpgradedAfterABackup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.rampart")
	m := modelgen.Random(rand.New(rand.NewPCG(3, 3)))
	m.RuleSets = map[string]*model.RuleSet{}
	m.Trees = map[string]*model.AttackTree{}
	for _, th := range m.Threats {
		th.Confidence, th.Assumes, th.Origin = model.Confirmed, nil, ""
	}
	m.Owner, m.Reviewer, m.Source = "", "", model.Source{}
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	// Make it a format 1 file: no rule sets, trees, trail, confidence or sources yet.
	if err := storage.Downgrade(path, 1); err != nil {
		t.Fatal(err)
	}
	original, _ := os.ReadFile(path)

	got, err := storage.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, got) {
		t.Fatal("reading a format 1 file changed the model")
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, original) {
		t.Fatal("reading must not upgrade the file")
	}
	f, got, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !reflect.DeepEqual(m, got) {
		t.Fatal("upgrading changed the model")
	}
	backup, err := os.ReadFile(path + ".format1.bak")
	if err != nil || !bytes.Equal(backup, original) {
		t.Fatal("a backup of the format 1 file should be kept beside it")
	}
	got.RuleSets["kb"] = &model.RuleSet{Name: "kb", Format: model.RuleSetYAML, Data: "rules: []"}
	if err := f.Save(got); err != nil {
		t.Fatalf("the upgraded file takes rule sets: %v", err)
	}
}
