package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api/auth"
)

// demoAccount is one account the demo creates; the passwords are printed
// and documented, so the demo must never be loaded into a real deployment
// (serve loads it only into the project's own database unless told to).
type demoAccount struct {
	auth.NewUser
	what string
}

var demoAccounts = []demoAccount{
	{auth.NewUser{Username: "admin", FullName: "Quản trị hệ thống", Password: "demo-admin-2026", Role: phusong.RoleAdmin}, "administrator"},
	{auth.NewUser{Username: "reviewer", FullName: "Cục Viễn thông — thẩm định", Password: "demo-reviewer-2026", Role: phusong.RoleReviewer}, "reviewer, national"},
	{auth.NewUser{Username: "laichau", FullName: "Sở KH&CN Lai Châu", Password: "demo-laichau-2026", Role: phusong.RoleProvince, ProvinceCode: "12"}, "province officer, Lai Châu (12)"},
	{auth.NewUser{Username: "tuyenquang", FullName: "Sở KH&CN Tuyên Quang", Password: "demo-tuyenquang-2026", Role: phusong.RoleProvince, ProvinceCode: "08"}, "province officer, Tuyên Quang (08)"},
	{auth.NewUser{Username: "viettel", FullName: "Viettel — phòng đấu thầu", Password: "demo-viettel-2026", Role: phusong.RoleOperator, Operator: "viettel"}, "operator, Viettel"},
}

func demoCmd(cfg *Config) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Load the demo accounts (idempotent) and print them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := cfg.logger(os.Stderr)
			db, err := cfg.open(cmd.Context(), log, true)
			if err != nil {
				return err
			}
			defer db.Close()
			accounts, err := loadDemo(cmd.Context(), db.Pool, true)
			if err != nil {
				return err
			}
			printDemo(os.Stdout, accounts)
			return nil
		},
	}
}

// loadDemo creates the demo accounts that do not exist yet. With force
// false it does nothing unless the database has no accounts at all, so a
// second run of serve keeps what users changed.
func loadDemo(ctx context.Context, pool *pgxpool.Pool, force bool) ([]demoAccount, error) {
	st := auth.NewStore(pool)
	if !force {
		users, err := st.Users(ctx)
		if err != nil {
			return nil, err
		}
		if len(users) > 0 {
			return demoAccounts, nil
		}
	}
	ctx = phusong.WithActor(ctx, phusong.System)
	for _, a := range demoAccounts {
		if _, err := st.CreateUser(ctx, a.NewUser); err != nil && !errors.Is(err, phusong.ErrConflict) {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	return demoAccounts, nil
}

func printDemo(w io.Writer, accounts []demoAccount) {
	fmt.Fprintln(w, "Demo accounts (for trying phusong out; change or disable them before real use):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  USERNAME\tPASSWORD\tROLE")
	for _, a := range accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Username, a.Password, a.what)
	}
	tw.Flush()
}
