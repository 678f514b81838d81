package web_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/phusong/phusong/web/internal/bundle"
)

// TestDistIsBuilt rebuilds the page from src/ and node_modules into a
// temporary folder and compares it with the committed dist/: a change to
// src/ or to package-lock.json without `go generate ./web` fails here.
func TestDistIsBuilt(t *testing.T) {
	t.Parallel()
	requireBrowser(t) // the same node_modules as the browser test
	out := t.TempDir()
	if err := bundle.Build(".", out); err != nil {
		t.Fatal(err)
	}
	list := func(dir string) []string {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}
	want, got := list(out), list("dist")
	if !slices.Equal(want, got) {
		t.Fatalf("dist/ holds %v, a fresh build %v: run go generate ./web", got, want)
	}
	for _, name := range want {
		a, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join("dist", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("dist/%s differs from a fresh build: run go generate ./web", name)
		}
	}
}
