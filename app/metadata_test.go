package app

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/assets"
)

// FyneApp.toml is the one place that names Rampart's ID, icon and
// migrations (and, for the build, its version): what the app tells Fyne
// when no fyne tool built it must agree.
func TestMetadataAgreesWithFyneAppToml(t *testing.T) {
	data, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	field := func(name string) string {
		m := regexp.MustCompile(`(?m)^` + name + ` *= *"?([^"\n]*)"?`).FindSubmatch(data)
		if m == nil {
			t.Fatalf("FyneApp.toml has no %s", name)
		}
		return string(m[1])
	}
	meta := metadata()
	if field("ID") != meta.ID || field("Name") != meta.Name || field("fyneDo") != "true" || !meta.Migrations["fyneDo"] {
		t.Errorf("metadata %+v disagrees with FyneApp.toml", meta)
	}
	icon, err := os.ReadFile("../" + field("Icon"))
	if err != nil || !bytes.Equal(icon, assets.Icon) {
		t.Errorf("the icon FyneApp.toml names is not the one built in (%v)", err)
	}
	if meta.Version != assets.Version {
		t.Errorf("metadata version %q, built %q", meta.Version, assets.Version)
	}
}

// The licence About names is the one in LICENSE.
func TestLicenceIsTheOneShipped(t *testing.T) {
	data, err := os.ReadFile("../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(strings.Fields(string(data[:200])), " ")
	if !strings.HasPrefix(head, "Apache License Version 2.0") || assets.Licence != "Apache License 2.0" {
		t.Errorf("LICENSE begins %q, About says %q", head, assets.Licence)
	}
}
