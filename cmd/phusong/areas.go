package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/admin"
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
			// Changed, not eps > 0: an explicit --eps 0 is a mistake to
			// refuse, not a request for the default.
			if cmd.Flags().Changed("eps") {
				if err := area.CheckEps(eps); err != nil {
					return usageError{err}
				}
				ac.Eps = eps
			}
			if province != "" {
				ref, err := admin.Load()
				if err != nil {
					return err
				}
				if err := checkProvince(ref, province); err != nil {
					return err
				}
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
				fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\t%d\t%s\t%.0f\n", r.Province, r.Points, r.Areas, r.Sites, r.Mode, r.Regrouped, formatChanges(r.Changes), r.DurationMS)
				pts, areas, sites, regrouped = pts+r.Points, areas+r.Areas, sites+r.Sites, regrouped+r.Regrouped
			}
			fmt.Fprintf(w, "total\t%d\t%d\t%d\t\t%d\t\t\n", pts, areas, sites, regrouped)
			w.Flush()
			fmt.Printf("job %d %s (eps %.0f m)\n", job.ID, job.Status, ac.Eps)
			return err
		},
	}
	recompute.Flags().StringVar(&province, "province", "", "2-digit province code (default: every province)")
	recompute.Flags().Float64Var(&eps, "eps", area.DefaultEps, fmt.Sprintf("linking distance in metres, 1 … %d", area.MaxEps))
	recompute.Flags().BoolVar(&full, "full", false, "regroup every accepted point, not only the groups changes touch")
	cmd.AddCommand(recompute)
	return cmd
}

// changeOrder is the order the summary lists change kinds in: unchanged
// areas first, then those that kept their id, then new and removed ids.
var changeOrder = []area.ChangeKind{area.Kept, area.Grown, area.Shrunk, area.Changed, area.Merged, area.Split, area.New, area.Removed}

// formatChanges writes a province's change counts for a person, in
// changeOrder ("kept 19, new 1"); a kind not in the list comes last, by
// name, rather than being lost. "-" when nothing changed.
func formatChanges(changes map[area.ChangeKind]int) string {
	kinds := make([]area.ChangeKind, 0, len(changes))
	for k, n := range changes {
		if n != 0 {
			kinds = append(kinds, k)
		}
	}
	rank := func(k area.ChangeKind) int {
		if i := slices.Index(changeOrder, k); i >= 0 {
			return i
		}
		return len(changeOrder)
	}
	slices.SortFunc(kinds, func(a, b area.ChangeKind) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(string(a), string(b))
	})
	if len(kinds) == 0 {
		return "-"
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s %d", k, changes[k])
	}
	return strings.Join(parts, ", ")
}
