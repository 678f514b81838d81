package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phusong/phusong/migrations/dbtest"
)

// TestPackagesCLI: the demo publishes one Lai Châu package; `packages
// list` shows it, `packages export` writes its stored files, each matching
// the manifest, and `packages publish` of an unchanged package fails with
// the reason.
func TestPackagesCLI(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	env := append(os.Environ(), "DATABASE_URL="+dbtest.URL(t))
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("demo"); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, err := run("packages", "list")
	if err != nil || !strings.Contains(out, "published") || !strings.Contains(out, "draft") || !strings.Contains(out, "Gói thầu Lai Châu") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	var id string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 3 && f[2] == "published" {
			id = f[0]
		}
	}
	dir := t.TempDir()
	if out, err := run("packages", "export", id, "--out", dir); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Files []struct{ Name, SHA256 string }
	}
	if err := json.Unmarshal(b, &m); err != nil || len(m.Files) < 8 {
		t.Fatalf("manifest: %v %s", err, b)
	}
	for _, f := range m.Files {
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("%s does not match the manifest", f.Name)
		}
	}
	// A folder that holds files (another package's, say) is refused
	// unless --force, which replaces the files of the same name.
	if out, err := run("packages", "export", id, "--out", dir); err == nil || !strings.Contains(out, "is not empty") || !strings.Contains(out, "--force") {
		t.Fatalf("export into a non-empty folder: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run("packages", "export", id, "--out", dir, "--force"); err != nil {
		t.Fatalf("export --force: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err != nil || !strings.Contains(string(b), `"files"`) {
		t.Fatalf("export --force left the old manifest: %v %s", err, b)
	}
	// Errors of the store read in both languages.
	if out, err := run("packages", "publish", id); err == nil || !strings.Contains(out, "has not changed") || !strings.Contains(out, "không thay đổi gì") {
		t.Fatalf("publish unchanged: %v\n%s", err, out)
	}
	if out, err := run("packages", "export", "999", "--out", t.TempDir()); err == nil || !strings.Contains(out, "not published") {
		t.Fatalf("export unknown: %v\n%s", err, out)
	}
}
