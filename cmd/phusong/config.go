package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/phusong/phusong/cmd/phusong/localpg"
	"github.com/phusong/phusong/migrations"
)

// Config is every setting of the binary, from flags and environment.
type Config struct {
	DatabaseURL  string // DATABASE_URL; empty: run the private PostGIS under DataDir/pg
	DataDir      string // PHUSONG_DATA_DIR, default ./var
	Addr         string // PHUSONG_ADDR, default 127.0.0.1:8080
	LogFormat    string // PHUSONG_LOG_FORMAT: auto | json | text
	LogLevel     string // PHUSONG_LOG_LEVEL: debug | info | warn | error
	BodyLimitMB  int    // PHUSONG_BODY_LIMIT_MB, default 64
	MaxRows      int    // PHUSONG_MAX_ROWS, default 200000 rows per HTTP upload
	CookieSecure bool   // PHUSONG_COOKIE_SECURE, default true
	Demo         string // PHUSONG_DEMO: auto | yes | no (serve)
	TileCacheMB  int    // PHUSONG_TILE_CACHE_MB, default 64; 0 turns the cache of encoded tiles off (serve)

	// requestPath: the pool serves HTTP requests (serve), so its sessions
	// run with parallel query off.
	requestPath bool

	PublicDashboard    bool   // PHUSONG_PUBLIC_DASHBOARD, default false: anonymous visitors read the national figures
	BasemapURL         string // PHUSONG_BASEMAP_URL: raster tiles ({z}/{x}/{y}) under the map; empty: none
	BasemapAttribution string // PHUSONG_BASEMAP_ATTRIBUTION: the credit the basemap's licence asks for
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v, ok := os.LookupEnv(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func envBool(name string, def bool) bool {
	if v, ok := os.LookupEnv(name); ok {
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return def
}

func (c *Config) bindCommon(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL+PostGIS URL; empty runs the project's own PostGIS under --data-dir (env DATABASE_URL)")
	f.StringVar(&c.DataDir, "data-dir", env("PHUSONG_DATA_DIR", "var"), "folder for the private PostGIS cluster and other state (env PHUSONG_DATA_DIR)")
	f.StringVar(&c.LogFormat, "log-format", env("PHUSONG_LOG_FORMAT", "auto"), "auto (text on a terminal, else JSON), json or text (env PHUSONG_LOG_FORMAT)")
	f.StringVar(&c.LogLevel, "log-level", env("PHUSONG_LOG_LEVEL", "info"), "debug, info, warn or error (env PHUSONG_LOG_LEVEL)")
}

func (c *Config) logger(w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	format := c.LogFormat
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// database is an open pool and, in embedded mode, the private cluster.
type database struct {
	Pool    *pgxpool.Pool
	Cluster *localpg.Cluster // nil with DATABASE_URL
}

// Close closes the pool and stops the cluster if this process started it.
func (d *database) Close() error {
	d.Pool.Close()
	if d.Cluster != nil {
		return d.Cluster.Stop()
	}
	return nil
}

// open connects to DATABASE_URL, or starts (or reuses) the private
// cluster; then it applies pending migrations unless migrate is false.
func (c *Config) open(ctx context.Context, log *slog.Logger, migrate bool) (*database, error) {
	d := &database{}
	url := c.DatabaseURL
	if url == "" {
		dir := filepath.Join(c.DataDir, "pg")
		cl, err := localpg.Start(ctx, dir, localpg.Options{})
		if err != nil {
			return nil, err
		}
		logCluster(log, cl.Started(), cl.Dir)
		d.Cluster = cl
		if err := cl.EnsureDatabase(ctx, "phusong", "phusong"); err != nil {
			_ = cl.Stop()
			return nil, err
		}
		url = cl.URL("phusong", "phusong")
	}
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", redact(err))
	}
	pcfg.MaxConns = 20
	if c.requestPath {
		// Request-path queries are small: on this hardware a parallel plan
		// costs 40–50 ms to start before any work (measured 5–60× slower
		// on tile and page queries). Set per session, at connect, so it
		// costs no round trip; CLI batch commands keep the default.
		pcfg.ConnConfig.RuntimeParams["max_parallel_workers_per_gather"] = "0"
		// pgx prepares every statement; after five runs PostgreSQL may keep
		// a generic plan, blind to the bbox and limit: a page of 100 points
		// in a dense box then sorted 92,000 rows (180 ms) instead of walking
		// the primary key (1.6 ms). Planning each run costs ~0.1 ms.
		pcfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	d.Pool = pool
	if migrate {
		n, err := migrations.UpPool(ctx, pool)
		if err != nil {
			_ = d.Close()
			return nil, err
		}
		if n > 0 {
			log.Info("migrations applied", "count", n)
		}
	} else {
		st, err := migrations.StatusPool(ctx, pool)
		if err != nil {
			_ = d.Close()
			return nil, err
		}
		if st.Current > st.Latest {
			_ = d.Close()
			return nil, fmt.Errorf("%w (database at %d, binary knows up to %d)", migrations.ErrSchemaNewer, st.Current, st.Latest)
		}
	}
	return d, nil
}

// logCluster says which PostGIS a command uses. Only starting one is news
// (it takes seconds, and Close stops it again); reusing the one a running
// server started is said at debug level, not on every command.
func logCluster(log *slog.Logger, started bool, dir string) {
	if started {
		log.Info("started the project's own PostGIS", "dir", dir)
		return
	}
	log.Debug("using the project's PostGIS (already running)", "dir", dir)
}

// redact keeps a password in DATABASE_URL out of error messages.
func redact(err error) error {
	s := err.Error()
	if i := strings.Index(s, "://"); i >= 0 {
		if j := strings.Index(s[i:], "@"); j >= 0 {
			s = s[:i+3] + "…" + s[i+j:]
		}
	}
	return fmt.Errorf("%s", s)
}
