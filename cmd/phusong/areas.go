package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/area"
)

func areasCmd(cfg *Config) *cobra.Command {
	cmd := &cobra.Command{Use: "areas", Short: "Group accepted survey points into dead-zone areas"}
	var province string
	var eps float64
	recompute := &cobra.Command{
		Use:   "recompute [--province NN] [--eps 2000]",
		Short: "Regroup one province or all, keeping area ids stable, and print a summary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ac, err := area.DefaultConfig()
			if err != nil {
				return err
			}
			if eps > 0 {
				ac.Eps = eps
			}
			log := cfg.logger(os.Stderr)
			db, err := cfg.open(cmd.Context(), log, true)
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := phusong.WithActor(cmd.Context(), phusong.System)
			st := area.NewStore(db.Pool)
			job, err := st.StartJob(ctx, province, ac)
			if err != nil {
				return err
			}
			bar := progressbar.NewOptions(job.Total, progressbar.OptionSetDescription("provinces"),
				progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetVisibility(term.IsTerminal(int(os.Stderr.Fd()))))
			job, err = st.RunJob(ctx, job, ac, func(done, total int) { _ = bar.Set(done) })
			_ = bar.Finish()
			w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "PROVINCE\tPOINTS\tAREAS\tSITES\tCHANGES\tMS")
			var pts, areas, sites int
			for _, r := range job.Results {
				fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%v\t%.0f\n", r.Province, r.Points, r.Areas, r.Sites, r.Changes, r.DurationMS)
				pts, areas, sites = pts+r.Points, areas+r.Areas, sites+r.Sites
			}
			fmt.Fprintf(w, "total\t%d\t%d\t%d\t\t\n", pts, areas, sites)
			w.Flush()
			fmt.Printf("job %d %s (eps %.0f m)\n", job.ID, job.Status, ac.Eps)
			return err
		},
	}
	recompute.Flags().StringVar(&province, "province", "", "2-digit province code (default: every province)")
	recompute.Flags().Float64Var(&eps, "eps", 0, "linking distance in metres (default 2000)")
	cmd.AddCommand(recompute)
	return cmd
}
