package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/phusong/phusong/migrations"
)

func migrateCmd(cfg *Config) *cobra.Command {
	cmd := &cobra.Command{Use: "migrate", Short: "Apply or inspect the database schema"}
	cmd.AddCommand(&cobra.Command{
		Use:   "up",
		Short: "Apply every pending migration (refuses a database newer than this binary)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := cfg.logger(os.Stderr)
			db, err := cfg.open(cmd.Context(), log, true)
			if err != nil {
				return err
			}
			defer db.Close()
			st, err := migrations.StatusPool(cmd.Context(), db.Pool)
			if err != nil {
				return err
			}
			fmt.Printf("schema at version %d (latest %d)\n", st.Current, st.Latest)
			return nil
		},
	}, &cobra.Command{
		Use:   "status",
		Short: "List the migrations and whether each is applied",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := cfg.logger(os.Stderr)
			db, err := cfg.open(cmd.Context(), log, false)
			if err != nil {
				return err
			}
			defer db.Close()
			st, err := migrations.StatusPool(cmd.Context(), db.Pool)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "VERSION\tAPPLIED\tSOURCE")
			for _, m := range st.Migrations {
				fmt.Fprintf(w, "%05d\t%v\t%s\n", m.Version, m.Applied, m.Source)
			}
			w.Flush()
			fmt.Printf("schema at version %d (latest %d)\n", st.Current, st.Latest)
			return nil
		},
	})
	return cmd
}
