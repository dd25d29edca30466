package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampart-tm/rampart/app/cli"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// asCLI makes the test binary act as rampart, for git to run as its merge
// and diff driver.
const asCLI = "RAMPART_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		os.Exit(cli.Run(os.Args[1:], func(string) error { return nil }, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// repo is a git repository in a temporary folder.
type repo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *repo {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &repo{t, t.TempDir()}
	r.git("init", "-q", "-b", "main")
	r.git("config", "user.name", "Ana Architect")
	r.git("config", "user.email", "ana@example.com")
	return r
}

// run runs a command in the repository; ok false tolerates a failure.
func (r *repo) run(ok bool, name string, args ...string) (string, error) {
	r.t.Helper()
	c := exec.Command(name, args...)
	c.Dir = r.dir
	c.Env = append(os.Environ(), asCLI+"=1", "GIT_CONFIG_NOSYSTEM=1", "HOME="+r.dir)
	out, err := c.CombinedOutput()
	if err != nil && ok {
		r.t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out), err
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	out, _ := r.run(true, "git", args...)
	return out
}

// edit changes the model file as the editor does: one edit, saved with
// its entry in the audit trail.
func (r *repo) edit(name, author string, make func(m *model.Model) model.Edit) {
	r.t.Helper()
	f, m, err := storage.Open(filepath.Join(r.dir, name))
	if err != nil {
		r.t.Fatal(err)
	}
	e := make(m)
	if err := e.Apply(m); err != nil {
		r.t.Fatal(err)
	}
	if err := f.Save(m, model.Change{At: time.Now(), Author: author, Action: e.String(), Subjects: model.Subjects(e)}); err != nil {
		r.t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) commit(msg string) { r.t.Helper(); r.git("commit", "-qam", msg) }

func (r *repo) load(name string) *model.Model {
	r.t.Helper()
	m, err := storage.Load(filepath.Join(r.dir, name))
	if err != nil {
		r.t.Fatal(err)
	}
	return m
}

// setUp writes the demo model, runs git-setup and commits both.
func setUp(t *testing.T) *repo {
	r := newRepo(t)
	demo, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.WriteNew(filepath.Join(r.dir, "shop.rampart"), demo); err != nil {
		t.Fatal(err)
	}
	out, _ := r.run(true, os.Args[0], "git-setup")
	if !strings.Contains(out, "*.rampart merge=rampart diff=rampart") {
		t.Errorf("git-setup said %q", out)
	}
	if again, _ := r.run(true, os.Args[0], "git-setup"); !strings.Contains(again, "already") {
		t.Errorf("a second git-setup said %q", again)
	}
	attrs, _ := os.ReadFile(filepath.Join(r.dir, ".gitattributes"))
	if strings.Count(string(attrs), "*.rampart merge=rampart diff=rampart") != 1 {
		t.Errorf(".gitattributes = %q", attrs)
	}
	r.git("add", ".")
	r.git("commit", "-qm", "the shop's threat model")
	return r
}

func TestGitMergeOfModelEditedOnTwoBranches(t *testing.T) {
	r := setUp(t)
	r.git("checkout", "-qb", "payments")
	r.edit("shop.rampart", "Ben", func(m *model.Model) model.Edit { return model.SetProp(m, "payments", "authentication", "mtls") })
	r.commit("payments: mTLS")
	r.git("checkout", "-q", "main")
	r.edit("shop.rampart", "Ana", func(m *model.Model) model.Edit { return model.Rename(m, "catalog-svc", "Product catalog") })
	r.commit("rename the catalog")

	if out, err := r.run(false, "git", "merge", "-q", "--no-edit", "payments"); err != nil {
		t.Fatalf("git merge failed: %v\n%s", err, out)
	}
	m := r.load("shop.rampart")
	if m.Elements["catalog-svc"].Name != "Product catalog" || m.Elements["payments"].Prop("authentication") != "mtls" {
		t.Errorf("merged model lost a side: %q, %q", m.Elements["catalog-svc"].Name, m.Elements["payments"].Prop("authentication"))
	}
	if len(m.Conflicts) != 0 {
		t.Errorf("conflicts: %v", m.ConflictList())
	}
	trail, err := storage.History(filepath.Join(r.dir, "shop.rampart"))
	if err != nil {
		t.Fatal(err)
	}
	var authors []string
	for _, c := range trail {
		authors = append(authors, c.Author)
	}
	if last := trail[len(trail)-1].Action; last != "merged two versions of shop.rampart" {
		t.Errorf("the trail records the merge as %q", last)
	}
	if got := strings.Join(authors, ","); !strings.Contains(got, "Ben,Ana,") {
		t.Errorf("trail authors = %s, want both sides in time order, then the merge", got)
	}

	// git diff reads the model as JSON.
	diff := r.git("diff", "HEAD~1", "HEAD", "--", "shop.rampart")
	if !strings.Contains(diff, `"authentication": "mtls"`) || strings.Contains(diff, "Binary files") {
		t.Errorf("git diff of the merge:\n%s", diff)
	}
}

func TestGitMergeConflictIsKeptForTheEditor(t *testing.T) {
	r := setUp(t)
	r.git("checkout", "-qb", "theirs")
	r.edit("shop.rampart", "Ben", func(m *model.Model) model.Edit { return model.Rename(m, "catalog-svc", "Catalogue") })
	r.commit("catalogue")
	r.git("checkout", "-q", "main")
	r.edit("shop.rampart", "Ana", func(m *model.Model) model.Edit { return model.Rename(m, "catalog-svc", "Product catalog") })
	r.commit("product catalog")

	out, err := r.run(false, "git", "merge", "--no-edit", "theirs")
	if err == nil {
		t.Fatalf("git merge should stop on the conflict:\n%s", out)
	}
	if !strings.Contains(out, `ours "Product catalog", theirs "Catalogue"`) || !strings.Contains(out, "shop.rampart: 1 conflict(s), 1 choice(s)") {
		t.Errorf("git merge said:\n%s", out)
	}
	if st := r.git("status", "--porcelain"); !strings.Contains(st, "UU shop.rampart") {
		t.Errorf("git status = %q", st)
	}
	m := r.load("shop.rampart")
	c := m.Conflicts[model.ConflictID("element", "catalog-svc", "name")]
	if c == nil || c.Ours != "Product catalog" || c.Theirs != "Catalogue" || c.Base != "Catalog service" {
		t.Fatalf("conflict in the file = %+v", c)
	}
	if m.Elements["catalog-svc"].Name != "Product catalog" {
		t.Errorf("the merged file holds %q until resolved", m.Elements["catalog-svc"].Name)
	}
}

func TestGitMergeOfJSONModels(t *testing.T) {
	r := newRepo(t)
	demo, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	write := func(m *model.Model) {
		data, err := storage.MarshalJSON(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(r.dir, "shop.rampart.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(demo)
	r.run(true, os.Args[0], "git-setup")
	r.git("add", ".")
	r.git("commit", "-qm", "model")
	r.git("checkout", "-qb", "theirs")
	theirs := demo.Clone()
	_ = model.SetProp(theirs, "catalog-svc", "authentication", "oauth2").Apply(theirs)
	write(theirs)
	r.commit("theirs")
	r.git("checkout", "-q", "main")
	ours := demo.Clone()
	_ = model.SetProp(ours, "catalog-svc", "rate_limited", "true").Apply(ours)
	write(ours)
	r.commit("ours")
	if out, err := r.run(false, "git", "merge", "-q", "--no-edit", "theirs"); err != nil {
		t.Fatalf("git merge failed: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(filepath.Join(r.dir, "shop.rampart.json"))
	m, err := storage.UnmarshalJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if e := m.Elements["catalog-svc"]; e.Prop("authentication") != "oauth2" || e.Prop("rate_limited") != "true" {
		t.Errorf("merged properties = %v", e.Props)
	}
}

// Both branches add the same model file: git passes an empty BASE.
func TestGitMergeOfAModelBothBranchesAdded(t *testing.T) {
	r := newRepo(t)
	r.run(true, os.Args[0], "git-setup")
	r.git("add", ".")
	r.git("commit", "-qm", "setup")
	add := func(branch, extra string) {
		r.git("checkout", "-q", "-b", branch, "main")
		demo, err := storage.Demo()
		if err != nil {
			t.Fatal(err)
		}
		_ = model.AddElement(&model.Element{ID: model.NewID(), Kind: model.Process, Diagram: demo.Root().ID, Name: extra,
			X: 2000, Y: 100, W: 120, H: 60}).Apply(demo)
		if err := storage.WriteNew(filepath.Join(r.dir, "shop.rampart"), demo); err != nil {
			t.Fatal(err)
		}
		r.git("add", ".")
		r.git("commit", "-qm", branch)
	}
	add("a", "Fraud scoring")
	add("b", "Loyalty points")
	out, err := r.run(false, "git", "merge", "--no-edit", "a")
	m := r.load("shop.rampart")
	if named(m, "Fraud scoring") == nil || named(m, "Loyalty points") == nil {
		t.Fatalf("git merge (%v): %s; merged model lacks a side's element", err, out)
	}
	if strings.Contains(out, ".merge_file") {
		t.Errorf("messages name git's temporary files: %s", out)
	}
}
