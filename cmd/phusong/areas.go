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
	var full bool
	recompute := &cobra.Command{
		Use:   "recompute [--province NN] [--eps 2000] [--full]",
		Short: "Regroup one province or all, keeping area ids stable, and print a summary",
		Long: `Regroup the accepted survey points of one province or all into areas, keeping area ids stable,
and print a summary. By default only the groups that points changed since the last recomputation
touch are rebuilt (the result is the same); a province recomputed with other parameters, or never,
is regrouped in full. --full regroups every accepted point.`,
		Args: cobra.NoArgs,
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
			job.Full = full
			bar := progressbar.NewOptions(job.Total, progressbar.OptionSetDescription("provinces"),
				progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetVisibility(term.IsTerminal(int(os.Stderr.Fd()))))
			job, err = st.RunJob(ctx, job, ac, func(done, total int) { _ = bar.Set(done) })
			_ = bar.Finish()
			w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "PROVINCE\tPOINTS\tAREAS\tSITES\tMODE\tREGROUPED\tCHANGES\tMS")
			var pts, areas, sites, regrouped int
			for _, r := range job.Results {
				fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\t%d\t%v\t%.0f\n", r.Province, r.Points, r.Areas, r.Sites, r.Mode, r.Regrouped, r.Changes, r.DurationMS)
				pts, areas, sites, regrouped = pts+r.Points, areas+r.Areas, sites+r.Sites, regrouped+r.Regrouped
			}
			fmt.Fprintf(w, "total\t%d\t%d\t%d\t\t%d\t\t\n", pts, areas, sites, regrouped)
			w.Flush()
			fmt.Printf("job %d %s (eps %.0f m)\n", job.ID, job.Status, ac.Eps)
			return err
		},
	}
	recompute.Flags().StringVar(&province, "province", "", "2-digit province code (default: every province)")
	recompute.Flags().Float64Var(&eps, "eps", 0, "linking distance in metres (default 2000)")
	recompute.Flags().BoolVar(&full, "full", false, "regroup every accepted point, not only the groups changes touch")
	cmd.AddCommand(recompute)
	return cmd
}
