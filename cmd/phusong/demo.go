package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api/auth"
	"github.com/phusong/phusong/bids"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/area"
	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/survey"
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
		Short: "Load the demo accounts and survey submissions (idempotent) and print the accounts",
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
	sys := phusong.WithActor(ctx, phusong.System)
	for _, a := range demoAccounts {
		if _, err := st.CreateUser(sys, a.NewUser); err != nil && !errors.Is(err, phusong.ErrConflict) {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	if err := loadDemoSurveys(ctx, pool, st); err != nil {
		return nil, err
	}
	if err := loadDemoPackages(ctx, pool, st); err != nil {
		return nil, err
	}
	return demoAccounts, nil
}

//go:embed demodata/*.csv
var demoData embed.FS

// loadDemoSurveys submits the demo survey files (synthetic villages of
// the shared generator, in Lai Châu and Tuyên Quang) as their provinces'
// officers would, through the same reader and store as an upload; the
// reviewer accepts Lai Châu's and leaves Tuyên Quang's waiting. It does
// nothing when a province already has submissions.
func loadDemoSurveys(ctx context.Context, pool *pgxpool.Pool, st *auth.Store) error {
	ref, err := admin.Load()
	if err != nil {
		return err
	}
	store := survey.NewStore(pool)
	for _, d := range []struct{ user, province, file string }{
		{"laichau", "12", "demodata/survey_12.csv"},
		{"tuyenquang", "08", "demodata/survey_08.csv"},
	} {
		u, err := st.UserByName(ctx, d.user)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		actx := phusong.WithActor(ctx, u.Actor())
		if subs, err := store.Submissions(actx, survey.SubmissionFilter{Limit: 1}); err != nil || len(subs) > 0 {
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			continue
		}
		f, err := demoData.Open(d.file)
		if err != nil {
			return err
		}
		sub, err := store.Submit(actx, survey.NewSubmission{ProvinceCode: d.province, Filename: path.Base(d.file)},
			intake.NewSource(actx, f, ref, intake.Options{Province: d.province}).Read)
		f.Close()
		if err != nil {
			return fmt.Errorf("demo: submit %s: %w", d.file, err)
		}
		if d.province == "12" {
			rev, err := st.UserByName(ctx, "reviewer")
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if _, err := store.Decide(phusong.WithActor(ctx, rev.Actor()), sub.ID, survey.Decision{Status: survey.StatusAccepted}); err != nil {
				return fmt.Errorf("demo: accept: %w", err)
			}
		}
	}
	return nil
}

// loadDemoPackages groups Lai Châu's accepted villages into areas and
// builds packages of about 6 sites each, publishing the first, so an
// operator account has something to download. Once only: nothing happens
// when any package exists.
func loadDemoPackages(ctx context.Context, pool *pgxpool.Pool, st *auth.Store) error {
	rev, err := st.UserByName(ctx, "reviewer")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	actx := phusong.WithActor(ctx, rev.Actor())
	bs := bids.NewStore(pool)
	if ps, err := bs.List(actx, bids.ListFilter{}); err != nil || len(ps) > 0 {
		return err
	}
	ac, err := area.DefaultConfig()
	if err != nil {
		return err
	}
	as := area.NewStore(pool)
	job, err := as.StartJob(actx, "12", ac)
	if err != nil {
		return fmt.Errorf("demo: areas: %w", err)
	}
	if _, err := as.RunJob(actx, job, ac, nil); err != nil {
		return fmt.Errorf("demo: areas: %w", err)
	}
	_, sums, err := bs.CreateDrafts(actx, bids.Rule{Province: "12", Mode: "cap", CapKind: "sites", Cap: 6}, 0)
	if err != nil || len(sums) == 0 {
		return fmt.Errorf("demo: packages: %w", err)
	}
	first := sums[len(sums)-1]
	d, err := bs.Get(actx, first.ID)
	if err != nil {
		return fmt.Errorf("demo: packages: %w", err)
	}
	deadline := time.Now().AddDate(0, 1, 0).UTC().Truncate(24 * time.Hour).Add(10 * time.Hour) // 17:00 in Vietnam
	coverage := deadline.AddDate(1, 0, 0)
	requirements := "Trạm 4G (LTE) trở lên; nguồn dự phòng tối thiểu 8 giờ; truyền dẫn viba hoặc vệ tinh nơi chưa có cáp quang."
	ceiling := d.ProposedCeilingVND
	if _, err := bs.Update(actx, first.ID, bids.Patch{Deadline: &deadline, CoverageDeadline: &coverage, CeilingVND: &ceiling, Requirements: &requirements}); err != nil {
		return fmt.Errorf("demo: packages: %w", err)
	}
	if _, err := bs.Publish(actx, first.ID, ""); err != nil {
		return fmt.Errorf("demo: publish: %w", err)
	}
	return nil
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
