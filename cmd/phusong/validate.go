package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/geo/admin"
	"github.com/phusong/phusong/geo/intake"
	"github.com/phusong/phusong/geo/survey"
)

// fileOptions are the flags validate and import share.
type fileOptions struct {
	province, sheet, encoding string
	asJSON                    bool
}

func (o *fileOptions) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.province, "province", "", "2-digit 2025 province code the file is for (required)")
	cmd.Flags().StringVar(&o.sheet, "sheet", "", "XLSX sheet to read (default: the first)")
	cmd.Flags().StringVar(&o.encoding, "encoding", "", "CSV encoding: utf-8, utf-16le, utf-16be, windows-1258, tcvn3 (default: detected)")
	cmd.Flags().BoolVar(&o.asJSON, "json", false, "print the report as JSON")
	_ = cmd.MarkFlagRequired("province")
}

// checkProvince refuses a --province that is not one of the 34 provinces
// of 2025 before any file or database is touched: otherwise every row of
// the file would be reported as "not the submitting province". A pre-2025
// code gets its new code in the message, as the file's rows do.
func checkProvince(ref *admin.Data, code string) error {
	if _, ok := ref.Province(code); ok {
		return nil
	}
	vi := fmt.Sprintf("Không có tỉnh mang mã %q trong danh mục 34 tỉnh, thành phố từ 2025. Hãy ghi mã 2 chữ số, ví dụ --province 12 (Lai Châu).", code)
	en := fmt.Sprintf("No province has code %q among the 34 provinces of 2025. Give a 2-digit code, e.g. --province 12 (Lai Châu).", code)
	if newCode, translated, ok := ref.TranslateProvince(code); ok && translated {
		name := ref.ProvinceName(newCode)
		vi = fmt.Sprintf("Mã tỉnh %q là mã trước năm 2025. Hãy dùng mã mới: --province %s (%s).", code, newCode, name)
		en = fmt.Sprintf("Province code %q is from before 2025. Use the new code: --province %s (%s).", code, newCode, name)
	}
	return usageError{phusong.Invalid("invalid_flags", "Tham số dòng lệnh chưa đúng.", "Invalid command line.",
		phusong.Problem{Column: "--province", Code: "province_unknown", Value: code, VI: vi, EN: en})}
}

func validateCmd(cfg *Config) *cobra.Command {
	var o fileOptions
	cmd := &cobra.Command{
		Use:   "validate --province NN [--json] FILE",
		Short: "Check a survey file without storing anything (no database needed)",
		Long: `Check a survey file (CSV, XLSX or GeoJSON) against the published specification,
with the reference data built into the binary: no database, no network.

Exit status: 0 the file is valid (warnings allowed), 1 the file was read but rows
or columns are invalid, 2 the file cannot be read as a survey file at all,
64 the command line is wrong (a missing or unknown --province, an unknown flag).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := admin.Load()
			if err != nil {
				return exitError{2}
			}
			if err := checkProvince(ref, o.province); err != nil {
				return err
			}
			rep, err := intake.ValidateFile(cmd.Context(), args[0], ref, intake.Options{Province: o.province, Sheet: o.sheet, Encoding: o.encoding})
			printReport(os.Stdout, rep, err, o.asJSON)
			if code := intake.ExitCode(rep, err); code != 0 {
				return exitError{code}
			}
			return nil
		},
	}
	o.bind(cmd)
	return cmd
}

func importCmd(cfg *Config) *cobra.Command {
	var o fileOptions
	var validOnly bool
	cmd := &cobra.Command{
		Use:   "import --province NN FILE",
		Short: "Check a survey file, then store it as one submission (whole or not at all)",
		Long: `Check a survey file exactly as validate does, then store it as one submission
by the system account, streaming it (files of any length, flat memory). With
errors nothing is stored unless --valid-only. Exit status as validate; 2 also
when nothing could be stored for another reason (the database cannot be
reached; --province all into a database that already holds points).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := admin.Load()
			if err != nil {
				return exitError{2}
			}
			if o.province != "all" {
				if err := checkProvince(ref, o.province); err != nil {
					return err
				}
			}
			f, err := os.Open(args[0])
			if err != nil {
				rep, err := intake.ValidateFile(cmd.Context(), args[0], ref, intake.Options{})
				printReport(os.Stdout, rep, err, o.asJSON)
				return exitError{2}
			}
			defer f.Close()
			log := cfg.logger(os.Stderr)
			db, err := cfg.open(cmd.Context(), log, true)
			if err != nil {
				return nothingStored(err)
			}
			defer db.Close()
			var in io.Reader = f
			if st, err := f.Stat(); err == nil && term.IsTerminal(int(os.Stderr.Fd())) {
				bar := progressbar.DefaultBytes(st.Size(), "importing")
				r := progressbar.NewReader(f, bar)
				in = &r
			}
			// Reviewers see the file name: the user's folders are none of
			// their business, and a path reads as noise in the list.
			name := filepath.Base(args[0])
			if o.province == "all" {
				return bulkImport(cmd.Context(), db, ref, in, name, o)
			}
			mode := survey.ModeAll
			if validOnly {
				mode = survey.ModeValidOnly
			}
			ctx := phusong.WithActor(cmd.Context(), phusong.System)
			src := intake.NewSource(ctx, in, ref, intake.Options{Province: o.province, Sheet: o.sheet, Encoding: o.encoding})
			sub, err := survey.NewStore(db.Pool).Submit(ctx, survey.NewSubmission{ProvinceCode: o.province, Filename: name, Mode: mode}, src.Read)
			rep := src.Report
			if isInputError(err) {
				printReport(os.Stdout, rep, err, o.asJSON)
				return exitError{intake.ExitCode(rep, err)}
			}
			if err != nil {
				return nothingStored(err)
			}
			printReport(os.Stdout, rep, nil, o.asJSON)
			// stdout stays one JSON document with --json.
			if o.asJSON {
				printStoredProblems(os.Stderr, sub)
			} else {
				printStoredProblems(os.Stdout, sub)
			}
			if sub.Status == survey.StatusRejected {
				fmt.Fprintf(os.Stderr, "chưa lưu gì: bản nộp %d bị từ chối (%d lỗi), hãy sửa các dòng lỗi hoặc dùng --valid-only\nnothing stored: submission %d rejected (%d errors); fix the rows or use --valid-only\n", sub.ID, sub.ErrorCount, sub.ID, sub.ErrorCount)
				return exitError{1}
			}
			fmt.Fprintf(os.Stderr, "stored submission %d: %d points inserted, %d updated\n", sub.ID, sub.Inserted, sub.Updated)
			return nil
		},
	}
	o.bind(cmd)
	cmd.Flags().Lookup("province").Usage = `2-digit 2025 province code the file is for, or "all" for a national first load into an empty database (admin, one transaction)`
	cmd.Flags().BoolVar(&validOnly, "valid-only", false, "store the valid rows even when others are invalid")
	return cmd
}

