// Package dbtest gives each test a fresh PostGIS database cloned from a
// template that is migrated once per schema version (pgtestdb keys the
// template by migrations.Hash), so a test database costs one CREATE
// DATABASE … TEMPLATE, not a migration run.
//
// The server is PHUSONG_TEST_DATABASE_URL (a superuser URL) when set, else
// the project's private test cluster under var/pgtest, started on first use
// (test packages run as parallel processes; a file lock makes one of them
// start it and the others wait) and left running for the next run.
// There is no fallback: without a server the test fails, it never skips.
package dbtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver pgtestdb uses
	"github.com/peterldowns/pgtestdb"

	"github.com/phusong/phusong/cmd/phusong/localpg"
	"github.com/phusong/phusong/migrations"
)

// EnvURL names the variable holding a superuser URL of an existing server.
const EnvURL = "PHUSONG_TEST_DATABASE_URL"

type migrator struct{}

func (migrator) Hash() (string, error) { return migrations.Hash() }

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	_, err := migrations.Up(ctx, db)
	return err
}

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
)

// ServerURL returns the superuser URL of the test server, starting the
// private test cluster if needed.
func ServerURL() (string, error) {
	serverOnce.Do(func() {
		if u := os.Getenv(EnvURL); u != "" {
			serverURL = u
			return
		}
		serverURL, serverErr = startLocal()
	})
	return serverURL, serverErr
}

// RepoRoot returns the folder holding go.mod, found from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("dbtest: go.mod not found above the working directory")
		}
		dir = parent
	}
}

func startLocal() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	varDir := filepath.Join(root, "var")
	if err := os.MkdirAll(varDir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(varDir, "pgtest.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("dbtest: lock: %w", err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	ctx := context.Background()
	c, err := localpg.Start(ctx, filepath.Join(varDir, "pgtest"), localpg.Options{Fast: true})
	if err != nil {
		return "", err
	}
	if err := c.EnsurePostGIS(ctx, "template1"); err != nil {
		return "", err
	}
	return c.URL("postgres", localpg.Superuser), nil
}

func config(t testing.TB) pgtestdb.Config {
	t.Helper()
	raw, err := ServerURL()
	if err != nil {
		t.Fatalf("dbtest: no test database server: %v (run scripts/test.sh, or set %s)", err, EnvURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("dbtest: %s: %v", EnvURL, err)
	}
	pw, _ := u.User.Password()
	q := u.Query()
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = q.Get("port")
		if port == "" {
			port = "5432"
		}
		q.Del("port")
	}
	if pw == "" {
		pw = "unused" // trust authentication over the private socket
	}
	return pgtestdb.Config{
		DriverName:                "pgx",
		Host:                      host,
		Port:                      port,
		User:                      u.User.Username(),
		Password:                  pw,
		Database:                  "postgres",
		Options:                   q.Encode(),
		ForceTerminateConnections: true,
	}
}

// URL returns the URL of a fresh, migrated database for this test. The
// database is dropped when the test passes and kept (its URL logged) when
// it fails.
func URL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, config(t), migrator{}).URL()
}

// New returns a pool on a fresh, migrated database for this test.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}
