package intake

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/phusong/phusong"
)

// DefaultMaxProblems is how many problems a Report keeps when
// Options.MaxProblems is 0; all of them are counted.
const DefaultMaxProblems = 100_000

// Report is what Read found in a file: how it was read, how many rows, and
// every problem, row by row. Errors and Warnings keep at most
// Options.MaxProblems problems between them, in file order (file-level
// problems first); ErrorCount and WarningCount count them all.
type Report struct {
	Format    string   // "csv", "xlsx" or "geojson"
	Encoding  string   // CSV only: utf-8, utf-8-bom, utf-16le, utf-16be, windows-1258, tcvn3
	Delimiter string   // CSV only: ",", ";" or "\t"
	Sheet     string   // XLSX only: the sheet read
	Columns   []string // canonical names of the columns found, in file order
	Rows      int      // data rows read (blank rows and header rows not counted)
	Valid     int      // rows without errors: the points passed to emit

	Errors, Warnings         []phusong.Problem
	ErrorCount, WarningCount int

	max    int
	groups map[groupKey]*Group
}

// Group is one kind of problem in a summary: a code in a column, with how
// often it occurs and the first rows where it does.
type Group struct {
	Code     string `json:"code"`
	Column   string `json:"column,omitempty"`
	Severity string `json:"severity"`
	Count    int    `json:"count"`
	Rows     []int  `json:"rows"` // the first few rows, in file order
	VI       string `json:"message_vi"`
	EN       string `json:"message_en"` // the message of the first occurrence
}

type groupKey struct{ code, column string }

// groupRows is how many example rows a Group keeps.
const groupRows = 10

func newReport(maxProblems int) *Report {
	if maxProblems <= 0 {
		maxProblems = DefaultMaxProblems
	}
	return &Report{max: maxProblems, groups: map[groupKey]*Group{},
		Errors: []phusong.Problem{}, Warnings: []phusong.Problem{}}
}

// OK reports whether the file has no error: every row can be stored.
// Warnings do not count.
func (r *Report) OK() bool { return r.ErrorCount == 0 }

// Truncated reports whether some problems were counted but not kept.
func (r *Report) Truncated() bool {
	return len(r.Errors)+len(r.Warnings) < r.ErrorCount+r.WarningCount
}

func (r *Report) add(sev Severity, p phusong.Problem) {
	if sev == Warning {
		r.WarningCount++
	} else {
		r.ErrorCount++
	}
	k := groupKey{p.Code, p.Column}
	g := r.groups[k]
	if g == nil {
		g = &Group{Code: p.Code, Column: p.Column, Severity: sev.String(), VI: p.VI, EN: p.EN}
		r.groups[k] = g
	}
	g.Count++
	if len(g.Rows) < groupRows {
		g.Rows = append(g.Rows, p.Row)
	}
	if len(r.Errors)+len(r.Warnings) >= r.max {
		return
	}
	if sev == Warning {
		r.Warnings = append(r.Warnings, p)
	} else {
		r.Errors = append(r.Errors, p)
	}
}

// Summary groups the problems by code and column, errors before warnings,
// the most frequent first, and keeps at most max groups (0 = all). Counts
// cover every problem, kept or not.
func (r *Report) Summary(max int) []Group {
	out := make([]Group, 0, len(r.groups))
	for _, g := range r.groups {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity != b.Severity {
			return a.Severity == "error"
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Column < b.Column
	})
	if max > 0 && len(out) > max {
		out = out[:max]
	}
	return out
}

// SummaryGroups is how many groups the JSON form of a Report carries.
const SummaryGroups = 50

