package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/IBM/pgxpoolprometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/api/auth"
	"github.com/phusong/phusong/bids"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/survey"
	"github.com/phusong/phusong/geo/tile"
	"github.com/phusong/phusong/migrations"
)

func serveCmd(cfg *Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API and the web page",
		Long: `Serve the API and the web page.

With no DATABASE_URL, phusong starts its own PostGIS cluster under --data-dir
(installed from Debian's postgresql-15-postgis-3), applies the migrations,
loads the demo accounts on first run, and stops the cluster on Ctrl-C.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return serve(cmd.Context(), cfg) },
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", env("PHUSONG_ADDR", "127.0.0.1:8080"), "listen address (env PHUSONG_ADDR)")
	f.IntVar(&cfg.BodyLimitMB, "body-limit-mb", envInt("PHUSONG_BODY_LIMIT_MB", 64), "largest request body in MB; larger gets 413 (env PHUSONG_BODY_LIMIT_MB)")
	f.IntVar(&cfg.MaxRows, "max-rows", envInt("PHUSONG_MAX_ROWS", 200000), "most rows in one uploaded file (env PHUSONG_MAX_ROWS)")
	f.BoolVar(&cfg.CookieSecure, "cookie-secure", envBool("PHUSONG_COOKIE_SECURE", true), "mark the session cookie Secure (env PHUSONG_COOKIE_SECURE)")
	f.IntVar(&cfg.TileCacheMB, "tile-cache-mb", envInt("PHUSONG_TILE_CACHE_MB", 64), "memory for encoded map tiles in MB; 0 turns the cache off (env PHUSONG_TILE_CACHE_MB)")
	f.StringVar(&cfg.Demo, "demo", env("PHUSONG_DEMO", "auto"), "load demo accounts and data: auto (only into the project's own, empty database), yes, no (env PHUSONG_DEMO)")
	f.BoolVar(&cfg.PublicDashboard, "public-dashboard", envBool("PHUSONG_PUBLIC_DASHBOARD", false), "let anonymous visitors read the national dashboard: aggregates, no coordinates (env PHUSONG_PUBLIC_DASHBOARD)")
	f.StringVar(&cfg.BasemapURL, "basemap-url", env("PHUSONG_BASEMAP_URL", ""), "raster tiles drawn under the map, e.g. https://tiles.example/{z}/{x}/{y}.png; empty: none, the map needs no internet (env PHUSONG_BASEMAP_URL)")
	f.StringVar(&cfg.BasemapAttribution, "basemap-attribution", env("PHUSONG_BASEMAP_ATTRIBUTION", ""), "credit shown for the basemap (env PHUSONG_BASEMAP_ATTRIBUTION)")
	return cmd
}

func serve(ctx context.Context, cfg *Config) error {
	log := cfg.logger(os.Stderr)
	ref, err := admin.Load()
	if err != nil {
		return err
	}
	cfg.requestPath = true
	db, err := cfg.open(ctx, log, true)
	if err != nil {
		return err
	}
	defer func() {
		ours := db.Cluster != nil && db.Cluster.Started()
		if err := db.Close(); err != nil {
			log.Error("stopping the database", "error", err)
		} else if ours {
			log.Info("database stopped")
		}
	}()
	if cfg.Demo == "yes" || (cfg.Demo == "auto" && db.Cluster != nil) {
		accounts, err := loadDemo(ctx, db.Pool, cfg.Demo == "yes")
		if err != nil {
			return err
		}
		printDemo(os.Stdout, accounts)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		pgxpoolprometheus.NewCollector(db.Pool, map[string]string{"db": "phusong"}))
	tiles := tile.NewStore(db.Pool, ref, tile.NewVersions(db.Pool), tile.Options{CacheBytes: cfg.TileCacheMB << 20})
	if err := tiles.Sync(ctx); err != nil {
		return err
	}
	listenCtx, stopListen := context.WithCancel(ctx)
	defer stopListen()
	go tiles.Listen(listenCtx) //nolint:errcheck // returns only when the server stops
	// The first map view after a start should not wait for its provinces'
	// snapshots; a failure here only means the first request builds them.
	go func() {
		start := time.Now()
		if err := tiles.Warm(listenCtx); err != nil && listenCtx.Err() == nil {
			log.Warn("tile snapshots not warmed", "err", err)
			return
		}
		log.Info("tile snapshots warmed", "duration_ms", time.Since(start).Milliseconds())
	}()
	app := api.New(api.Deps{
		Tiles:           tiles,
		Pool:            db.Pool,
		Auth:            auth.NewStore(db.Pool),
		Survey:          survey.NewStore(db.Pool),
		Areas:           area.NewStore(db.Pool),
		Bids:            bids.NewStore(db.Pool),
		MaxRows:         cfg.MaxRows,
		Admin:           ref,
		Log:             log,
		Registry:        reg,
		BodyLimit:       cfg.BodyLimitMB << 20,
		CookieSecure:    cfg.CookieSecure,
		PublicDashboard: cfg.PublicDashboard,
		Basemap:         api.Basemap{URL: cfg.BasemapURL, Attribution: cfg.BasemapAttribution},
		Ready: func(ctx context.Context) error {
			st, err := migrations.StatusPool(ctx, db.Pool)
			if err != nil {
				return err
			}
			if !st.UpToDate() {
				return fmt.Errorf("schema at %d, binary expects %d", st.Current, st.Latest)
			}
			return nil
		},
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	log.Info("serving", "url", "http://"+displayAddr(ln.Addr().String()))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := app.ShutdownWithTimeout(15 * time.Second); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("shutdown", "error", err)
	}
	return nil
}

func displayAddr(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return a
	}
	if host == "127.0.0.1" || host == "::" || host == "0.0.0.0" || host == "" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
