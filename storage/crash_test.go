package storage_test

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/storage"
)

// TestHelperEditor is the child process of the kill test: it edits and
// saves a model in a loop, saying on stdout the hash of each state before
// it saves it ("pending") and after the save returned ("saved").
func TestHelperEditor(t *testing.T) {
	path := os.Getenv("RAMPART_CRASH_FILE")
	if path == "" {
		t.Skip("run by TestCrashSafetyUnderKill")
	}
	f, m, err := storage.Open(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	seed, _ := strconv.Atoi(os.Getenv("RAMPART_CRASH_SEED"))
	r := rand.New(rand.NewPCG(uint64(seed), 11))
	for {
		if err := randomEdit(r, m).Apply(m); err != nil {
			continue
		}
		hash, _ := storage.Hash(m)
		fmt.Println("pending", hash)
		if err := f.Save(m); err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		fmt.Println("saved", hash)
	}
}

// TestCrashSafetyUnderKill kills an editing process at random moments
// (20 times, or RAMPART_KILLS) and checks after each kill that the file
// opens, passes SQLite's integrity check, and holds exactly one state that
// had been committed (or the one being committed when the kill came).
func TestCrashSafetyUnderKill(t *testing.T) {
	kills := 20
	if n, err := strconv.Atoi(os.Getenv("RAMPART_KILLS")); err == nil {
		kills = n
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "crash.rampart")
	m := modelgen.Random(rand.New(rand.NewPCG(1, 1)))
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	current, _ := storage.Hash(m)
	r := rand.New(rand.NewPCG(2, 2))
	totalSaves := 0
	for kill := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperEditor$")
		cmd.Env = append(os.Environ(), "RAMPART_CRASH_FILE="+path, fmt.Sprintf("RAMPART_CRASH_SEED=%d", kill))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		allowed := map[string]bool{current: true}
		pending, saves := "", 0
		done := make(chan struct{})
		firstSave := make(chan struct{}, 1)
		go func() {
			defer close(done)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				word, hash, _ := strings.Cut(sc.Text(), " ")
				mu.Lock()
				switch word {
				case "pending":
					pending = hash
				case "saved":
					allowed[hash] = true
					saves++
					select {
					case firstSave <- struct{}{}:
					default:
					}
				case "error":
					t.Errorf("child: %s", hash)
				}
				mu.Unlock()
			}
		}()
		// Kill at a random moment once the child is saving (however slow
		// the machine is to start it).
		select {
		case <-firstSave:
		case <-time.After(10 * time.Second):
		}
		time.Sleep(time.Duration(r.IntN(120)) * time.Millisecond)
		cmd.Process.Kill() // SIGKILL: no chance to clean up
		cmd.Wait()
		<-done
		mu.Lock()
		if pending != "" {
			allowed[pending] = true // killed while committing: either state is right
		}
		totalSaves += saves
		mu.Unlock()

		f, got, err := storage.Open(path)
		if err != nil {
			t.Fatalf("kill %d: the file does not open: %v", kill, err)
		}
		f.Close()
		if _, err := storage.Load(path); err != nil {
			t.Fatalf("kill %d: integrity check: %v", kill, err)
		}
		hash, _ := storage.Hash(got)
		if !allowed[hash] {
			t.Fatalf("kill %d: the file holds a state that was never committed", kill)
		}
		current = hash
	}
	t.Logf("%d kills, %d saves committed before them", kills, totalSaves)
	if totalSaves == 0 {
		t.Fatal("the child never saved: the test proves nothing")
	}
}

func TestDiskFullKeepsTheLastState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "full.rampart")
	m := modelgen.Random(rand.New(rand.NewPCG(4, 4)))
	f, err := storage.Create(path, m)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before := m.Clone()
	if err := storage.LimitPages(f, 2); err != nil {
		t.Fatal(err)
	}
	big := m.Clone()
	for i := range 400 {
		id := fmt.Sprintf("big-%d", i)
		big.Elements[id] = &model.Element{ID: id, Kind: model.Process, Diagram: model.RootDiagramID,
			Name: strings.Repeat("x", 500), Description: strings.Repeat("y", 2000)}
	}
	err = f.Save(big)
	if !errors.Is(err, storage.ErrDiskFull) || !strings.Contains(err.Error(), "the disk is full") {
		t.Fatalf("err = %v, want a disk-full message", err)
	}
	got, err := storage.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, got) {
		t.Fatal("a failed save changed the file")
	}
	// The next save with room works, from the state the file really has.
	if err := f.Save(before); err != nil {
		t.Fatalf("saving the previous state again: %v", err)
	}
}