// nothingStored reports an import that stored nothing although the file
// was not at fault (the database, a database that already holds points):
// exit 2, never another code, so a script cannot take it for a success or
// for invalid rows.
func nothingStored(err error) error {
	fmt.Fprintln(os.Stderr, "phusong import: chưa lưu gì / nothing stored")
	printError(os.Stderr, err)
	return exitError{2}
}

func isInputError(err error) bool {
	var ie *phusong.InputError
	return errors.As(err, &ie)
}

// printReport prints what was found: the JSON report, or a short text for
// a person (counts, the problems grouped by kind, the first rows of each).
func printReport(w io.Writer, rep *intake.Report, err error, asJSON bool) {
	if asJSON {
		var b []byte
		if err != nil {
			b, _ = intake.ErrorReport(err)
		} else {
			b, _ = json.Marshal(rep)
		}
		fmt.Fprintln(w, string(b))
		return
	}
	if err != nil {
		var ie *phusong.InputError
		if errors.As(err, &ie) {
			fmt.Fprintf(w, "Không đọc được tệp / cannot read the file (%s):\n  %s\n  %s\n", ie.Code, ie.Message.VI, ie.Message.EN)
			for _, p := range ie.Problems {
				if p.VI == ie.Message.VI && p.EN == ie.Message.EN {
					continue // a file-level error's one problem is its message
				}
				fmt.Fprintf(w, "  - %s\n    %s\n", p.VI, p.EN)
			}
			return
		}
		fmt.Fprintf(w, "Không đọc được tệp / cannot read the file: %v\n", err)
		return
	}
	fmt.Fprintf(w, "%s: %d rows, %d valid, %d errors, %d warnings\n", rep.Format, rep.Rows, rep.Valid, rep.ErrorCount, rep.WarningCount)
	for _, g := range rep.Summary(30) {
		fmt.Fprintf(w, "  [%s] %s %s ×%d (rows %v)\n    %s\n    %s\n", g.Severity, g.Code, g.Column, g.Count, g.Rows, g.VI, g.EN)
	}
}

// storedProblemLines is how many database-check problems are printed; the
// rest are counted.
const storedProblemLines = 30

// printStoredProblems prints the database check's problems of a
// submission (survey.StoredCheckSeverity) one by one, since the report
// printed before never holds them and a rejection would otherwise come
// with "0 errors" and no reason: severity, row, column, code, then the message in
// Vietnamese and in English.
func printStoredProblems(w io.Writer, sub survey.Submission) {
	var ps []phusong.Problem
	for _, p := range sub.Problems {
		if survey.StoredCheckSeverity[p.Code] != "" {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return
	}
	fmt.Fprintf(w, "Đối chiếu với điểm đã lưu / checked against stored points: %d\n", len(ps))
	for i, p := range ps {
		if i == storedProblemLines {
			fmt.Fprintf(w, "  … và %d vấn đề khác / and %d more\n", len(ps)-i, len(ps)-i)
			break
		}
		fmt.Fprintf(w, "  [%s] dòng/row %d %s %s\n    %s\n    %s\n", survey.StoredCheckSeverity[p.Code], p.Row, p.Column, p.Code, p.VI, p.EN)
	}
}

// bulkImport stores a national file into an empty database in one
// transaction (survey.Store.BulkLoad): every province's rows, one
// submission each, whole or not at all.
func bulkImport(ctx context.Context, db *database, ref *admin.Data, in io.Reader, filename string, o fileOptions) error {
	actx := phusong.WithActor(ctx, phusong.System)
	src := intake.NewSource(actx, in, ref, intake.Options{Sheet: o.sheet, Encoding: o.encoding})
	res, err := survey.NewStore(db.Pool).BulkLoad(actx, filename, src.Read)
	rep := src.Report
	if isInputError(err) {
		printReport(os.Stdout, rep, err, o.asJSON)
		return exitError{intake.ExitCode(rep, err)}
	}
	if err != nil {
		return nothingStored(err)
	}
	printReport(os.Stdout, rep, nil, o.asJSON)
	if res.Rejected {
		fmt.Fprintf(os.Stderr, "chưa lưu gì: %d lỗi, hãy sửa các dòng lỗi rồi nạp lại\nnothing stored: %d errors; fix the rows and load the file again\n", rep.ErrorCount, rep.ErrorCount)
		return exitError{1}
	}
	total := 0
	for _, s := range res.Submissions {
		total += s.Inserted
	}
	fmt.Fprintf(os.Stderr, "stored %d points in %d submissions (one per province)\n", total, len(res.Submissions))
	return nil
}
