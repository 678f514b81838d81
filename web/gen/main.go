// Command gen bundles web/src into web/dist (go generate ./web).
package main

import (
	"fmt"
	"os"

	"github.com/phusong/phusong/web/internal/bundle"
)

func main() {
	if err := bundle.Build(".", "dist"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
