package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/bids"
)

func packagesCmd(cfg *Config) *cobra.Command {
	cmd := &cobra.Command{Use: "packages", Short: "List, publish and export bid packages (gói thầu)"}
	withStore := func(cmd *cobra.Command, f func(st *bids.Store) error) error {
		db, err := cfg.open(cmd.Context(), cfg.logger(os.Stderr), true)
		if err != nil {
			return err
		}
		defer db.Close()
		return f(bids.NewStore(db.Pool))
	}
	parseID := func(s string) (int64, error) {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return 0, usageError{phusong.Invalid("invalid_arguments", "Tham số dòng lệnh chưa đúng.", "Invalid command line.",
				phusong.Problem{Column: "ID", Code: "package_id_invalid", Value: s,
					VI: fmt.Sprintf("Mã gói thầu %q phải là một số nguyên dương; xem mã ở cột ID của `phusong packages list`.", s),
					EN: fmt.Sprintf("The package id %q must be a positive whole number; see the ID column of `phusong packages list`.", s)})}
		}
		return id, nil
	}

	list := &cobra.Command{
		Use:   "list",
		Short: "List every package with its status and totals",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(st *bids.Store) error {
				ps, err := st.List(phusong.WithActor(cmd.Context(), phusong.System), bids.ListFilter{})
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tPROVINCE\tSTATUS\tVERSION\tAREAS\tSITES\tHOUSEHOLDS\tNAME")
				for _, p := range ps {
					v := "-"
					if p.PublishedVersion != nil {
						v = strconv.Itoa(*p.PublishedVersion)
					}
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", p.ID, p.Province, p.Status, v, p.Totals.Areas, p.Totals.Sites, p.Totals.Households, p.Name)
				}
				return w.Flush()
			})
		},
	}

	var note string
	publish := &cobra.Command{
		Use:   "publish ID [--note TEXT]",
		Short: "Publish a package's working copy as its next version (files generated once and stored)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			return withStore(cmd, func(st *bids.Store) error {
				v, err := st.Publish(phusong.WithActor(cmd.Context(), phusong.System), id, note)
				if err != nil {
					return err
				}
				fmt.Printf("package %d version %d published %s\n", id, v.Version, v.PublishedAt.Format("2006-01-02 15:04:05Z"))
				w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
				for _, f := range v.Files {
					fmt.Fprintf(w, "%s\t%d\t%s\n", f.Name, f.Size, f.SHA256)
				}
				return w.Flush()
			})
		},
	}
	publish.Flags().StringVar(&note, "note", "", "change note (required from the second version on)")

	var out string
	var version int
	var force bool
	export := &cobra.Command{
		Use:   "export ID --out DIR [--version N] [--force]",
		Short: "Write the stored files of a published version into DIR, checking each SHA-256",
		Long: `Write the stored files of a published version into DIR (created if missing),
checking each against its SHA-256. DIR must be empty, so that the files of two
packages or versions are never mixed; --force writes into a folder that is not
(files of the same name are replaced, others are left as they are).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			if !force {
				if err := checkEmptyDir(out); err != nil {
					return err
				}
			}
			return withStore(cmd, func(st *bids.Store) error {
				ctx := phusong.WithActor(cmd.Context(), phusong.System)
				d, err := st.Version(ctx, id, version)
				if err != nil {
					return err
				}
				if err := os.MkdirAll(out, 0o755); err != nil {
					return err
				}
				v := d.Versions[0]
				for _, x := range d.Versions {
					if x.Version == d.Version {
						v = x
					}
				}
				for _, fi := range v.Files {
					f, err := st.File(ctx, id, v.Version, fi.Name)
					if err != nil {
						return err
					}
					sum := sha256.Sum256(f.Data)
					if hex.EncodeToString(sum[:]) != f.SHA256 {
						return fmt.Errorf("%s: stored bytes do not match their SHA-256 %s", f.Name, f.SHA256)
					}
					if err := os.WriteFile(filepath.Join(out, f.Name), f.Data, 0o644); err != nil {
						return err
					}
					fmt.Printf("%s  %s\n", f.SHA256, f.Name)
				}
				return nil
			})
		},
	}
	export.Flags().StringVar(&out, "out", "", "directory to write the files into, empty or new (required)")
	export.Flags().IntVar(&version, "version", 0, "published version (default: the latest)")
	export.Flags().BoolVar(&force, "force", false, "write into DIR even when it holds other files")
	_ = export.MarkFlagRequired("out")

	cmd.AddCommand(list, publish, export)
	return cmd
}

// checkEmptyDir refuses a folder that exists and holds anything: files
// written next to another package's would be taken for one package.
func checkEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	return phusong.Errorf(phusong.ErrConflict, "out_not_empty",
		fmt.Sprintf("Thư mục %s đã có tệp (%s…): các tệp của gói thầu sẽ lẫn với chúng. Hãy chọn một thư mục trống hoặc chưa có, hoặc thêm --force để ghi đè các tệp cùng tên.", dir, entries[0].Name()),
		fmt.Sprintf("The folder %s is not empty (%s…): the package's files would mix with what is there. Choose an empty or new folder, or add --force to overwrite files of the same name.", dir, entries[0].Name()))
}
