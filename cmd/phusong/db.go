package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/phusong/phusong/cmd/phusong/localpg"
)

// dbCmd manages the private cluster by hand; scripts/test.sh uses it.
func dbCmd(cfg *Config) *cobra.Command {
	var fast, test bool
	dir := func() string {
		if test {
			return filepath.Join(cfg.DataDir, "pgtest")
		}
		return filepath.Join(cfg.DataDir, "pg")
	}
	cmd := &cobra.Command{Use: "db", Short: "Start or stop the project's own PostGIS cluster"}
	cmd.PersistentFlags().BoolVar(&test, "test", false, "the test cluster (var/pgtest) instead of the service's (var/pg)")
	start := &cobra.Command{
		Use:   "start",
		Short: "Start the cluster (created on first use) and print its superuser URL",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := localpg.Start(cmd.Context(), dir(), localpg.Options{Fast: fast || test})
			if err != nil {
				return err
			}
			if test {
				if err := c.EnsurePostGIS(cmd.Context(), "template1"); err != nil {
					return err
				}
			}
			fmt.Println(c.URL("postgres", localpg.Superuser))
			return nil
		},
	}
	start.Flags().BoolVar(&fast, "fast", false, "fsync off (throw-away data only)")
	stop := &cobra.Command{
		Use:   "stop",
		Short: "Stop the cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return localpg.StopDir(cmd.Context(), dir())
		},
	}
	cmd.AddCommand(start, stop)
	return cmd
}
