package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/phusong/phusong/migrations/dbtest"
)

// buildBinary builds cmd/phusong once per test binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "phusong")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func TestHelpOfEveryCommand(t *testing.T) {
	t.Parallel()
	root := rootCmd()
	var paths [][]string
	var visit func(prefix []string, cmds []*cobra.Command)
	visit = func(prefix []string, cmds []*cobra.Command) {
		for _, c := range cmds {
			if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
				continue
			}
			p := append(append([]string{}, prefix...), c.Name())
			paths = append(paths, p)
			visit(p, c.Commands())
		}
	}
	visit(nil, root.Commands())
	for _, want := range []string{"serve", "migrate up", "migrate status", "demo", "user create", "user list", "user reset-password", "user disable", "user enable"} {
		found := false
		for _, p := range paths {
			found = found || strings.Join(p, " ") == want
		}
		if !found {
			t.Errorf("no command %q", want)
		}
	}
	for _, p := range paths {
		t.Run(strings.Join(p, "_"), func(t *testing.T) {
			c := rootCmd()
			var out strings.Builder
			c.SetOut(&out)
			c.SetArgs(append(p, "--help"))
			if err := c.Execute(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "Usage:") {
				t.Fatalf("--help printed no usage: %s", out.String())
			}
		})
	}
}

// TestServeEndToEnd runs the real binary against a fresh database: it
// migrates, loads the demo accounts, serves, answers a login, and stops
// cleanly on SIGINT.
func TestServeEndToEnd(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	url := dbtest.URL(t)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--demo", "yes", "--log-format", "json", "--cookie-secure=false")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+url)
	stderr, _ := cmd.StderrPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var demo strings.Builder
	out := bufio.NewScanner(stdout)
	for !strings.Contains(demo.String(), "viettel") && out.Scan() {
		demo.WriteString(out.Text() + "\n")
	}
	go io.Copy(io.Discard, stdout)
	if !strings.Contains(demo.String(), "demo-reviewer-2026") {
		t.Fatalf("demo accounts not printed: %s", demo.String())
	}
	base := ""
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == "serving" {
			base = line["url"].(string)
			break
		}
	}
	if base == "" {
		t.Fatal("the server never said where it serves")
	}
	go io.Copy(io.Discard, stderr)
	client := &http.Client{Timeout: 10 * time.Second}
	for _, p := range []string{"/healthz", "/readyz", "/", "/metrics"} {
		resp, err := client.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", p, resp.StatusCode, body)
		}
		if p == "/metrics" && (!strings.Contains(string(body), "phusong_http_requests_total") || !strings.Contains(string(body), "pgxpool_")) {
			t.Fatalf("metrics lack request or pool series:\n%.2000s", body)
		}
	}
	resp, err := client.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"reviewer","password":"demo-reviewer-2026"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("demo login: %d", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve did not exit cleanly on SIGINT: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("serve did not stop on SIGINT")
	}
}

// TestComposeFile checks docker-compose.yml with the real client when it
// has the compose plugin, and its essentials in every case.
func TestComposeFile(t *testing.T) {
	t.Parallel()
	root, err := dbtest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"image: postgis/postgis:15-3.3", "healthcheck:", "pgdata:/var/lib/postgresql/data", "build: .", "condition: service_healthy", "DATABASE_URL:"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("docker-compose.yml lacks %q", want)
		}
	}
	if exec.Command("docker", "compose", "version").Run() == nil {
		cmd := exec.Command("docker", "compose", "-f", filepath.Join(root, "docker-compose.yml"), "config", "--quiet")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("docker compose config: %v\n%s", err, out)
		}
	}
}
