// Package localpg runs the project's private PostgreSQL + PostGIS cluster:
// the embedded default of `phusong serve` when DATABASE_URL is unset, and the
// server the test suite runs against.
//
// The cluster lives in one folder (data, socket, log) and listens only on a
// unix socket inside that folder, so it needs no free TCP port, cannot clash
// with a system PostgreSQL, and only the owner of the folder can connect
// (trust authentication over a 0700 socket directory). When started as root,
// initdb and the server run as the `postgres` system user, because
// PostgreSQL refuses to run as root.
//
// The binaries come from Debian's postgresql-15 and postgresql-15-postgis-3
// packages; scripts/install-deps.sh installs them.
package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Superuser is the cluster's bootstrap superuser.
const Superuser = "postgres"

// Port names the socket file (.s.PGSQL.5432); nothing listens on TCP.
const Port = 5432

// Cluster is a private cluster under Dir.
type Cluster struct {
	Dir     string // absolute; holds data/, run/ and postgres.log
	bin     string
	cred    *syscall.Credential // set when we run as root
	started bool                // true when this process started the server
}

// Options tune a cluster at start.
type Options struct {
	// Fast trades durability for speed (fsync off): for test clusters only.
	Fast bool
}

// BinDir returns the folder of PostgreSQL 15's server binaries.
func BinDir() (string, error) {
	for _, d := range []string{"/usr/lib/postgresql/15/bin"} {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("localpg: PostgreSQL 15 is not installed (run scripts/install-deps.sh, or set DATABASE_URL)")
}

// Installed reports whether PostgreSQL 15 and PostGIS 3 are installed.
func Installed() error {
	if _, err := BinDir(); err != nil {
		return err
	}
	if _, err := os.Stat("/usr/share/postgresql/15/extension/postgis.control"); err != nil {
		return errors.New("localpg: PostGIS for PostgreSQL 15 is not installed (run scripts/install-deps.sh, or set DATABASE_URL)")
	}
	return nil
}

// Start initialises the cluster under dir if it does not exist yet, and
// starts it unless it is already running (then it is reused, and Stop
// leaves it running). It waits until the server accepts connections.
func Start(ctx context.Context, dir string, opt Options) (*Cluster, error) {
	c, err := open(dir)
	if err != nil {
		return nil, err
	}
	if err := c.init(ctx, opt); err != nil {
		return nil, err
	}
	if c.running(ctx) {
		return c, c.waitReady(ctx)
	}
	// A postmaster.pid left by a crash makes pg_ctl refuse to start; pg_ctl
	// status above said no server runs, so it is stale.
	_ = os.Remove(filepath.Join(c.dataDir(), "postmaster.pid"))
	if out, err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.dataDir(), "-l", filepath.Join(c.Dir, "postgres.log")); err != nil {
		return nil, fmt.Errorf("localpg: pg_ctl start: %w: %s (see %s)", err, out, filepath.Join(c.Dir, "postgres.log"))
	}
	c.started = true
	return c, c.waitReady(ctx)
}