// MarshalJSON writes the shape `phusong validate --json` prints and the API
// returns:
//
//	{"ok":false,"rows":120,"valid":118,"errors":[{"row":12,"column":"households","code":"households_invalid",
//	 "value":"0","message_vi":"…","message_en":"…"}],"warnings":[…],"error_count":2,"warning_count":5,
//	 "truncated":false,"summary":[{"code":"households_invalid","column":"households","severity":"error",
//	 "count":2,"rows":[12,40],"message_vi":"…","message_en":"…"}],"format":"csv","encoding":"utf-8","delimiter":","}
func (r *Report) MarshalJSON() ([]byte, error) {
	type report struct {
		OK           bool              `json:"ok"`
		Rows         int               `json:"rows"`
		Valid        int               `json:"valid"`
		Errors       []phusong.Problem `json:"errors"`
		Warnings     []phusong.Problem `json:"warnings"`
		ErrorCount   int               `json:"error_count"`
		WarningCount int               `json:"warning_count"`
		Truncated    bool              `json:"truncated"`
		Summary      []Group           `json:"summary"`
		Format       string            `json:"format,omitempty"`
		Encoding     string            `json:"encoding,omitempty"`
		Delimiter    string            `json:"delimiter,omitempty"`
		Sheet        string            `json:"sheet,omitempty"`
		Columns      []string          `json:"columns"`
	}
	out := report{OK: r.OK(), Rows: r.Rows, Valid: r.Valid, Errors: r.Errors, Warnings: r.Warnings,
		ErrorCount: r.ErrorCount, WarningCount: r.WarningCount, Truncated: r.Truncated(),
		Summary: r.Summary(SummaryGroups), Format: r.Format, Encoding: r.Encoding, Delimiter: r.Delimiter,
		Sheet: r.Sheet, Columns: r.Columns}
	if out.Errors == nil {
		out.Errors = []phusong.Problem{}
	}
	if out.Warnings == nil {
		out.Warnings = []phusong.Problem{}
	}
	if out.Columns == nil {
		out.Columns = []string{}
	}
	return json.Marshal(out)
}

// ErrorReport is the JSON shape of a file that cannot be read at all, the
// same keys as a Report's so that one client reads both:
// {"ok":false,"rows":0,"code":"file_empty","errors":[…],"warnings":[]}.
func ErrorReport(err error) ([]byte, error) {
	var ie *phusong.InputError
	if !errors.As(err, &ie) {
		ie = fatal("file_unreadable", 0, err.Error())
	}
	problems := ie.Problems
	if len(problems) == 0 {
		problems = []phusong.Problem{{Code: ie.Code, VI: ie.Message.VI, EN: ie.Message.EN}}
	}
	return json.Marshal(struct {
		OK       bool              `json:"ok"`
		Rows     int               `json:"rows"`
		Code     string            `json:"code"`
		Errors   []phusong.Problem `json:"errors"`
		Warnings []phusong.Problem `json:"warnings"`
	}{false, 0, ie.Code, problems, []phusong.Problem{}})
}

// ExitCode gives the exit status of `phusong validate` and `phusong import`
// for what Read returned: 0 the file is valid (warnings allowed), 1 it was
// read but some rows or columns are invalid (a missing required column
// included), 2 it cannot be read as a survey file (any error from Read).
func ExitCode(report *Report, err error) int {
	switch {
	case err != nil || report == nil:
		return 2
	case !report.OK():
		return 1
	}
	return 0
}

// WriteProblemsCSV writes problems as a CSV file an officer opens in Excel:
// UTF-8 with a byte-order mark (so that Excel shows Vietnamese), one header
// row "row,column,code,value,message_vi,message_en", and every cell that a
// spreadsheet would read as a formula neutralised with a leading apostrophe.
func WriteProblemsCSV(w io.Writer, problems []phusong.Problem) error {
	return writeProblems(w, false, problems, nil)
}

// WriteCSV writes the report's errors then warnings as WriteProblemsCSV
// does, with a "severity" column first.
func (r *Report) WriteCSV(w io.Writer) error {
	return writeProblems(w, true, r.Errors, r.Warnings)
}

func writeProblems(w io.Writer, severity bool, errs, warns []phusong.Problem) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := []string{"row", "column", "code", "value", "message_vi", "message_en"}
	if severity {
		head = append([]string{"severity"}, head...)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	write := func(sev string, ps []phusong.Problem) error {
		for _, p := range ps {
			rec := []string{strconv.Itoa(p.Row), p.Column, p.Code, Neutralize(p.Value), Neutralize(p.VI), Neutralize(p.EN)}
			if severity {
				rec = append([]string{sev}, rec...)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		return nil
	}
	if err := write("error", errs); err != nil {
		return err
	}
	if err := write("warning", warns); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// Neutralize returns s made safe to write into a spreadsheet cell: text that
// Excel or LibreOffice would read as a formula (starting with =, +, -, @, a
// tab or a carriage return) gets a leading apostrophe, unless it is a plain
// number such as -95. Any writer of user text to CSV or XLSX uses it.
func Neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && s[0] != '=' && s[0] != '@' {
			return s
		}
		return "'" + s
	}
	return s
}
