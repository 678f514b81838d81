// Package migrations holds the versioned schema of phusong: SQL files
// (NNNNN_name.sql, each naming its owning package on its first line),
// embedded in the binary and applied with goose, each in its own
// transaction, plus one Go migration that loads the reference data built
// into geo/admin.
//
// The binary refuses to run against a database whose schema is newer than
// the migrations it carries (a newer release ran against it): it would not
// know what the new columns mean.
package migrations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/phusong/phusong/geo/admin"
)

//go:embed *.sql
var FS embed.FS

// seedVersion is the Go migration that loads the reference data; it sits
// between the admin tables (00002) and the accounts (00004), which refer to provinces.
const seedVersion = 3

// ErrSchemaNewer means the database was migrated by a newer phusong.
var ErrSchemaNewer = errors.New("migrations: the database schema is newer than this binary knows")

func provider(db *sql.DB) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	seed := goose.NewGoMigration(seedVersion, &goose.GoFunc{RunTx: admin.Seed}, nil)
	p, err := goose.NewProvider(goose.DialectPostgres, db, FS,
		goose.WithSessionLocker(locker),
		goose.WithGoMigrations(seed),
		goose.WithDisableGlobalRegistry(true),
		// Migrations were written on parallel branches (00009 to 00013
		// landed out of number order on 2026-11-23); each touches its own
		// tables, so a database that has a later one applies an earlier
		// missing one rather than refusing to start.
		goose.WithAllowOutofOrder(true),
	)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Up applies every pending migration. It refuses (ErrSchemaNewer) when the
// database is ahead of this binary. Concurrent callers are serialised by
// an advisory lock, so several replicas may start at once.
func Up(ctx context.Context, db *sql.DB) (applied int, err error) {
	p, err := provider(db)
	if err != nil {
		return 0, err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrations: versions: %w", err)
	}
	if current > target {
		return 0, fmt.Errorf("%w (database at %d, binary knows up to %d)", ErrSchemaNewer, current, target)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrations: up: %w", err)
	}
	return len(res), nil
}

// UpPool is Up over a pgx pool.
func UpPool(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return Up(ctx, db)
}

// Status is the schema state of a database.
type Status struct {
	Current    int64 // highest applied version (0 for an empty database)
	Latest     int64 // highest version this binary knows
	Migrations []MigrationStatus
}

// MigrationStatus is one migration's state.
type MigrationStatus struct {
	Version int64
	Source  string // file name, or "go: reference data"
	Applied bool
}

// UpToDate reports whether every migration this binary knows is applied and
// none it does not know.
func (s Status) UpToDate() bool { return s.Current == s.Latest }

// StatusOf reads the schema state of db.
func StatusOf(ctx context.Context, db *sql.DB) (Status, error) {
	p, err := provider(db)
	if err != nil {
		return Status{}, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("migrations: status: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("migrations: versions: %w", err)
	}
	out := Status{Current: current, Latest: target}
	for _, m := range st {
		src := m.Source.Path
		if m.Source.Type == goose.TypeGo {
			src = "go: reference data from geo/admin"
		}
		out.Migrations = append(out.Migrations, MigrationStatus{Version: m.Source.Version, Source: src, Applied: m.State == goose.StateApplied})
	}
	return out, nil
}

// StatusPool is StatusOf over a pgx pool.
func StatusPool(ctx context.Context, pool *pgxpool.Pool) (Status, error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return StatusOf(ctx, db)
}

// Hash identifies the schema and reference data this binary would build:
// the SHA-256 of every migration file and the admin data version. Test
// templates are keyed by it.
func Hash() (string, error) {
	names, err := fs.Glob(FS, "*.sql")
	if err != nil {
		return "", fmt.Errorf("migrations: %w", err)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := FS.ReadFile(n)
		if err != nil {
			return "", fmt.Errorf("migrations: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", n, len(b))
		h.Write(b)
	}
	d, err := admin.Load()
	if err != nil {
		return "", fmt.Errorf("migrations: %w", err)
	}
	fmt.Fprintf(h, "admin %s\n", d.Version())
	return hex.EncodeToString(h.Sum(nil)), nil
}
