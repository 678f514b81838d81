// Command phusong runs the phủ sóng service and its maintenance commands.
//
//	phusong serve                 the API and web page (own PostGIS unless DATABASE_URL is set)
//	phusong migrate up|status     the schema
//	phusong demo                  demo accounts (and data)
//	phusong user create|list|reset-password|disable
//
// Configuration comes from flags and environment variables, read here and
// nowhere else; see README.md for the list.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/phusong/phusong"
)

// Exit statuses every command shares. validate and import give 1 and 2
// their own meaning (rows invalid, file unreadable or nothing stored), so a
// wrong command line gets a third one that scripts cannot mistake for
// either: 64, EX_USAGE of sysexits.h.
const (
	exitFailed = 1
	exitUsage  = 64
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	cmd, err := rootCmd().ExecuteContextC(ctx)
	stop()
	os.Exit(report(os.Stderr, cmd, err))
}

// report prints err for a person and returns the exit status.
func report(w io.Writer, cmd *cobra.Command, err error) int {
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code // the command printed what went wrong itself
	}
	// cobra's own errors (unknown command or flag, a bad flag value, a
	// missing argument or required flag) come before RunE runs; see ranRunE.
	var ran ranError
	var ue usageError
	usage := !errors.As(err, &ran) || errors.As(err, &ue)
	printError(w, err)
	if !usage {
		return exitFailed
	}
	path := "phusong"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	fmt.Fprintf(w, "  Xem cách dùng / see the usage: %s --help\n", path)
	return exitUsage
}

// printError prints err in both languages when it carries a message for a
// person (phusong.InputError, phusong.KindError), Vietnamese first, then
// each problem; other errors are ours, not the user's, and read in English.
func printError(w io.Writer, err error) {
	var ie *phusong.InputError
	var ke *phusong.KindError
	switch {
	case errors.As(err, &ie):
		fmt.Fprintf(w, "phusong: %s\n         %s\n", ie.Message.VI, ie.Message.EN)
		for _, p := range ie.Problems {
			if p.VI == ie.Message.VI && p.EN == ie.Message.EN {
				continue // the one problem of a whole-input error repeats its message
			}
			col := ""
			if p.Column != "" {
				col = p.Column + ": "
			}
			fmt.Fprintf(w, "  - %s%s\n    %s%s\n", col, p.VI, col, p.EN)
		}
	case errors.As(err, &ke):
		fmt.Fprintf(w, "phusong: %s\n         %s\n", ke.Message.VI, ke.Message.EN)
	default:
		fmt.Fprintf(w, "phusong: %v\n", err)
	}
}

// exitError ends the process with a given code (validate's 1 and 2) after
// the command printed the reason.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// usageError is a command line a command refused after cobra accepted it
// (an unknown province code, eps out of range): exit 64, like cobra's own.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// ranError marks an error returned by a command's RunE, so that report can
// tell it from cobra's usage errors, which never get that far.
type ranError struct{ err error }

func (e ranError) Error() string { return e.err.Error() }
func (e ranError) Unwrap() error { return e.err }

// ranRunE wraps the RunE of c and of every command below it in ranError.
func ranRunE(c *cobra.Command) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if err := run(cmd, args); err != nil {
				return ranError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		ranRunE(sub)
	}
}

func rootCmd() *cobra.Command {
	cfg := &Config{}
	root := &cobra.Command{
		Use:   "phusong",
		Short: "Phủ sóng: survey, group and tender Vietnam's mobile dead zones",
		Long: `Phủ sóng: survey, group and tender Vietnam's mobile dead zones.

Exit status: 0 done, 1 the command failed, 64 the command line is wrong
(unknown command or flag, a bad or missing value: see the command's --help).
validate and import give 1 and 2 their own meaning (see their --help).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cfg.bindCommon(root)
	root.AddCommand(serveCmd(cfg), migrateCmd(cfg), demoCmd(cfg), userCmd(cfg), validateCmd(cfg), importCmd(cfg), areasCmd(cfg), packagesCmd(cfg), dbCmd(cfg), healthcheckCmd(cfg))
	ranRunE(root)
	return root
}
