package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/api/auth"
)

func userCmd(cfg *Config) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage accounts (create, list, reset-password, disable, enable)"}
	withStore := func(ctx context.Context, fn func(context.Context, *auth.Store) error) error {
		db, err := cfg.open(ctx, cfg.logger(os.Stderr), true)
		if err != nil {
			return err
		}
		defer db.Close()
		return fn(phusong.WithActor(ctx, phusong.System), auth.NewStore(db.Pool))
	}

	var n auth.NewUser
	var role string
	create := &cobra.Command{
		Use:   "create USERNAME",
		Short: "Create an account; the password is read from PHUSONG_PASSWORD or asked for",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n.Username, n.Role = args[0], phusong.Role(role)
			pw, err := readPassword()
			if err != nil {
				return err
			}
			n.Password = pw
			return withStore(cmd.Context(), func(ctx context.Context, st *auth.Store) error {
				u, err := st.CreateUser(ctx, n)
				if err != nil {
					return err
				}
				fmt.Printf("created %s (id %d, %s)\n", u.Username, u.ID, u.Role)
				return nil
			})
		},
	}
	create.Flags().StringVar(&role, "role", "", "province | reviewer | operator | admin (required)")
	create.Flags().StringVar(&n.ProvinceCode, "province", "", "2-digit 2025 province code (role province)")
	create.Flags().StringVar(&n.Operator, "operator", "", "viettel | vinaphone | mobifone | vietnamobile, any case (role operator)")
	create.Flags().StringVar(&n.FullName, "name", "", "full name shown in the page")
	_ = create.MarkFlagRequired("role")

	list := &cobra.Command{
		Use:   "list",
		Short: "List accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd.Context(), func(ctx context.Context, st *auth.Store) error {
				us, err := st.Users(ctx)
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tUSERNAME\tROLE\tBOUND TO\tDISABLED\tNAME")
				for _, u := range us {
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%v\t%s\n", u.ID, u.Username, u.Role, u.ProvinceCode+u.Operator, u.Disabled, u.FullName)
				}
				return w.Flush()
			})
		},
	}
	reset := &cobra.Command{
		Use:   "reset-password USERNAME",
		Short: "Set a new password (from PHUSONG_PASSWORD or asked for); ends the account's sessions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw, err := readPassword()
			if err != nil {
				return err
			}
			return withStore(cmd.Context(), func(ctx context.Context, st *auth.Store) error {
				if _, err := st.UpdateUser(ctx, args[0], auth.UserUpdate{Password: &pw}); err != nil {
					return err
				}
				fmt.Printf("password of %s changed\n", args[0])
				return nil
			})
		},
	}
	disable := &cobra.Command{
		Use:   "disable USERNAME",
		Short: "Disable an account: ends its sessions and revokes its API tokens (never the last active admin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			yes := true
			return withStore(cmd.Context(), func(ctx context.Context, st *auth.Store) error {
				if _, err := st.UpdateUser(ctx, args[0], auth.UserUpdate{Disabled: &yes}); err != nil {
					return err
				}
				fmt.Printf("%s disabled\n", args[0])
				return nil
			})
		},
	}
	enable := &cobra.Command{
		Use:   "enable USERNAME",
		Short: "Enable a disabled account again; its password is unchanged (reset it with reset-password)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			no := false
			return withStore(cmd.Context(), func(ctx context.Context, st *auth.Store) error {
				if _, err := st.UpdateUser(ctx, args[0], auth.UserUpdate{Disabled: &no}); err != nil {
					return err
				}
				fmt.Printf("%s enabled\n", args[0])
				return nil
			})
		},
	}
	cmd.AddCommand(create, list, reset, disable, enable)
	return cmd
}

func readPassword() (string, error) {
	if pw := os.Getenv("PHUSONG_PASSWORD"); pw != "" {
		return pw, nil
	}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		fmt.Fprint(os.Stderr, "Password: ")
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(os.Stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usageError{phusong.Invalid("password_missing",
			"Chưa có mật khẩu: hãy đặt biến môi trường PHUSONG_PASSWORD hoặc gõ mật khẩu vào đầu vào chuẩn.",
			"No password: set PHUSONG_PASSWORD or type it on standard input.")}
	}
	return strings.TrimRight(line, "\r\n"), nil
}
