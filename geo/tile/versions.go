package tile

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Data layers with a version in tile_versions. Sites share the areas
// version: a regrouping writes both.
const (
	versionPoints = "points"
	versionAreas  = "areas"
	// versionPackages moves with every package.* audit row
	// (migrations/00013_tile_packages.sql).
	versionPackages = "packages"
)

// Versions holds the data versions of tile_versions in memory, so that a
// tile served from cache costs no query. Sync reads the table (70 rows);
// Listen keeps it current from pg_notify.
type Versions struct {
	pool *pgxpool.Pool
	mu   sync.RWMutex
	v    map[string]map[string]int64 // layer → province → version
	ok   bool                        // synced at least once
}

// NewVersions returns an empty Versions; call Sync before use.
func NewVersions(pool *pgxpool.Pool) *Versions {
	return &Versions{pool: pool, v: map[string]map[string]int64{}}
}

// Sync reads every version from the database. The API calls it after a
// write it served, so the writer's next tile shows the write even before
// the notification arrives.
func (vs *Versions) Sync(ctx context.Context) error {
	rows, err := vs.pool.Query(ctx, `SELECT layer, province_code, version FROM tile_versions`)
	if err != nil {
		return fmt.Errorf("tile: versions: %w", err)
	}
	next := map[string]map[string]int64{}
	var layer, province string
	var version int64
	_, err = pgx.ForEachRow(rows, []any{&layer, &province, &version}, func() error {
		if next[layer] == nil {
			next[layer] = map[string]int64{}
		}
		next[layer][province] = version
		return nil
	})
	if err != nil {
		return fmt.Errorf("tile: versions: %w", err)
	}
	vs.mu.Lock()
	vs.v, vs.ok = next, true
	vs.mu.Unlock()
	return nil
}

// ensure syncs once if nothing has yet.
func (vs *Versions) ensure(ctx context.Context) error {
	vs.mu.RLock()
	ok := vs.ok
	vs.mu.RUnlock()
	if ok {
		return nil
	}
	return vs.Sync(ctx)
}

// Of returns the version of a province's layer (0 when unknown).
func (vs *Versions) Of(layer, province string) int64 {
	vs.mu.RLock()
	defer vs.mu.RUnlock()
	return vs.v[layer][province]
}

// Max returns the largest version of layer among provinces (versions
// come from one sequence, so the largest moves whenever any of them does).
func (vs *Versions) Max(layer string, provinces []string) int64 {
	vs.mu.RLock()
	defer vs.mu.RUnlock()
	var m int64
	for _, p := range provinces {
		m = max(m, vs.v[layer][p])
	}
	return m
}

// Listen follows pg_notify('tile_versions') on a connection of its own
// (outside the pool, so it never holds a pool slot) and syncs on every
// notification, until ctx ends. A broken connection is reopened after a
// pause, with a full Sync, so a missed notification costs at most that
// pause. It returns ctx.Err().
func (vs *Versions) Listen(ctx context.Context) error {
	for {
		err := vs.listenOnce(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		_ = err // the next round reconnects and syncs
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

func (vs *Versions) listenOnce(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, vs.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN tile_versions`); err != nil {
		return err
	}
	// Changes between the last sync and LISTEN would be missed otherwise.
	if err := vs.Sync(ctx); err != nil {
		return err
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		if err := vs.Sync(ctx); err != nil {
			return err
		}
	}
}
