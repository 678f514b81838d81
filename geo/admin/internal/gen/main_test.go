package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedDataIsCurrent regenerates the embedded files from shared/data
// and compares them byte for byte with the committed ones: a change to the
// generator or the sources without `go generate ./geo/admin` fails here.
func TestCommittedDataIsCurrent(t *testing.T) {
	out := t.TempDir()
	if err := run("../../../../../shared/data", out, io.Discard); err != nil {
		t.Fatal(err)
	}
	generated, err := filepath.Glob(filepath.Join(out, "*"))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := filepath.Glob("../../data/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(generated) != len(committed) || len(generated) == 0 {
		t.Errorf("generated %d files, %d committed", len(generated), len(committed))
	}
	for _, g := range generated {
		name := filepath.Base(g)
		want, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("../../data", name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("data/%s differs from what the generator writes now: run go generate ./geo/admin", name)
		}
	}
}

func TestNFC(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Xã  Mỹ Lộc ", "Xã Mỹ Lộc"},
		{"Ho\u0300a", "Hòa"},                   // decomposed grave → precomposed
		{"Thu\u0309y", "Thủy"},                 // decomposed hook above
		{"Kha\u0301nh Ho\u0300a", "Khánh Hòa"}, // tone placement itself is kept
	}
	for _, tc := range tests {
		if got := nfc(tc.in); got != tc.want {
			t.Errorf("nfc(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
