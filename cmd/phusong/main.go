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
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := rootCmd()
	if err := cmd.ExecuteContext(ctx); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			stop()
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "phusong:", err)
		stop()
		os.Exit(1)
	}
}

// exitError ends the process with a given code (validate's 1 and 2).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func rootCmd() *cobra.Command {
	cfg := &Config{}
	root := &cobra.Command{
		Use:           "phusong",
		Short:         "Phủ sóng: survey, group and tender Vietnam's mobile dead zones",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cfg.bindCommon(root)
	root.AddCommand(serveCmd(cfg), migrateCmd(cfg), demoCmd(cfg), userCmd(cfg), validateCmd(cfg), importCmd(cfg), areasCmd(cfg), packagesCmd(cfg), dbCmd(cfg), healthcheckCmd(cfg))
	return root
}