func open(dir string) (*Cluster, error) {
	if err := Installed(); err != nil {
		return nil, err
	}
	bin, _ := BinDir()
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("localpg: %w", err)
	}
	c := &Cluster{Dir: abs, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup(Superuser)
		if err != nil {
			return nil, fmt.Errorf("localpg: running as root needs the %q system user: %w", Superuser, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	return c, nil
}

func (c *Cluster) dataDir() string   { return filepath.Join(c.Dir, "data") }
func (c *Cluster) SocketDir() string { return filepath.Join(c.Dir, "run") }

func (c *Cluster) init(ctx context.Context, opt Options) error {
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err == nil {
		return nil
	}
	// Parents must let the postgres user reach the cluster folder.
	if err := os.MkdirAll(filepath.Dir(c.Dir), 0o755); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	for _, d := range []string{c.Dir, c.dataDir(), c.SocketDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("localpg: %w", err)
		}
		if c.cred != nil {
			if err := os.Chown(d, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				return fmt.Errorf("localpg: %w", err)
			}
		}
	}
	if out, err := c.run(ctx, "initdb", "-D", c.dataDir(), "-U", Superuser, "--auth=trust",
		"-E", "UTF8", "--locale=C.UTF-8", "--lc-collate=C", "--no-instructions"); err != nil {
		return fmt.Errorf("localpg: initdb: %w: %s", err, out)
	}
	conf := fmt.Sprintf(`
# written by phusong localpg
listen_addresses = ''
unix_socket_directories = '%s'
unix_socket_permissions = 0700
port = %d
max_connections = 200
shared_buffers = 256MB
work_mem = 32MB
maintenance_work_mem = 256MB
logging_collector = off
`, c.SocketDir(), Port)
	if opt.Fast {
		conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
	}
	f, err := os.OpenFile(filepath.Join(c.dataDir(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(conf); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	return nil
}

func (c *Cluster) running(ctx context.Context) bool {
	_, err := c.run(ctx, "pg_ctl", "status", "-D", c.dataDir())
	return err == nil
}

func (c *Cluster) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, c.URL("postgres", Superuser))
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("localpg: server did not accept connections: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// URL returns a connection URL for database db as role user over the socket.
func (c *Cluster) URL(db, user string) string {
	q := url.Values{"host": {c.SocketDir()}, "port": {strconv.Itoa(Port)}, "sslmode": {"disable"}}
	return (&url.URL{Scheme: "postgres", User: url.User(user), Path: "/" + db, RawQuery: q.Encode()}).String()
}

// EnsureDatabase creates role (LOGIN, NOSUPERUSER) and database db owned by
// it, with PostGIS installed by the superuser, unless they exist. The
// application then never needs superuser rights.
func (c *Cluster) EnsureDatabase(ctx context.Context, db, role string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres", Superuser))
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE ROLE `+pgx.Identifier{role}.Sanitize()+` LOGIN NOSUPERUSER NOCREATEROLE CREATEDB`); err != nil {
			return fmt.Errorf("localpg: create role: %w", err)
		}
	}
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, db).Scan(&exists); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{db}.Sanitize()+` OWNER `+pgx.Identifier{role}.Sanitize()); err != nil {
			return fmt.Errorf("localpg: create database: %w", err)
		}
	}
	return c.EnsurePostGIS(ctx, db)
}

// EnsurePostGIS installs PostGIS in database db as the superuser. In
// template1, every database created afterwards has it, so a
// non-superuser role never needs to create it.
func (c *Cluster) EnsurePostGIS(ctx context.Context, db string) error {
	conn, err := pgx.Connect(ctx, c.URL(db, Superuser))
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS postgis`); err != nil {
		return fmt.Errorf("localpg: create extension postgis in %s: %w", db, err)
	}
	return nil
}

// StopDir stops the cluster under dir if it runs; it never starts one.
func StopDir(ctx context.Context, dir string) error {
	c, err := open(dir)
	if err != nil {
		return err
	}
	if !c.running(ctx) {
		return nil
	}
	return c.ForceStop()
}

// Started reports whether this process started the server (and so Stop
// will stop it).
func (c *Cluster) Started() bool { return c.started }

// Stop stops the server if this process started it.
func (c *Cluster) Stop() error {
	if !c.started {
		return nil
	}
	return c.ForceStop()
}

// ForceStop stops the server whoever started it ("fast": open sessions are
// rolled back).
func (c *Cluster) ForceStop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if out, err := c.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", c.dataDir()); err != nil {
		return fmt.Errorf("localpg: pg_ctl stop: %w: %s", err, out)
	}
	c.started = false
	return nil
}

// Restart starts a server stopped by ForceStop.
func (c *Cluster) Restart(ctx context.Context) error {
	if out, err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.dataDir(), "-l", filepath.Join(c.Dir, "postgres.log")); err != nil {
		return fmt.Errorf("localpg: pg_ctl start: %w: %s", err, out)
	}
	c.started = true
	return c.waitReady(ctx)
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = "/"
	// Own process group: a Ctrl-C in the terminal reaches phusong, which
	// then stops the server in order, instead of killing postgres directly.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if c.cred != nil {
		cmd.SysProcAttr.Credential = c.cred
		cmd.Env = append(os.Environ(), "HOME=/var/lib/postgresql")
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}
